import type { ChatCompletion, ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { decodeWhole } from "../bytes.js";
import { redactSecrets, upstreamConnectionError, upstreamError, upstreamTimeout } from "../errors.js";
import { serializeInSlices } from "../json/stringify-in-slices.js";
import { objectWith } from "../object-with.js";
import { registerUpstreamSecrets } from "../redact-secrets.js";
import { chatChunkStream } from "../stream/chat-chunk-stream.js";
import { readChatStreamBatches } from "../stream/read-chat-stream.js";
import type { ChatUpstream, UpstreamCallOptions, UpstreamCapabilities } from "../types.js";
import { openGuardedReader } from "./byte-source.js";
import { linkAbort } from "./linked-abort.js";
import { listUpstreamModels } from "./list-upstream-models.js";
import type { UpstreamFetch, UpstreamResponse } from "./upstream-fetch.js";

export type { UpstreamFetch, UpstreamRequestInit, UpstreamResponse } from "./upstream-fetch.js";

import { isRedirectStatus, nextRedirect, type UpstreamRedirectMode } from "./upstream-redirect.js";
import { startWatchdog } from "./watchdog.js";

/** Options for {@link openAICompatibleUpstream}. */
export interface OpenAICompatibleUpstreamOptions {
  /** Base URL including the version path, e.g. `http://127.0.0.1:11434/v1`. `/chat/completions` is appended. */
  baseURL: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. Never appears in errors or logs. */
  apiKey?: string | undefined;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /**
   * The HTTP client: any `fetch` implementation (for tests, proxies or in-process backends). Default: the
   * global `fetch`. On Node, `nodeFetch()` from `@responses-bridge/node` costs a fraction of its CPU.
   */
  fetch?: UpstreamFetch;
  /** What the backend supports; see {@link UpstreamCapabilities}. */
  capabilities?: UpstreamCapabilities;
  /** Largest upstream SSE event accepted, in characters. Default 16 MiB. */
  maxEventSize?: number;
  /**
   * Time from sending a request to the upstream's response headers, in milliseconds; past it the call is
   * aborted with a 504 `upstream_timeout` (before streaming) or `response.failed` (once a keep-alive stream
   * started). Default 600,000 (local models can take minutes to process a long prompt).
   */
  headersTimeoutMs?: number;
  /** Longest silence while reading the upstream's body, in milliseconds (504 `upstream_timeout`). Default 300,000. */
  bodyTimeoutMs?: number;
  /**
   * Largest upstream body in bytes, streamed or not: a guard against a backend that never stops. Past it
   * the call is cut: 502 `upstream_response_too_large`, or `response.failed` once streaming. Default 64 MiB.
   */
  maxResponseBytes?: number;
  /**
   * What to do when the upstream answers with a redirect (3xx): `"error"` (default) follows nothing
   * and answers the client with a 502 `upstream_redirect`; `"same-origin"` repeats the POST at a
   * `location` on the same origin (up to 5 times). A redirect to another origin is never followed.
   * Needs a `fetch` that honours `redirect: "manual"` (the global `fetch` and `nodeFetch()` do).
   */
  redirect?: UpstreamRedirectMode;
  /**
   * Name the upstream's origin (`http://host:port`) in the errors clients receive when it cannot be
   * reached or does not answer. Default `false`: clients read "Could not reach the upstream"; the
   * origin and the socket error stay in the error's `cause` (for `onError` and logs).
   */
  exposeOrigin?: boolean;
}

const ERROR_BODY_LIMIT = 64 * 1024;

async function readErrorMessage(
  response: UpstreamResponse,
): Promise<{ message: string; code: string | null }> {
  let text = "";
  try {
    text = (await response.text()).slice(0, ERROR_BODY_LIMIT);
  } catch {
    // The body could not be read; the status alone has to do.
  }
  try {
    const body = JSON.parse(text) as {
      error?: { message?: unknown; code?: unknown } | string;
      message?: unknown;
    };
    const error = body.error;
    if (typeof error === "string") return { message: error, code: null };
    if (error && typeof error.message === "string") {
      return { message: error.message, code: typeof error.code === "string" ? error.code : null };
    }
    if (typeof body.message === "string") return { message: body.message, code: null };
  } catch {
    // Not JSON: use the text.
  }
  return { message: text.trim() || response.statusText || `HTTP ${response.status}`, code: null };
}

/**
 * A {@link ChatUpstream} for any OpenAI-compatible `/chat/completions` endpoint (Ollama, LM Studio,
 * llama.cpp, vLLM, OpenRouter, DeepSeek, Groq, Together, OpenAI…) over `fetch`, reading streams with
 * `eventsource-parser`.
 *
 * Non-2xx answers become errors with the upstream's status (429 keeps `retry-after`); connection
 * failures become 502. When a backend rejects `stream_options` the call is retried once without it,
 * and the upstream remembers not to send it again.
 */
export function openAICompatibleUpstream(options: OpenAICompatibleUpstreamOptions): ChatUpstream {
  const endpoint = `${options.baseURL.replace(/\/+$/, "")}/chat/completions`;
  let origin = endpoint;
  try {
    origin = new URL(endpoint).origin;
  } catch {
    throw new TypeError(`openAICompatibleUpstream: invalid baseURL ${JSON.stringify(options.baseURL)}`);
  }
  const secrets = [options.apiKey];
  registerUpstreamSecrets(options.apiKey, options.headers);
  const redact = (text: string) => redactSecrets(text, secrets);
  const doFetch: UpstreamFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...options.headers,
  };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const capabilities: UpstreamCapabilities = { ...options.capabilities };
  const headersTimeoutMs = options.headersTimeoutMs ?? 600_000;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 300_000;
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const redirectMode = options.redirect ?? "error";
  const where = options.exposeOrigin ? ` at ${origin}` : "";
  const hostname = new URL(origin).hostname.replace(/^\[|\]$/g, "");

  /** A call the upstream answered with a 2xx; `detach()` unlinks it from the caller's signal once read. */
  interface Posted {
    response: UpstreamResponse;
    detach(): void;
  }

  async function post(
    params: ChatCompletionCreateParams,
    call: UpstreamCallOptions,
    url = endpoint,
    redirects = 0,
  ): Promise<Posted> {
    let response: UpstreamResponse;
    // A request of many messages is serialised in slices that give the event loop back, and a large one
    // is handed over as UTF-8 bytes, so that the HTTP client does not encode megabytes in one step (issue 17).
    const serialized = serializeInSlices(params);
    const body = typeof serialized === "string" ? serialized : await serialized;
    // Our own signal: aborted by the caller's, and by the headers timeout; detached once the answer is read.
    const { controller, release: detach } = linkAbort(call.signal);
    let timedOut = false;
    const watchdog = startWatchdog(headersTimeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: params.stream
          ? Object.assign({}, headers, call.headers, { accept: "text/event-stream" })
          : call.headers
            ? objectWith(headers, call.headers)
            : headers,
        body,
        signal: controller.signal,
        redirect: "manual",
      });
    } catch (error) {
      detach();
      if (call.signal.aborted) throw error;
      if (timedOut) {
        throw upstreamTimeout(`The upstream${where} did not answer within ${headersTimeoutMs} ms.`);
      }
      const cause =
        error instanceof Error
          ? (error.cause as { message?: string; code?: unknown } | undefined)
          : undefined;
      const reason = error instanceof Error ? (cause?.message ?? error.message) : "";
      const shown = options.exposeOrigin ? reason : withoutAddress(reason, hostname, cause?.code);
      throw upstreamConnectionError(
        redact(`Could not reach the upstream${where}${shown ? ` (${shown})` : ""}.`),
        new Error(redact(`Could not reach the upstream at ${origin}${reason ? `: ${reason}` : ""}.`), {
          cause: error,
        }),
      );
    } finally {
      watchdog.stop();
    }
    if (response.ok) return { response, detach };
    if (isRedirectStatus(response.status)) {
      // The redirect's body is not read; the next call (or the 502) goes on without it.
      await cancelBody(response);
      detach();
      const next = nextRedirect(
        response.status,
        response.headers.get("location"),
        url,
        redirectMode,
        redirects,
      );
      return post(params, call, next, redirects + 1);
    }
    let failure: { message: string; code: string | null };
    try {
      failure = await readErrorMessage(response);
    } finally {
      detach();
    }
    const { message, code } = failure;
    if (
      response.status === 400 &&
      params.stream &&
      params.stream_options &&
      /stream_options|include_usage/i.test(message)
    ) {
      capabilities.streamUsage = false;
      const { stream_options: _dropped, ...rest } = params;
      return post(rest, call, url, redirects);
    }
    throw upstreamError(response.status, redact(`Upstream error ${response.status}: ${message}`), {
      code,
      retryAfter: response.headers.get("retry-after"),
    });
  }

  return {
    capabilities,
    listModels: (call) => listUpstreamModels(doFetch, options.baseURL, headers, secrets, call),
    async create(params, call) {
      const { response, detach } = await post(params, call);
      let text: string;
      try {
        text = await readBoundedText(response, maxResponseBytes, bodyTimeoutMs, call.signal);
      } finally {
        detach();
      }
      try {
        return JSON.parse(text) as ChatCompletion;
      } catch (error) {
        throw upstreamConnectionError("The upstream returned a body that is not valid JSON.", error);
      }
    },
    async stream(params, call) {
      const sent =
        capabilities.streamUsage === false && params.stream_options
          ? (({ stream_options: _dropped, ...rest }) => rest)(params)
          : params;
      const { response, detach } = await post(sent, call);
      if (!response.body) {
        detach();
        throw upstreamConnectionError("The upstream returned an empty body for a stream.");
      }
      const batches = readChatStreamBatches(response.body, {
        redact,
        idleTimeoutMs: bodyTimeoutMs,
        maxBytes: maxResponseBytes,
        ...(options.maxEventSize === undefined ? {} : { maxEventSize: options.maxEventSize }),
      });
      return chatChunkStream(batches, detach);
    },
  };
}

/**
 * The reason a connection failed, as a client may read it: the socket's message when it names no
 * address (`self-signed certificate`), else its code alone (`connect ECONNREFUSED 10.0.0.7:8000` is
 * `ECONNREFUSED`), so the upstream's host and port stay out of client-facing errors.
 */
function withoutAddress(reason: string, hostname: string, code: unknown): string {
  const named =
    (hostname.length > 0 && reason.toLowerCase().includes(hostname.toLowerCase())) ||
    /\d{1,3}(\.\d{1,3}){3}|[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,}|:\d{2,5}\b/i.test(reason);
  if (!named) return reason;
  return typeof code === "string" && /^[A-Z0-9_]+$/.test(code) ? code : "";
}

/** Lets go of a body that will not be read. */
async function cancelBody(response: UpstreamResponse): Promise<void> {
  const body = response.body as { cancel?: () => Promise<void>; return?: () => unknown } | null;
  if (!body) return;
  try {
    if (typeof body.cancel === "function") await body.cancel();
    else await (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]().return?.();
  } catch {
    // Nothing to release.
  }
}

/** Reads a whole body as text with a size limit and an idle timeout, cancelling the body on either. */
async function readBoundedText(
  response: UpstreamResponse,
  maxBytes: number,
  idleMs: number,
  signal: AbortSignal,
): Promise<string> {
  if (!response.body) return "";
  const reader = openGuardedReader(response.body, {
    idleMs,
    maxBytes,
    idleMessage: `The upstream sent nothing for ${idleMs} ms while answering; the call was cut.`,
    lostMessage: "The upstream connection failed while sending its answer.",
    signal,
  });
  const parts: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) return decodeWhole(parts, bytes);
      bytes += result.value.byteLength;
      parts.push(result.value);
    }
  } finally {
    reader.stop();
  }
}
