import { invalidRequest, notFound, ResponsesBridgeError } from "../errors.js";
import { encodeSSEEvent } from "../sse/encode-sse-event.js";
import { splitSSEFrames } from "../store/sse-frames.js";
import type { TurnLog, TurnWriter } from "../store/stateful-types.js";
import type { ResponseObject, ResponseStreamEvent, StoredResponse, StoreScope } from "../types.js";
import type { TurnOptions } from "./conversation-turn.js";
import { identifyInputItems } from "./input-items.js";
import { withKeepAlive } from "./keep-alive.js";
import type { BridgeResult, HookContext } from "./options.js";
import { createResponse, type ResponsesEndpointContext } from "./responses-endpoint.js";
import { SSE_HEADERS } from "./sse-headers.js";

/** Limits on background turns, from the handler's `background` option. */
export interface BackgroundLimits {
  /** Most background turns running at once per tenant on this instance. */
  maxConcurrent: number;
  /** Longest a background turn may run, in milliseconds; it then ends as `failed`. */
  maxDurationMs: number;
}

/** What the background runner needs: the endpoint, the turn log and the limits. */
export interface BackgroundContext {
  endpoint: ResponsesEndpointContext;
  turns: TurnLog;
  limits: BackgroundLimits;
  /** Running background turns per tenant key (this instance). */
  running: Map<string, number>;
}

const UNFINISHED = new Set(["queued", "in_progress"]);
/** How long `cancel` waits for the turn's instance to record the cancelled state before answering. */
const CANCEL_WAIT_MS = 5000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when a `POST /responses` body asks for a background turn. */
export function isBackgroundRequest(body: unknown): boolean {
  return isPlainObject(body) && body.background === true;
}

/** True when a `POST /responses` body asks for a streamed turn that is stored (`stream: true`, `store` not false). */
export function isStoredStream(body: unknown): boolean {
  return isPlainObject(body) && body.stream === true && body.store !== false;
}

/** The Response object in the last event frame of `text` (a terminal event), or undefined. */
function terminalResponse(text: string): ResponseObject | undefined {
  const frame = splitSSEFrames(text).at(-1);
  if (!frame) return undefined;
  const data = frame.slice(frame.indexOf("data: ") + 6).trimEnd();
  try {
    const event = JSON.parse(data) as { type?: string; response?: ResponseObject };
    if (
      event.type === "response.completed" ||
      event.type === "response.failed" ||
      event.type === "response.incomplete"
    ) {
      return event.response;
    }
  } catch {
    // Not an event the bridge wrote: no terminal response.
  }
  return undefined;
}

function failedResponse(response: ResponseObject, code: string, message: string): ResponseObject {
  return { ...response, status: "failed", error: { code, message } as ResponseObject["error"] };
}

/**
 * `POST /responses` with `background: true`: validates the request, stores it as `queued`, and answers
 * at once (the Response object, or with `stream: true` the turn's events as they come), while the turn
 * runs detached from the client's connection, its events going to the turn log.
 */
export async function startBackground(
  context: BackgroundContext,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  const { endpoint, turns, limits, running } = context;
  const { store, environment } = endpoint;
  const request = body as Record<string, unknown>;
  if (request.store === false) {
    throw invalidRequest("Background mode requires 'store' to be true.", "store", "invalid_value");
  }
  const tenant = scope?.tenant ?? "";
  const count = running.get(tenant) ?? 0;
  if (count >= limits.maxConcurrent) {
    throw new ResponsesBridgeError(
      `Too many background responses running: at most ${limits.maxConcurrent} at once. Wait for one to finish or cancel one.`,
      { status: 429, type: "rate_limit_error", code: "too_many_background_responses" },
    );
  }
  running.set(tenant, count + 1);
  const release = () => {
    const left = (running.get(tenant) ?? 1) - 1;
    if (left > 0) running.set(tenant, left);
    else running.delete(tenant);
  };

  const id = environment.generateId("resp");
  let writer: TurnWriter;
  try {
    writer = await turns.begin(id, scope);
  } catch (error) {
    release();
    throw error;
  }
  // The turn's own signal: cancel (from any instance), a lost lease, or the maximum duration stop it.
  const controller = new AbortController();
  let timedOut = false;
  const onStop = () => controller.abort(writer.signal.reason);
  writer.signal.addEventListener("abort", onStop, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error("The background response ran longer than allowed."));
  }, limits.maxDurationMs);

  let record: StoredResponse | undefined;
  let queued: ResponseObject | undefined;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const turn: TurnOptions = {
    responseId: id,
    background: true,
    async onStart(response, input) {
      const first: ResponseObject = { ...response, status: "queued" };
      const stored: StoredResponse = {
        id,
        previousResponseId: response.previous_response_id ?? null,
        input: identifyInputItems(input, environment.generateId),
        response: first,
      };
      await store.put(stored, scope);
      record = stored;
      queued = first;
      markStarted();
    },
  };
  // Streamed into the log whatever the client asked; failures before the first byte become events.
  const backgroundEndpoint: ResponsesEndpointContext = {
    ...endpoint,
    options: { ...endpoint.options, streamErrors: "events" },
  };
  const wantsStream = request.stream === true;
  // Not awaited: the client is answered once the turn is valid and stored as queued, before the upstream
  // has answered (which may take minutes of prompt processing on a local model).
  const turnResult = createResponse(
    backgroundEndpoint,
    { ...request, stream: true },
    controller.signal,
    scope,
    hooks,
    turn,
  );
  try {
    await Promise.race([started, turnResult]);
  } catch (error) {
    // Refused before it started (invalid request, unknown model, store down...): answered like any request.
    clearTimeout(timer);
    writer.signal.removeEventListener("abort", onStop);
    release();
    await writer.end().catch(() => {});
    throw error;
  }
  const stored = record as unknown as StoredResponse;
  const noEvents: BridgeResult = {
    kind: "stream",
    status: 200,
    headers: {},
    body: (async function* () {})(),
  };
  const state: PumpState = {
    context,
    writer,
    scope,
    hooks,
    stopReason: () => (timedOut ? "timeout" : writer.stopReason),
  };
  const finished = turnResult
    .then(
      (result) => pump(result, stored, state),
      (error: unknown) => {
        // Failed after it was queued (stopped while waiting for the upstream): recorded by the pump.
        endpoint.report(error, hooks);
        return pump(noEvents, stored, state);
      },
    )
    .finally(() => {
      clearTimeout(timer);
      writer.signal.removeEventListener("abort", onStop);
      release();
    });
  finished.catch((error: unknown) => endpoint.report(error, hooks));

  if (!wantsStream) {
    return { kind: "json", status: 200, headers: { "x-request-id": hooks.requestId }, body: queued };
  }
  const events = await turns.read(id, { startingAfter: -1, signal }, scope);
  return {
    kind: "stream",
    status: 200,
    headers: { ...SSE_HEADERS, "x-request-id": hooks.requestId },
    body: withKeepAlive(events ?? (async function* () {})(), endpoint.keepAliveMs),
  };
}

interface PumpState {
  context: BackgroundContext;
  writer: TurnWriter;
  scope: StoreScope | undefined;
  hooks: HookContext;
  stopReason: () => string | undefined;
}

/** Reads a background turn's events into its log, records its progress, and records how it ended. */
async function pump(result: BridgeResult, record: StoredResponse, state: PumpState): Promise<void> {
  try {
    await pumpEvents(result, record, state);
  } finally {
    // Always: the log ends and the lease is released, whatever failed above.
    await state.writer.end();
  }
}

async function pumpEvents(result: BridgeResult, record: StoredResponse, state: PumpState): Promise<void> {
  const { context, writer, scope } = state;
  const { store } = context.endpoint;
  let last = "";
  let sequence = 0;
  try {
    if (result.kind === "stream") {
      for await (const piece of result.body) {
        if (piece.charCodeAt(0) === 58 /* ":" keep-alive */) continue;
        if (sequence === 0) {
          await store.put({ ...record, response: { ...record.response, status: "in_progress" } }, scope);
        }
        sequence += splitSSEFrames(piece).length;
        await writer.append(piece);
        last = piece;
      }
    }
  } catch (error) {
    context.endpoint.report(error, state.hooks);
  }
  const terminal = terminalResponse(last);
  if (terminal) {
    // Completed and incomplete turns were saved before their terminal event; failed ones are not.
    if (terminal.status === "failed") await store.put({ ...record, response: terminal }, scope);
  } else {
    // Stopped before its end: cancelled, over its time, or its lease was lost.
    const reason = state.stopReason();
    const base = { ...record.response, status: "in_progress" as const };
    const final: ResponseObject =
      reason === "cancelled"
        ? { ...record.response, status: "cancelled" }
        : reason === "timeout"
          ? failedResponse(
              base,
              "background_timeout",
              `The background response did not finish within ${context.limits.maxDurationMs} ms.`,
            )
          : failedResponse(base, "server_error", "The background response stopped before it finished.");
    if (final.status === "failed" && reason !== "lease_lost") {
      const event = { type: "response.failed", sequence_number: sequence, response: final };
      await writer.append(encodeSSEEvent(event as unknown as ResponseStreamEvent)).catch(() => {});
    }
    // A lost lease means another instance may already have marked it failed: do not overwrite that.
    if (reason !== "lease_lost") await store.put({ ...record, response: final }, scope);
  }
}

/**
 * A stored response that is still `queued`/`in_progress` although the instance running it is gone (its
 * lease expired): marked `failed` in the store, its log closed with a `response.failed` event.
 * Returns the record as it now stands.
 */
export async function settleLostTurn(
  context: BackgroundContext,
  record: StoredResponse,
  scope: StoreScope | undefined,
): Promise<StoredResponse> {
  if (!UNFINISHED.has(record.response.status ?? "")) return record;
  if ((await context.turns.state(record.id, scope)) !== "lost") return record;
  const failed = failedResponse(
    { ...record.response, status: "in_progress" },
    "server_error",
    "The server instance running this response stopped before it finished (its lease expired). Please retry.",
  );
  const closed = await context.turns.closeLost(
    record.id,
    (sequenceNumber) =>
      encodeSSEEvent({
        type: "response.failed",
        sequence_number: sequenceNumber,
        response: failed,
      } as unknown as ResponseStreamEvent),
    scope,
  );
  if (!closed) return (await context.endpoint.store.get(record.id, scope)) ?? record;
  const settled = { ...record, response: failed };
  await context.endpoint.store.put(settled, scope);
  return settled;
}

/** `GET /responses/{id}`: the stored response, a lost turn settled as `failed` first. */
export async function retrieveResponse(
  context: BackgroundContext,
  id: string,
  scope: StoreScope | undefined,
): Promise<StoredResponse> {
  const record = await context.endpoint.store.get(id, scope);
  if (!record) throw notFound(`Response with id '${id}' not found.`);
  return settleLostTurn(context, record, scope);
}

/**
 * `GET /responses/{id}?stream=true&starting_after=N`: the events after sequence number N from the turn
 * log, then the live turn's events until its terminal event.
 */
export async function resumeStream(
  context: BackgroundContext,
  id: string,
  query: URLSearchParams | undefined,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  const text = query?.get("starting_after");
  const startingAfter = text === null || text === undefined || text === "" ? -1 : Number(text);
  if (!Number.isInteger(startingAfter) || startingAfter < -1) {
    throw invalidRequest(
      `Invalid 'starting_after': expected a non-negative integer, but got ${text}.`,
      "starting_after",
    );
  }
  // A foreground turn still running has a log but no stored record yet: the log comes first.
  let events = await context.turns.read(id, { startingAfter, signal }, scope);
  if (!events) {
    await retrieveResponse(context, id, scope);
    events = await context.turns.read(id, { startingAfter, signal }, scope);
  } else if ((await context.turns.state(id, scope)) === "lost") {
    const record = await context.endpoint.store.get(id, scope);
    if (record) await settleLostTurn(context, record, scope);
    events = await context.turns.read(id, { startingAfter, signal }, scope);
  }
  if (!events) {
    throw invalidRequest(
      `The events of response '${id}' are not available: only background responses and streamed responses still running (or recently ended) can be streamed again.`,
      "stream",
    );
  }
  const body = (async function* () {
    yield* events;
    // The log stopped without its end: the turn's instance died. Settle it and send the failure.
    if (!signal.aborted && (await context.turns.state(id, scope)) === "lost") {
      const record = await context.endpoint.store.get(id, scope);
      if (record) await settleLostTurn(context, record, scope);
      const tail = await context.turns.read(id, { startingAfter, signal }, scope);
      if (tail) {
        let last = "";
        for await (const piece of tail) last = piece;
        const frame = splitSSEFrames(last).at(-1);
        if (frame?.includes('"response.failed"')) yield frame;
      }
    }
  })();
  return {
    kind: "stream",
    status: 200,
    headers: { ...SSE_HEADERS, "x-request-id": hooks.requestId },
    body: withKeepAlive(body, context.endpoint.keepAliveMs),
  };
}

/** `POST /responses/{id}/cancel`: stops a background turn (on whichever instance runs it) and answers it `cancelled`. */
export async function cancelResponse(
  context: BackgroundContext,
  id: string,
  scope: StoreScope | undefined,
): Promise<ResponseObject> {
  const { store } = context.endpoint;
  const record = await retrieveResponse(context, id, scope);
  if (!record.response.background) {
    throw invalidRequest("Cannot cancel a synchronous response.", null, "invalid_request");
  }
  const status = record.response.status ?? "";
  if (status === "cancelled") return record.response;
  if (!UNFINISHED.has(status)) {
    throw invalidRequest(`Cannot cancel a ${status} response.`, null, "invalid_request");
  }
  if (!(await context.turns.cancel(id, scope))) {
    // No running turn holds it (its log expired): record it as cancelled here.
    const cancelled = { ...record, response: { ...record.response, status: "cancelled" as const } };
    await store.put(cancelled, scope);
    return cancelled.response;
  }
  // The running instance records the cancelled state once its upstream call has stopped.
  const deadline = Date.now() + CANCEL_WAIT_MS;
  for (;;) {
    const current = await store.get(id, scope);
    if (current && !UNFINISHED.has(current.response.status ?? "")) return current.response;
    if (Date.now() > deadline) return { ...record.response, status: "cancelled" };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `POST /responses` streamed with `store` on (not in the background): streamed to the client as usual,
 * and each piece also goes to the turn log, so `GET /responses/{id}?stream=true` can follow the turn
 * from any instance while it runs (an extension: OpenAI offers resume for background responses only).
 * The turn still ends when its client leaves.
 */
export async function createLoggedStream(
  context: BackgroundContext,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  let writer: Promise<TurnWriter | undefined> | undefined;
  const report = (error: unknown) => context.endpoint.report(error, hooks);
  const result = await createResponse(context.endpoint, body, signal, scope, hooks, {
    onStart(response) {
      // A log that cannot be opened (store down) is reported once; the client's stream goes on.
      writer = context.turns.begin(response.id, scope).catch((error: unknown) => {
        report(error);
        return undefined;
      });
    },
  });
  if (result.kind !== "stream" || !writer) {
    writer?.then((opened) => opened?.end()).catch(report);
    return result;
  }
  const opened = writer;
  return {
    ...result,
    body: teeToLog(
      result.body,
      (piece) => {
        opened.then((log) => log?.append(piece)).catch(() => {});
      },
      () => {
        opened.then((log) => log?.end()).catch(report);
      },
    ),
  };
}

/**
 * The pieces of `source`, each also passed to `onPiece` (keep-alive comments excepted), and `onEnd` called
 * once when the source ends, fails or is returned. Not a generator: `return()` reaches the source at once,
 * so a client that leaves still stops the upstream call without waiting for its next piece.
 */
function teeToLog(
  source: AsyncIterable<string>,
  onPiece: (piece: string) => void,
  onEnd: () => void,
): AsyncIterable<string> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const tee: AsyncIterableIterator<string> = {
    [Symbol.asyncIterator]() {
      return tee;
    },
    next() {
      return iterator.next().then(
        (result) => {
          if (result.done) end();
          else if (result.value.charCodeAt(0) !== 58 /* ":" keep-alive */) onPiece(result.value);
          return result;
        },
        (error: unknown) => {
          end();
          throw error;
        },
      );
    },
    async return() {
      end();
      return (await iterator.return?.()) ?? { done: true, value: undefined };
    },
  };
  return tee;
}
