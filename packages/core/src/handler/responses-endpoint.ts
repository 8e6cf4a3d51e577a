import type { ChatCompletionChunk, ChatCompletionCreateParams } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { mapContextOverflow, ResponsesBridgeError, toBridgeError } from "../errors.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import { encodeSSEEvent, encodeTranslatorEvent } from "../sse/encode-sse-event.js";
import { chainToItems, loadChain, resolveItemReferences } from "../store/resolve-history.js";
import { ChatStreamTranslator, translateChatStreamWith } from "../translate/chat-stream-to-events.js";
import { convertChatToResponse } from "../translate/chat-to-response.js";
import { normalizeInput } from "../translate/input-to-messages.js";
import type { ReplyOptions } from "../translate/reply/reply-options.js";
import { convertRequestToChat } from "../translate/request-to-chat.js";
import { createResponseObject } from "../translate/response-object.js";
import type {
  ChatChunkStream,
  ResponseInputItem,
  ResponseObject,
  ResponseStore,
  StoreScope,
  TranslationEnvironment,
} from "../types.js";
import { chatChunkStream, chunkBatches } from "../upstream/chat-chunk-stream.js";
import { linkAbort } from "../upstream/linked-abort.js";
import {
  appendTurnToConversation,
  checkStatefulRequest,
  conversationHistory,
  type TurnOptions,
} from "./conversation-turn.js";
import { identifyInputItems } from "./input-items.js";
import { withKeepAlive } from "./keep-alive.js";
import type { BridgeResult, HookContext, ResponsesHandlerOptions } from "./options.js";
import { SSE_HEADERS } from "./sse-headers.js";
import type { ResolvedTarget, UpstreamRouter } from "./upstream-router.js";

/** Everything the endpoint needs from the handler. */
export interface ResponsesEndpointContext {
  options: ResponsesHandlerOptions;
  store: ResponseStore;
  router: UpstreamRouter;
  environment: TranslationEnvironment;
  keepAliveMs: number;
  report: (error: unknown, context: HookContext) => void;
}

/** Sleeps `ms`, resolving "timeout"; the returned cancel clears the timer. */
function timeout(ms: number): { promise: Promise<"timeout">; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<"timeout">((resolve) => {
    timer = setTimeout(resolve, ms, "timeout");
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * An upstream failure as a stream failure: context overflows become `context_length_exceeded`, and a
 * 429 says "Please try again in Ns." (from `retry-after`), the wording Codex reads its back-off from.
 */
export function toStreamFailure(error: unknown): ResponsesBridgeError {
  const bridgeError = mapContextOverflow(toBridgeError(error));
  if (bridgeError.status !== 429) return bridgeError;
  const retryAfter = Number(bridgeError.headers["retry-after"]);
  const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : 1;
  return new ResponsesBridgeError(
    `Rate limit reached for the upstream model. Please try again in ${seconds}s.`,
    {
      status: 429,
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
      headers: bridgeError.headers,
      cause: bridgeError,
    },
  );
}

/** The chunks of an upstream call still in flight: its failure becomes a stream failure. */
function awaitChunks(
  pending: Promise<AsyncIterable<ChatCompletionChunk> | ChatChunkStream>,
): ChatChunkStream {
  const settled = pending.catch((error: unknown) => {
    throw toStreamFailure(error);
  });
  // Observed here too: a stream that is never read must not leave an unhandled rejection.
  settled.catch(() => {});
  return chatChunkStream(
    (async function* () {
      yield* chunkBatches(await settled);
    })(),
  );
}

/** `POST …/responses`: validate, resolve history, translate, call the upstream, answer JSON or SSE. */
export async function createResponse(
  endpoint: ResponsesEndpointContext,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
  turn: TurnOptions = {},
): Promise<BridgeResult> {
  const { options, store, router, environment } = endpoint;
  let request = parseResponsesRequest(body);
  if (options.transformRequest) request = await options.transformRequest(request, hooks);
  const conversationId = checkStatefulRequest(request, store, turn); // handler/conversation-turn.ts
  const targets = router.resolve(request.model ?? "");
  // item_reference inputs become the stored items they name (one store round trip); the turn is
  // stored with them resolved, so a chain never depends on the item index.
  const input = await resolveItemReferences(store, normalizeInput(request.input), scope);
  request = { ...request, input };
  const history: ResponseInputItem[] = request.previous_response_id
    ? chainToItems(await loadChain(store, request.previous_response_id, scope))
    : conversationId
      ? await conversationHistory(store, conversationId, scope)
      : [];
  const response = createResponseObject(request, {
    id: turn.responseId ?? environment.generateId("resp"),
    createdAt: Math.floor(environment.now() / 1000),
  });
  if (conversationId) response.conversation = { id: conversationId };

  interface Translation {
    params: ChatCompletionCreateParams;
    reply: ReplyOptions;
  }
  const reasoningSummary = request.reasoning?.summary != null;
  const include = request.include ?? [];
  const translations = new Map<ResolvedTarget, Translation>();
  function translate(target: ResolvedTarget): Translation {
    const cached = translations.get(target);
    if (cached) return cached;
    const { params, warnings, tools } = convertRequestToChat(request, {
      history,
      capabilities: target.capabilities,
      model: target.model,
      ...(options.hostedTools === undefined ? {} : { hostedTools: options.hostedTools }),
      ...(options.orphanToolOutputs === undefined ? {} : { orphanToolOutputs: options.orphanToolOutputs }),
      ...(options.contextWindow === undefined ? {} : { contextWindow: options.contextWindow }),
      ...(target.capabilities.fileParts === undefined ? {} : { fileParts: target.capabilities.fileParts }),
      ...(target.capabilities.reasoningEfforts === undefined
        ? {}
        : { acceptedReasoningEfforts: target.capabilities.reasoningEfforts }),
    });
    for (const warning of warnings) options.onWarning?.(warning, hooks);
    const translation: Translation = {
      params,
      reply: {
        tools,
        reasoningSummary,
        includeEncryptedReasoning: include.includes("reasoning.encrypted_content"),
        lengthFinish: options.lengthFinish ?? "incomplete",
        thinkTags: target.capabilities.thinkTags ?? true,
        logprobs: include.includes("message.output_text.logprobs") || (request.top_logprobs ?? 0) > 0,
      },
    };
    translations.set(target, translation);
    return translation;
  }
  async function prepare(target: ResolvedTarget): Promise<Translation> {
    const translation = translate(target);
    if (!options.transformChatRequest) return translation;
    return {
      params: await options.transformChatRequest(translation.params, hooks),
      reply: translation.reply,
    };
  }
  // Translate for the first target now: request errors (400s) surface before any upstream call, and
  // a stream that starts before the upstream answers (keep-alive) already knows the tool bindings.
  const firstTranslation = translate(targets[0]!);
  await turn.onStart?.(response, input);

  /** Saves the turn: a promise while the store works on it, nothing when the turn is not stored. */
  function save(final: ResponseObject): Promise<void> | undefined {
    options.onResponse?.(final, hooks);
    if (request.store === false && !conversationId) return undefined;
    // The client still gets its answer when the store fails; the failure is reported, not swallowed.
    const report = (error: unknown) => endpoint.report(error, hooks);
    try {
      const record = {
        id: final.id,
        previousResponseId: request.previous_response_id ?? null,
        input: identifyInputItems(input, environment.generateId),
        response: final,
      };
      const stored = request.store === false ? Promise.resolve() : Promise.resolve(store.put(record, scope));
      // A turn with `conversation` also adds its input and output items to the conversation.
      const saved = conversationId
        ? stored.then(() => appendTurnToConversation(store, conversationId, record, scope))
        : stored;
      return saved.catch(report);
    } catch (error) {
      report(error);
      return undefined;
    }
  }

  if (!request.stream) {
    // The client's signal is the call's: nothing else ends a non-streamed call early.
    const { completion, reply } = await router
      .withFallback(targets, signal, async (target) => {
        const { params, reply } = await prepare(target);
        const completion = await target.upstream.create({ ...params, stream: false }, { signal });
        return { completion, reply };
      })
      .catch((error: unknown) => {
        throw mapContextOverflow(toBridgeError(error));
      });
    const final = convertChatToResponse(completion, { ...reply, response, environment });
    await save(final);
    return { kind: "json", status: 200, headers: { "x-request-id": hooks.requestId }, body: final };
  }

  const onEvent = options.onEvent;
  // Each read's events become one piece of SSE text (so does the in-band failure below); when an `onEvent`
  // hook is set it sees every event first, and what it may have changed is serialised as it is.
  const encode = onEvent
    ? (events: ResponseStreamEvent[]) => {
        let text = "";
        for (const event of events) {
          onEvent(event, hooks);
          text += encodeSSEEvent(event);
        }
        return text;
      }
    : (events: ResponseStreamEvent[]) => {
        let text = "";
        for (let index = 0; index < events.length; index++) text += encodeTranslatorEvent(events[index]!);
        return text;
      };

  // One controller per stream: aborted by the client's signal, and when the event stream ends early.
  const { controller, release } = linkAbort(signal);

  // The reply options of the upstream that accepted the call; until one has, the first target's
  // (tool bindings come from the request's tools, so they agree across targets).
  let reply: ReplyOptions = firstTranslation.reply;
  const upstreamReady = router.withFallback(targets, controller.signal, async (target) => {
    const prepared = await prepare(target);
    const chunks = await target.upstream.stream(
      { ...prepared.params, stream: true },
      { signal: controller.signal },
    );
    reply = prepared.reply;
    return chunks;
  });
  // Wait for the upstream's headers for one keep-alive interval: errors before then are HTTP errors.
  // A slower upstream (long prompt processing) gets the stream started and kept alive instead.
  let chunks: AsyncIterable<ChatCompletionChunk> | ChatChunkStream;
  try {
    if (endpoint.keepAliveMs > 0) {
      const grace = timeout(endpoint.keepAliveMs);
      const first = await Promise.race([upstreamReady, grace.promise]);
      grace.cancel();
      chunks = first === "timeout" ? awaitChunks(upstreamReady) : first;
    } else {
      chunks = await upstreamReady;
    }
  } catch (error) {
    release();
    if (options.streamErrors !== "events" || controller.signal.aborted)
      throw mapContextOverflow(toBridgeError(error));
    // Report the failure in band: created, in_progress, failed.
    const failure = toStreamFailure(error);
    endpoint.report(failure, hooks);
    const translator = new ChatStreamTranslator({ response, environment });
    const events: ResponseStreamEvent[] = [];
    translator.start(events);
    const failed = translator.fail(failure, events);
    options.onResponse?.(failed, hooks);
    const text = encode(events);
    return {
      kind: "stream",
      status: 200,
      headers: { ...SSE_HEADERS, "x-request-id": hooks.requestId },
      body: (async function* () {
        yield text;
      })(),
    };
  }
  // The race may leave upstreamReady unobserved for a moment; its rejection is handled by the stream.
  upstreamReady.catch(() => {});

  const pieces = translateChatStreamWith(
    chunks,
    {
      ...reply,
      response,
      environment,
      signal: controller.signal,
      onFinish: save,
      onFail: (failed, error) => {
        options.onResponse?.(failed, hooks);
        endpoint.report(error, hooks);
      },
    },
    encode,
    (finished) => {
      release();
      // Ends the upstream request if the client left early (not on a normal finish: an abort builds an
      // error with a stack trace per stream).
      if (!finished) controller.abort();
    },
  );
  return {
    kind: "stream",
    status: 200,
    headers: { ...SSE_HEADERS, "x-request-id": hooks.requestId },
    body: withKeepAlive(pieces, endpoint.keepAliveMs),
  };
}
