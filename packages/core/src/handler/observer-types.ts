// The observer contract (the `observer` option): what an observer sees of each request. The
// implementation that calls it is observer.ts.
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
} from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import type { ResponsesBridgeError } from "../errors.js";
import type { ResponseObject, ResponsesRequest, TranslationWarning } from "../types.js";
import type { Principal } from "./context.js";

/** Which kind of route a request reached, as {@link ObservedRequest.route} reports it. */
export type ObservedRoute = "responses" | "chat" | "models" | "other";

/** What an observer sees of a request when it starts. */
export interface ObservedRequest {
  /** The request's `x-request-id` (the client's when it sent a sane one, else a fresh id). */
  requestId: string;
  /** HTTP method, upper case. */
  method: string;
  /** URL path, e.g. `/v1/responses`. */
  path: string;
  /** The kind of route: `responses` (every `…/responses…` path), `chat`, `models` or `other`. */
  route: ObservedRoute;
  /** The request headers as received (credentials included: redact what you show or keep). */
  headers: Headers;
  /** When the request started, in epoch milliseconds (the handler's `now` option). */
  startedAt: number;
}

/** What an observer learns about one upstream call before it is sent. */
export interface ObservedUpstreamRequest {
  /** The model name sent to the upstream. */
  model: string;
  /** The Chat Completions request as sent (after `transformChatRequest`). */
  params: ChatCompletionCreateParams;
  /** 1 for the first upstream call of the request, then 2, 3… for each fallback route tried. */
  attempt: number;
}

/** How a request ended, as {@link RequestObserver.end} receives it. */
export interface ObservedOutcome {
  /** The HTTP status answered (200 for a stream, even one ending in `response.failed`). */
  status: number;
  /** The final Response of a `POST …/responses` turn (completed, incomplete or failed). */
  response?: ResponseObject;
  /** The error answered, or the one a stream ended with. */
  error?: ResponsesBridgeError;
  /** True when the client went away before the answer was fully written. */
  aborted?: boolean;
  /** When the request ended, in epoch milliseconds. */
  endedAt: number;
}

/**
 * Callbacks for one request, returned by {@link BridgeObserver.request}. Every callback is optional
 * except `end`, which is called exactly once. Callbacks must be cheap (some run per token); an error
 * thrown by one is swallowed.
 */
export interface RequestObserver {
  /** The parsed, validated Responses request (`POST …/responses`) and the principal, before translation. */
  parsed?(body: ResponsesRequest, principal?: Principal): void;
  /**
   * Just before each upstream call (each fallback route too). Returned headers are added to that
   * upstream HTTP request (W3C `traceparent` propagation); the built-in upstreams send them.
   */
  upstreamRequest?(info: ObservedUpstreamRequest): Record<string, string> | undefined;
  /** The upstream accepted the call (headers received), or failed to. */
  upstreamResponse?(info: { ok: boolean; error?: ResponsesBridgeError }): void;
  /** Every upstream chunk of a streamed call, in order, as parsed. */
  upstreamChunk?(chunk: ChatCompletionChunk): void;
  /** The whole completion of a non-streamed upstream call. */
  upstreamCompletion?(completion: ChatCompletion): void;
  /**
   * Every Responses stream event, in order, as sent to the client. Watching it takes the stream off the
   * handler's template encoder (each event is then serialised with `JSON.stringify`): for the time to
   * first token alone, use `firstToken`.
   */
  event?(event: ResponseStreamEvent): void;
  /**
   * Once per stream, as the write that carries its first delta event (output text, reasoning or tool-call
   * arguments) is about to be sent: the time to first token. Costs the stream nothing more than a check
   * per event until then.
   */
  firstToken?(): void;
  /** A keep-alive comment was sent on the stream. */
  keepAlive?(): void;
  /** A non-fatal translation warning. */
  warning?(warning: TranslationWarning): void;
  /** Once, when the request is over: answered, failed, or abandoned by the client (`aborted`). */
  end(outcome: ObservedOutcome): void;
}

/**
 * Sees every request the handler serves (logs, traces, metrics, inspectors). Set it as the `observer`
 * option; with none set, the handler does no observation work at all.
 */
export interface BridgeObserver {
  /**
   * Called once per HTTP request, after its request id is chosen. Return callbacks for this request,
   * or undefined to ignore it. An error thrown here is swallowed (the request is then not observed).
   */
  request(info: ObservedRequest): RequestObserver | undefined;
}
