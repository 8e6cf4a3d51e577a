import type { ChatCompletionChunk, ChatCompletionCreateParams } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { invalidRequest, mapContextOverflow, ResponsesBridgeError, toBridgeError } from "../errors.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import { encodeSSEEvent } from "../sse/encode-sse-event.js";
import { chainToItems, loadChain } from "../store/resolve-history.js";
import { ChatStreamTranslator, translateChatStream } from "../translate/chat-stream-to-events.js";
import { convertChatToResponse } from "../translate/chat-to-response.js";
import { normalizeInput } from "../translate/input-to-messages.js";
import { convertRequestToChat } from "../translate/request-to-chat.js";
import { createResponseObject } from "../translate/response-object.js";
import type {
  ResponseInputItem,
  ResponseObject,
  ResponseStore,
  ResponsesRequest,
  StoreScope,
  TranslationEnvironment,
} from "../types.js";
import { identifyInputItems } from "./input-items.js";
import { withKeepAlive } from "./keep-alive.js";
import type { BridgeResult, HookContext, ResponsesHandlerOptions } from "./options.js";
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

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

function rejectUnsupported(request: ResponsesRequest): void {
  if (request.background === true) {
    throw invalidRequest(
      "Background responses are not supported by this server.",
      "background",
      "unsupported_parameter",
    );
  }
  if ((request as { conversation?: unknown }).conversation != null) {
    throw invalidRequest(
      "Conversations are not supported by this server; use previous_response_id instead.",
      "conversation",
      "unsupported_parameter",
    );
  }
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

async function* awaitChunks(
  pending: Promise<AsyncIterable<ChatCompletionChunk>>,
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  let chunks: AsyncIterable<ChatCompletionChunk>;
  try {
    chunks = await pending;
  } catch (error) {
    throw toStreamFailure(error);
  }
  yield* chunks;
}

/** `POST …/responses`: validate, resolve history, translate, call the upstream, answer JSON or SSE. */
export async function createResponse(
  endpoint: ResponsesEndpointContext,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  const { options, store, router, environment } = endpoint;
  let request = parseResponsesRequest(body);
  if (options.transformRequest) request = await options.transformRequest(request, hooks);
  rejectUnsupported(request);
  const targets = router.resolve(request.model ?? "");
  const history: ResponseInputItem[] = request.previous_response_id
    ? chainToItems(await loadChain(store, request.previous_response_id, scope))
    : [];
  const response = createResponseObject(request, {
    id: environment.generateId("resp"),
    createdAt: Math.floor(environment.now() / 1000),
  });

  async function prepare(target: ResolvedTarget): Promise<ChatCompletionCreateParams> {
    const { params, warnings } = convertRequestToChat(request, {
      history,
      capabilities: target.capabilities,
      model: target.model,
    });
    for (const warning of warnings) options.onWarning?.(warning, hooks);
    return options.transformChatRequest ? await options.transformChatRequest(params, hooks) : params;
  }

  async function save(final: ResponseObject): Promise<void> {
    options.onResponse?.(final, hooks);
    if (request.store === false) return;
    try {
      await store.put(
        {
          id: final.id,
          previousResponseId: request.previous_response_id ?? null,
          input: identifyInputItems(normalizeInput(request.input), environment.generateId),
          response: final,
        },
        scope,
      );
    } catch (error) {
      // The client still gets its answer; the failure is reported, not swallowed.
      endpoint.report(error, hooks);
    }
  }

  // One controller per call: aborted by the client's signal, and when the event stream ends early.
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener("abort", onClientAbort, { once: true });
  const release = () => signal.removeEventListener("abort", onClientAbort);

  if (!request.stream) {
    try {
      const completion = await router
        .withFallback(targets, controller.signal, async (target) => {
          const params = await prepare(target);
          return target.upstream.create({ ...params, stream: false }, { signal: controller.signal });
        })
        .catch((error: unknown) => {
          throw mapContextOverflow(toBridgeError(error));
        });
      const final = convertChatToResponse(completion, { response, environment });
      await save(final);
      return { kind: "json", status: 200, headers: { "x-request-id": hooks.requestId }, body: final };
    } finally {
      release();
    }
  }

  const upstreamReady = router.withFallback(targets, controller.signal, async (target) => {
    const params = await prepare(target);
    return target.upstream.stream({ ...params, stream: true }, { signal: controller.signal });
  });
  // Wait for the upstream's headers for one keep-alive interval: errors before then are HTTP errors.
  // A slower upstream (long prompt processing) gets the stream started and kept alive instead.
  let chunks: AsyncIterable<ChatCompletionChunk>;
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
    let text = "";
    for (const event of events) {
      options.onEvent?.(event, hooks);
      text += encodeSSEEvent(event);
    }
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

  const batches = translateChatStream(chunks, {
    response,
    environment,
    signal: controller.signal,
    onFinish: save,
    onFail: (failed, error) => {
      options.onResponse?.(failed, hooks);
      endpoint.report(error, hooks);
    },
  });
  const onEvent = options.onEvent;
  async function* encode(): AsyncGenerator<string, void, undefined> {
    try {
      for await (const batch of batches) {
        let text = "";
        for (const event of batch) {
          onEvent?.(event, hooks);
          text += encodeSSEEvent(event);
        }
        yield text;
      }
    } finally {
      release();
      // Ends the upstream request if the client left early; harmless once it finished.
      controller.abort();
    }
  }
  return {
    kind: "stream",
    status: 200,
    headers: { ...SSE_HEADERS, "x-request-id": hooks.requestId },
    body: withKeepAlive(encode(), endpoint.keepAliveMs),
  };
}
