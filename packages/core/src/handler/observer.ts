import type { ChatCompletionChunk, ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { type ResponsesBridgeError, toBridgeError } from "../errors.js";
import { objectWith } from "../object-with.js";
import { type ChatChunkStream, chatChunkStream, chunkBatches } from "../stream/chat-chunk-stream.js";
import { KEEP_ALIVE } from "../stream/keep-alive.js";
import type { ChatUpstream, ResponseObject, ResponsesRequest, UpstreamCallOptions } from "../types.js";
import type {
  BridgeObserver,
  ObservedOutcome,
  ObservedRequest,
  ObservedRoute,
  RequestObserver,
} from "./observer-types.js";
import type { BridgeResult, HookContext, ResponsesHandlerOptions } from "./options.js";
import type { ResolvedTarget, UpstreamRouter } from "./upstream-router.js";

export type {
  BridgeObserver,
  ObservedOutcome,
  ObservedRequest,
  ObservedRoute,
  ObservedUpstreamRequest,
  RequestObserver,
} from "./observer-types.js";

/** The handler's collaborators, as one request sees them (observed ones when an observer watches it). */
export interface RequestServices {
  options: ResponsesHandlerOptions;
  router: UpstreamRouter;
  report: (error: unknown, context: HookContext) => ResponsesBridgeError;
  /** Called once, as a stream's first delta event is about to be sent (an observer's `firstToken`). */
  firstDelta?: () => void;
}

/** An observed request: its services (hooks wired to the observer) and the wrapper for its result. */
export interface Observation {
  services: RequestServices;
  /** Wraps the result so `end` runs once it is written (or abandoned). */
  finish(result: BridgeResult, signal: AbortSignal): BridgeResult;
  /** Ends the observation with an error answered as JSON. */
  fail(error: ResponsesBridgeError, signal: AbortSignal): void;
}

function routeOf(path: string): ObservedRoute {
  if (/\/responses(?:\/[^/]+(?:\/input_items)?)?\/?$/.test(path)) return "responses";
  if (/\/chat\/completions\/?$/.test(path)) return "chat";
  if (/\/models(?:\/[^/]+)?\/?$/.test(path)) return "models";
  return "other";
}

function guard<A extends unknown[], R>(fn: ((...args: A) => R) | undefined, self: object) {
  if (!fn) return undefined;
  return (...args: A): R | undefined => {
    try {
      return fn.apply(self, args);
    } catch {
      return undefined;
    }
  };
}

/**
 * Starts observing one request: asks the observer for its callbacks and, when it returns some, wires
 * them into this request's hooks, upstream calls and result. Undefined when the request is not observed.
 */
export function observeRequest(
  observer: BridgeObserver,
  info: ObservedRequest,
  base: RequestServices,
): Observation | undefined {
  let watcher: RequestObserver | undefined;
  try {
    watcher = observer.request(info);
  } catch {
    return undefined;
  }
  if (!watcher || typeof watcher.end !== "function") return undefined;
  const w = watcher;
  const parsed = guard(w.parsed, w);
  const upstreamRequest = guard(w.upstreamRequest, w);
  const upstreamResponse = guard(w.upstreamResponse, w);
  const upstreamChunk = guard(w.upstreamChunk, w);
  const upstreamCompletion = guard(w.upstreamCompletion, w);
  const event = guard(w.event, w);
  const firstToken = guard(w.firstToken, w);
  const keepAlive = guard(w.keepAlive, w);
  const warning = guard(w.warning, w);
  const endOnce = guard(w.end, w)!;
  const now = base.options.now ?? Date.now;

  let ended = false;
  let final: ResponseObject | undefined;
  let lastError: ResponsesBridgeError | undefined;
  function end(outcome: Omit<ObservedOutcome, "endedAt">): void {
    if (ended) return;
    ended = true;
    endOnce(objectWith(outcome, { endedAt: now() }));
  }

  const { options } = base;
  let attempt = 0;
  function observeUpstream(upstream: ChatUpstream, model: string): ChatUpstream {
    function callOptions(params: ChatCompletionCreateParams, call: UpstreamCallOptions): UpstreamCallOptions {
      attempt += 1;
      const headers = upstreamRequest?.({ model, params, attempt });
      return headers ? objectWith(call, { headers: objectWith(call.headers ?? {}, headers) }) : call;
    }
    function failed(error: unknown): never {
      upstreamResponse?.({ ok: false, error: toBridgeError(error) });
      throw error;
    }
    const observed: ChatUpstream = {
      async create(params, call) {
        const completion = await upstream.create(params, callOptions(params, call)).catch(failed);
        upstreamResponse?.({ ok: true });
        upstreamCompletion?.(completion);
        return completion;
      },
      async stream(params, call) {
        const chunks = await upstream.stream(params, callOptions(params, call)).catch(failed);
        upstreamResponse?.({ ok: true });
        return upstreamChunk ? observeChunks(chunks, upstreamChunk) : chunks;
      },
    };
    if (upstream.capabilities) (observed as { capabilities?: unknown }).capabilities = upstream.capabilities;
    return observed;
  }

  const router: UpstreamRouter = {
    ...base.router,
    resolve(requested) {
      return base.router.resolve(requested).map(
        (target): ResolvedTarget => ({
          ...target,
          upstream: observeUpstream(target.upstream, target.model),
        }),
      );
    },
  };
  const report = (error: unknown, context: HookContext) => {
    const bridgeError = base.report(error, context);
    lastError = bridgeError;
    return bridgeError;
  };
  const observedOptions: ResponsesHandlerOptions = objectWith(options, {
    transformRequest: async (request: ResponsesRequest, context: HookContext) => {
      parsed?.(request, context.principal);
      return options.transformRequest ? options.transformRequest(request, context) : request;
    },
    onResponse: (response: ResponseObject, context: HookContext) => {
      final = response;
      options.onResponse?.(response, context);
    },
  });

  // Only what the observer watches leaves the handler's fast paths (per-event encoding of a stream).
  if (event) {
    observedOptions.onEvent = (streamEvent, context) => {
      event(streamEvent);
      options.onEvent?.(streamEvent, context);
    };
  }
  if (warning) {
    observedOptions.onWarning = (translationWarning, context) => {
      warning(translationWarning);
      options.onWarning?.(translationWarning, context);
    };
  }

  return {
    services: { options: observedOptions, router, report, ...(firstToken ? { firstDelta: firstToken } : {}) },
    fail(error, signal) {
      end({ status: error.status, error, ...(signal.aborted ? { aborted: true } : {}) });
    },
    finish(result, signal) {
      if (result.kind === "json") {
        end({ status: result.status, ...(final ? { response: final } : {}) });
        return result;
      }
      const outcome = () => ({
        status: result.status,
        ...(final ? { response: final } : {}),
        ...(lastError ? { error: lastError } : {}),
        ...(signal.aborted ? { aborted: true } : {}),
      });
      const source = result.body;
      const body: AsyncIterable<string> = {
        [Symbol.asyncIterator]() {
          const iterator = source[Symbol.asyncIterator]();
          return {
            async next() {
              let step: IteratorResult<string>;
              try {
                step = await iterator.next();
              } catch (error) {
                end({
                  ...outcome(),
                  error: toBridgeError(error),
                  ...(signal.aborted ? { aborted: true } : {}),
                });
                throw error;
              }
              if (step.done) end(outcome());
              else if (step.value === KEEP_ALIVE) keepAlive?.();
              return step;
            },
            async return(value?: unknown) {
              end(objectWith(outcome(), { aborted: true }));
              return (await iterator.return?.(value)) ?? { value: undefined, done: true };
            },
          };
        },
      };
      return { ...result, body };
    },
  };
}

/** The chunks of `chunks` passed through `onChunk` in order, keeping their grouping by network read. */
function observeChunks(
  chunks: ChatChunkStream,
  onChunk: (chunk: ChatCompletionChunk) => void,
): ChatChunkStream {
  const batches = chunkBatches(chunks);
  async function* observed(): AsyncGenerator<ChatCompletionChunk[], void, undefined> {
    for await (const batch of batches) {
      for (let index = 0; index < batch.length; index++) onChunk(batch[index]!);
      yield batch;
    }
  }
  return chatChunkStream(observed());
}

/** The route kind of `path`, for {@link ObservedRequest.route}. */
export { routeOf as observedRouteOf };
