// The `fetch` contract of the built-in upstream: the least of the Fetch API it uses, so `nodeFetch()`,
// the global `fetch` and test doubles all fit.
import type { UpstreamBody } from "./byte-source.js";

/** What {@link openAICompatibleUpstream} passes to its `fetch`. */
export interface UpstreamRequestInit {
  /** `POST` for chat calls; `GET` (without a body) for `listModels`. */
  method: "POST" | "GET";
  headers: Record<string, string>;
  /**
   * The JSON request body (absent for `GET`): its text, or, for a body of a million characters or more,
   * its UTF-8 bytes. A large body is serialised and encoded a slice at a time so that the event loop is
   * never held for long (`fetch`, `nodeFetch()` and `new Request()` take either; a function that reads
   * the body itself decodes bytes with `new TextDecoder().decode(body)`).
   */
  body?: string | Uint8Array<ArrayBuffer>;
  /** Aborted when the client leaves or a timeout passes; the request and its body must then stop. */
  signal: AbortSignal;
  /**
   * Always `"manual"`: a redirect answer is returned as it is (status and `location`), never followed
   * by the client; {@link OpenAICompatibleUpstreamOptions.redirect} decides what happens next.
   */
  redirect?: "manual";
}

/** The part of a `fetch` `Response` that {@link openAICompatibleUpstream} reads. */
export interface UpstreamResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  /** A web stream, or any async iterable of bytes whose `return()` ends a pending read. */
  readonly body: UpstreamBody | null;
  text(): Promise<string>;
}

/**
 * The HTTP client of {@link openAICompatibleUpstream}: the global `fetch` fits, and so does the lighter
 * `nodeFetch()` of `@responses-bridge/node`.
 */
export type UpstreamFetch = (url: string, init: UpstreamRequestInit) => Promise<UpstreamResponse>;
