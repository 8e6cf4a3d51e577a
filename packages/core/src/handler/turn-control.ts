import { invalidRequest, notFound } from "../errors.js";
import { splitSSEFrames } from "../store/sse-frames.js";
import { encodeSSEEvent } from "../stream/encode-sse-event.js";
import { withKeepAlive } from "../stream/keep-alive.js";
import { SSE_HEADERS } from "../stream/sse-headers.js";
import type { ResponseObject, ResponseStreamEvent, StoredResponse, StoreScope } from "../types.js";
import { type BackgroundContext, failedResponse, UNFINISHED } from "./background.js";
import type { BridgeResult, HookContext } from "./options.js";

// Retrieve, resume and cancel of stored turns, and settling turns whose instance died (lost leases).

/** How long `cancel` waits for the turn's instance to record the cancelled state before answering. */
const CANCEL_WAIT_MS = 5000;

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
