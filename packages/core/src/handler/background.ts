import { invalidRequest, ResponsesBridgeError } from "../errors.js";
import { splitSSEFrames } from "../store/sse-frames.js";
import type { TurnLog, TurnWriter } from "../store/stateful-types.js";
import { encodeSSEEvent } from "../stream/encode-sse-event.js";
import { KEEP_ALIVE, withKeepAlive } from "../stream/keep-alive.js";
import { SSE_HEADERS } from "../stream/sse-headers.js";
import type { ResponseObject, ResponseStreamEvent, StoredResponse, StoreScope } from "../types.js";
import type { TurnOptions } from "./conversation-turn.js";
import { identifyInputItemsInSlices } from "./input-items.js";
import type { BridgeResult, HookContext } from "./options.js";
import { createResponse, type ResponsesEndpointContext } from "./responses-endpoint.js";

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

/** Statuses of a turn still running. */
export const UNFINISHED: ReadonlySet<string> = new Set(["queued", "in_progress"]);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when a `POST /responses` body asks for a background turn. */
export function isBackgroundRequest(body: unknown): boolean {
  return isPlainObject(body) && body.background === true;
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

export function failedResponse(response: ResponseObject, code: string, message: string): ResponseObject {
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
        input: await identifyInputItemsInSlices(input, environment.generateId),
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
    await Promise.resolve()
      .then(() => writer.end())
      .catch(() => {});
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
        if (piece === KEEP_ALIVE) continue;
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
      await Promise.resolve()
        .then(() => writer.append(encodeSSEEvent(event as unknown as ResponseStreamEvent)))
        .catch(() => {});
    }
    // A lost lease means another instance may already have marked it failed: do not overwrite that.
    if (reason !== "lease_lost") await store.put({ ...record, response: final }, scope);
  }
}
