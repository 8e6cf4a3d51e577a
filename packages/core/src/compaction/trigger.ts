/**
 * `compaction_trigger`, Codex's remote compaction (v2): a `POST /responses` whose last input item is
 * `{"type":"compaction_trigger"}` is answered, instead of a model reply, with a Response whose output is
 * exactly one `compaction` item (streamed as `output_item.added` / `output_item.done`, then
 * `response.completed`). The summary is written by the same chat backend, and sealed like the ones of
 * `POST /responses/compact`; later turns send the item back and it is opened as the summary.
 */
import type { ResponseInputItem, ResponseStreamEvent } from "openai/resources/responses/responses";
import { invalidRequest } from "../errors.js";
import type { BridgeResult, HookContext } from "../handler/options.js";
import { toOpenResponsesEvent } from "../stream/dialect.js";
import { encodeSSEEvent } from "../stream/encode-sse-event.js";
import { withKeepAlive } from "../stream/keep-alive.js";
import { SSE_HEADERS } from "../stream/sse-headers.js";
import { toStreamFailure } from "../stream/stream-turn.js";
import { finishResponseObject } from "../translate/response-object.js";
import type { ResponseObject, ResponsesRequest, StoreScope } from "../types.js";
import { type CompactionEndpoint, emptyUsage, sealCompaction, summariseConversation } from "./summarise.js";

/**
 * True when `input` ends with a `compaction_trigger` item.
 *
 * @throws {ResponsesBridgeError} 400 (param `input.N`) for a `compaction_trigger` that is not the last item.
 */
export function endsWithCompactionTrigger(input: readonly ResponseInputItem[]): boolean {
  const last = input.length - 1;
  for (let index = 0; index < last; index++) {
    if ((input[index] as { type?: unknown }).type === "compaction_trigger") {
      throw invalidRequest(
        "The 'compaction_trigger' item must be the final input item.",
        `input.${index}`,
        "invalid_value",
      );
    }
  }
  return last >= 0 && (input[last] as { type?: unknown }).type === "compaction_trigger";
}

/** One `compaction_trigger` turn, as the endpoint resolved it. */
export interface CompactionTurn {
  endpoint: CompactionEndpoint;
  request: ResponsesRequest;
  hooks: HookContext;
  scope: StoreScope | undefined;
  /** Earlier turns, compactions opened. */
  history: ResponseInputItem[];
  /** The input with its compaction items opened; the trigger is its last item. */
  chatInput: ResponseInputItem[];
  /** The in-progress Response object. */
  response: ResponseObject;
  /** Saves the final Response (`onResponse`, store, conversation); resolves before the terminal event. */
  save: (final: ResponseObject) => Promise<void> | undefined;
}

/** The summary written, sealed, and the turn saved: the final Response. */
async function compactTurn(turn: CompactionTurn, signal: AbortSignal): Promise<ResponseObject> {
  const { endpoint, request, history, response } = turn;
  const input = turn.chatInput.slice(0, -1);
  const summary = await summariseConversation(endpoint, { request, history, input, signal });
  const item = await sealCompaction(endpoint, summary.text, turn.scope, response.id);
  const final = finishResponseObject(response, {
    status: "completed",
    output: [item],
    usage: summary.usage ?? emptyUsage(),
    completedAt: Math.floor(endpoint.environment.now() / 1000),
  });
  await turn.save(final);
  return final;
}

/** Answers a `compaction_trigger` turn: JSON, or SSE when `stream` is true. */
export async function answerCompactionTrigger(
  turn: CompactionTurn,
  signal: AbortSignal,
): Promise<BridgeResult> {
  const headers = { "x-request-id": turn.hooks.requestId };
  const pending = compactTurn(turn, signal);
  if (!turn.request.stream) return { kind: "json", status: 200, headers, body: await pending };
  pending.catch(() => {});
  // As for a reply: a failure before the stream starts (within one keep-alive interval) is an HTTP error,
  // unless `streamErrors: "events"`; a slower summary gets the stream started and kept alive.
  const { keepAliveMs, options } = turn.endpoint;
  let early: ResponseObject | undefined;
  if (keepAliveMs > 0) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), keepAliveMs);
    });
    try {
      early = await Promise.race([pending, grace]);
    } catch (error) {
      if (options.streamErrors !== "events") throw error;
    } finally {
      clearTimeout(timer);
    }
  } else if (options.streamErrors !== "events") {
    early = await pending;
  }
  const body = withKeepAlive(compactionEvents(turn, early ?? pending), keepAliveMs);
  return { kind: "stream", status: 200, headers: { ...SSE_HEADERS, ...headers }, body };
}

/** The SSE text of the turn: created and in_progress first, the compaction item and the terminal event once ready. */
async function* compactionEvents(
  turn: CompactionTurn,
  final: ResponseObject | Promise<ResponseObject>,
): AsyncGenerator<string> {
  const { options, report } = turn.endpoint;
  let sequence = 0;
  const encode = (events: Record<string, unknown>[]): string => {
    let text = "";
    for (const fields of events) {
      let event = { ...fields, sequence_number: sequence++ } as unknown as ResponseStreamEvent;
      if (options.dialect === "open-responses") event = toOpenResponsesEvent(event);
      options.onEvent?.(event, turn.hooks);
      text += encodeSSEEvent(event);
    }
    return text;
  };
  const { response } = turn;
  yield encode([
    { type: "response.created", response },
    { type: "response.in_progress", response },
  ]);
  let done: ResponseObject;
  try {
    done = await final;
  } catch (caught) {
    const error = toStreamFailure(caught);
    const failed = finishResponseObject(response, {
      status: "failed",
      output: [],
      usage: null,
      error: { code: error.code ?? "server_error", message: error.message },
    });
    options.onResponse?.(failed, turn.hooks);
    report(caught, turn.hooks);
    yield encode([{ type: "response.failed", response: failed }]);
    return;
  }
  const item = done.output[0];
  yield encode([
    { type: "response.output_item.added", output_index: 0, item },
    { type: "response.output_item.done", output_index: 0, item },
    { type: "response.completed", response: done },
  ]);
}
