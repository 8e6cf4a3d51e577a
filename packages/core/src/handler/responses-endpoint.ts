/**
 * `POST …/responses`, as its story: parse -> resolve history -> translate the request -> call the
 * upstream -> stream or fold -> save. Each step is one named function below; the byte pipeline of a
 * streamed turn (batches, encoder, save-before-terminal, keep-alive) lives in `stream/stream-turn.ts`.
 */
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { asksForCompaction, type ManagedContext, manageContext } from "../compaction/context-management.js";
import { restoreCompactions, restoreHistory } from "../compaction/restore.js";
import type { CompactionEndpoint } from "../compaction/summarise.js";
import { answerCompactionTrigger, endsWithCompactionTrigger } from "../compaction/trigger.js";
import { mapContextOverflow, toBridgeError } from "../errors.js";
import { forEachInSlices } from "../json/time-slice.js";
import { isPromiseLike, type MaybePromise } from "../maybe-promise.js";
import { objectWith } from "../object-with.js";
import { SLICED_INPUT_ITEMS, validateResponsesRequest } from "../schema/validate-in-slices.js";
import { chainToItems, loadChain, resolveItemReferences } from "../store/resolve-history.js";
import { toOpenResponsesEvent } from "../stream/dialect.js";
import { SSE_HEADERS } from "../stream/sse-headers.js";
import { type AcceptedStream, streamTurn } from "../stream/stream-turn.js";
import { collectCallIds } from "../translate/call-ids.js";
import { convertChatToResponse } from "../translate/chat-to-response.js";
import { normalizeInput } from "../translate/input-to-messages.js";
import type { ReplyOptions } from "../translate/reply/reply-options.js";
import { startRequestToChat } from "../translate/request-to-chat.js";
import { createResponseObject } from "../translate/response-object.js";
import { createTranslationOptions } from "../translate/translation-options.js";
import type { ResponseInputItem, ResponseObject, ResponsesRequest, StoreScope } from "../types.js";
import { linkAbort } from "../upstream/linked-abort.js";
import {
  appendTurnToConversation,
  checkStatefulRequest,
  conversationHistory,
  type TurnOptions,
} from "./conversation-turn.js";
import { identifyInputItems, identifyInputItemsInSlices } from "./input-items.js";
import type { BridgeResult, HookContext } from "./options.js";
import type { ResolvedTarget } from "./upstream-router.js";

/** Everything the endpoint needs from the handler: what compaction needs, and the first-token call. */
export interface ResponsesEndpointContext extends CompactionEndpoint {
  /** Called once, as a stream's first delta event is about to be sent (an observer's `firstToken`). */
  firstDelta?: (() => void) | undefined;
}

/** One turn as the steps share it. */
interface Turn {
  endpoint: ResponsesEndpointContext;
  request: ResponsesRequest;
  hooks: HookContext;
  scope: StoreScope | undefined;
  /** The upstream targets for the requested model, in fallback order. */
  targets: ResolvedTarget[];
  /** This turn's own input items, references resolved (what is stored). */
  input: ResponseInputItem[];
  /** The items of the earlier turns (`previous_response_id`), oldest first, compactions opened. */
  history: ResponseInputItem[];
  /** The input as the upstream sees it: `input` with its compaction items opened. */
  chatInput: ResponseInputItem[];
  /** The in-progress Response object. */
  response: ResponseObject;
  /** The conversation (`conversation` parameter) the turn reads and extends, when there is one. */
  conversationId: string | undefined;
}

/** Items translated (or identified) between two clock reads, when there are thousands. */
const ITEMS_PER_STEP = 16;

/** The request translated for one target. */
interface Translation {
  params: ChatCompletionCreateParams;
  reply: ReplyOptions;
}

/** `POST …/responses`: validate, resolve history, translate, call the upstream, answer JSON or SSE. */
export async function createResponse(
  endpoint: ResponsesEndpointContext,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
  options: TurnOptions = {},
): Promise<BridgeResult> {
  const parsed = parseRequest(endpoint, body, hooks);
  const request = isPromiseLike(parsed) ? await parsed : parsed;
  const conversationId = checkStatefulRequest(request, endpoint.store, options); // conversation-turn.ts
  const turn = await resolveHistory(endpoint, request, scope, hooks, options, conversationId);
  // Compaction (compaction/): a trailing compaction_trigger is answered with a compaction item alone;
  // context_management may compact the conversation before the upstream call.
  if (endsWithCompactionTrigger(turn.input)) {
    if (options.onStart) await options.onStart(turn.response, turn.input);
    return answerCompactionTrigger({ ...turn, save: (final) => saveTurn(turn, final) }, signal);
  }
  const managed = asksForCompaction(request)
    ? await manageContext(endpoint, { ...turn, responseId: turn.response.id }, signal)
    : undefined;
  const translate = createTranslator(turn, managed);
  // Translate for the first target now: request errors (400s) surface before any upstream call, and
  // a stream that starts before the upstream answers (keep-alive) already knows the tool bindings.
  const first = await translate(turn.targets[0]!);
  if (options.onStart) await options.onStart(turn.response, turn.input);
  if (!request.stream) return foldTurn(turn, translate, signal);
  return streamResponse(turn, translate, first.reply, signal);
}

/**
 * Step 1, parse: validate the body, apply `transformRequest`. A promise only when there is something to
 * wait for (a body validated in slices, a `transformRequest`): the steps that have nothing to do for a
 * turn (this one, item references, stored history, compaction, `onStart`) cost it no turn of the event loop.
 */
function parseRequest(
  endpoint: ResponsesEndpointContext,
  body: unknown,
  hooks: HookContext,
): MaybePromise<ResponsesRequest> {
  const { transformRequest, limits } = endpoint.options;
  const validated = validateResponsesRequest(body, limits);
  if (!transformRequest) return validated;
  if (isPromiseLike(validated)) return validated.then((request) => transformRequest(request, hooks));
  return transformRequest(validated, hooks);
}

/**
 * Step 2, resolve history: route the model, normalise the input (the one call for the turn), resolve its
 * `item_reference`s (one store round trip; the turn is stored with them resolved, so a chain never depends
 * on the item index), and load the chain of `previous_response_id`.
 */
async function resolveHistory(
  endpoint: ResponsesEndpointContext,
  parsed: ResponsesRequest,
  scope: StoreScope | undefined,
  hooks: HookContext,
  options: TurnOptions,
  conversationId: string | undefined,
): Promise<Turn> {
  const { store, router, environment } = endpoint;
  const targets = router.resolve(parsed.model ?? "");
  const referenced = resolveItemReferences(store, normalizeInput(parsed.input), scope);
  const input = isPromiseLike(referenced) ? await referenced : referenced;
  const request: ResponsesRequest = { ...parsed, input };
  const storedHistory = request.previous_response_id
    ? chainToItems(await loadChain(store, request.previous_response_id, scope))
    : conversationId
      ? await conversationHistory(store, conversationId, scope)
      : [];
  // Compaction items stand for the conversation they summarise (the turn is stored with them sealed).
  const restored = restoreHistory(endpoint.sealer, storedHistory, scope);
  const history = isPromiseLike(restored) ? await restored : restored;
  const opened = restoreCompactions(endpoint.sealer, input, scope, "input");
  const chatInput = isPromiseLike(opened) ? await opened : opened;
  const response = createResponseObject(request, {
    id: options.responseId ?? environment.generateId("resp"),
    createdAt: Math.floor(environment.now() / 1000),
  });
  if (conversationId) response.conversation = { id: conversationId };
  return { endpoint, request, hooks, scope, targets, input, history, chatInput, response, conversationId };
}

/**
 * Step 3, translate the request: per target (capabilities differ), once each; warnings go to `onWarning`.
 * A compacted turn (`managed`) sends its summary and current exchange instead of its history and input.
 * Thousands of items are translated a few at a time, giving the event loop back whenever a slice is due.
 */
function createTranslator(
  turn: Turn,
  managed: ManagedContext | undefined,
): (target: ResolvedTarget) => Promise<Translation> {
  const { options } = turn.endpoint;
  const translations = new Map<ResolvedTarget, Promise<Translation>>();
  // Call ids the conversation already used: a backend that restarts its numbering gets fresh ones.
  const reservedCallIds = collectCallIds(turn.history, turn.input);
  const chatInput = managed?.chatInput ?? turn.chatInput;
  const chatRequest = chatInput === turn.input ? turn.request : { ...turn.request, input: chatInput };
  const history = managed?.history ?? turn.history;
  const leading = managed ? { leadingOutput: managed.leadingOutput } : {};
  const translateFor = async (target: ResolvedTarget): Promise<Translation> => {
    const translation = createTranslationOptions(turn.request, history, target, options);
    const builder = startRequestToChat(chatRequest, translation.request);
    if (builder.itemCount < SLICED_INPUT_ITEMS) builder.convert(builder.itemCount);
    else await forEachInSlices(builder.itemCount, ITEMS_PER_STEP, (from, to) => builder.convert(to - from));
    const { params, warnings, tools } = builder.finish();
    for (const warning of warnings) options.onWarning?.(warning, turn.hooks);
    return { params, reply: objectWith(translation.reply, { tools, reservedCallIds, ...leading }) };
  };
  return (target) => {
    let translation = translations.get(target);
    if (!translation) {
      translation = translateFor(target);
      translations.set(target, translation);
    }
    return translation;
  };
}

/** Step 4, call the upstream (before the call): the translation for `target`, through `transformChatRequest`. */
async function prepareCall(
  turn: Turn,
  translate: (target: ResolvedTarget) => Promise<Translation>,
  target: ResolvedTarget,
): Promise<Translation> {
  const translation = await translate(target);
  const transform = turn.endpoint.options.transformChatRequest;
  if (!transform) return translation;
  return { params: await transform(translation.params, turn.hooks), reply: translation.reply };
}

/** Step 5a, fold: one non-streamed call (with fallback), its completion converted, saved, answered as JSON. */
async function foldTurn(
  turn: Turn,
  translate: (target: ResolvedTarget) => Promise<Translation>,
  signal: AbortSignal,
): Promise<BridgeResult> {
  const { router, environment } = turn.endpoint;
  // The client's signal is the call's: nothing else ends a non-streamed call early.
  const { completion, reply } = await router
    .withFallback(turn.targets, signal, async (target) => {
      const { params, reply } = await prepareCall(turn, translate, target);
      const completion = await target.upstream.create(objectWith(params, { stream: false }), { signal });
      return { completion, reply };
    })
    .catch((error: unknown) => {
      throw mapContextOverflow(toBridgeError(error));
    });
  const final = convertChatToResponse(
    completion,
    objectWith(reply, { response: turn.response, environment }),
  );
  await saveTurn(turn, final);
  return { kind: "json", status: 200, headers: { "x-request-id": turn.hooks.requestId }, body: final };
}

/** Step 5b, stream: the upstream call (with fallback) handed to the byte pipeline, which saves before the terminal event. */
async function streamResponse(
  turn: Turn,
  translate: (target: ResolvedTarget) => Promise<Translation>,
  pendingReply: ReplyOptions,
  signal: AbortSignal,
): Promise<BridgeResult> {
  const { options, router, environment, keepAliveMs } = turn.endpoint;
  const { hooks } = turn;
  // One controller per stream: aborted by the client's signal, and when the event stream ends early.
  const { controller, release } = linkAbort(signal);
  const upstream = router.withFallback(
    turn.targets,
    controller.signal,
    async (target): Promise<AcceptedStream> => {
      const prepared = await prepareCall(turn, translate, target);
      const chunks = await target.upstream.stream(objectWith(prepared.params, { stream: true }), {
        signal: controller.signal,
      });
      return { chunks, reply: prepared.reply };
    },
  );
  const onEvent = options.onEvent;
  const body = await streamTurn({
    upstream,
    pendingReply,
    response: turn.response,
    environment,
    controller,
    release,
    keepAliveMs,
    streamErrors: options.streamErrors,
    onEvent: onEvent ? (event) => onEvent(event, hooks) : undefined,
    toDialect: options.dialect === "open-responses" ? toOpenResponsesEvent : undefined,
    onFirstDelta: turn.endpoint.firstDelta,
    onFinish: (final) => saveTurn(turn, final),
    onFail: (failed, error) => {
      options.onResponse?.(failed, hooks);
      turn.endpoint.report(error, hooks);
    },
  });
  return {
    kind: "stream",
    status: 200,
    headers: objectWith(SSE_HEADERS, { "x-request-id": hooks.requestId }),
    body,
  };
}

/**
 * Step 6, save: `onResponse`, then the turn into the store unless `store: false`. A promise while the store
 * works on it, nothing when the turn is not stored. The client still gets its answer when the store fails;
 * the failure is reported, not swallowed.
 */
function saveTurn(turn: Turn, final: ResponseObject): Promise<void> | undefined {
  const { endpoint, request, hooks } = turn;
  endpoint.options.onResponse?.(final, hooks);
  if (request.store === false && !turn.conversationId) return undefined;
  const report = (error: unknown) => endpoint.report(error, hooks);
  const { generateId } = endpoint.environment;
  // Thousands of items are given their ids in slices (issue 17).
  if (turn.input.length >= SLICED_INPUT_ITEMS) {
    return identifyInputItemsInSlices(turn.input, generateId)
      .then((input) => storeTurn(turn, final, input, report))
      .catch(report);
  }
  try {
    return storeTurn(turn, final, identifyInputItems(turn.input, generateId), report);
  } catch (error) {
    report(error);
    return undefined;
  }
}

/** The turn into the store (unless `store: false`) and its conversation; failures go to `report`. */
function storeTurn(
  turn: Turn,
  final: ResponseObject,
  input: ResponseInputItem[],
  report: (error: unknown) => void,
): Promise<void> {
  const { endpoint, request, conversationId } = turn;
  const record = {
    id: final.id,
    previousResponseId: request.previous_response_id ?? null,
    input,
    response: final,
  };
  const { store } = endpoint;
  const stored = request.store === false ? Promise.resolve() : Promise.resolve(store.put(record, turn.scope));
  // A turn with `conversation` also adds its input and output items to the conversation.
  const saved = conversationId
    ? stored.then(() => appendTurnToConversation(store, conversationId, record, turn.scope))
    : stored;
  return saved.catch(report);
}
