import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Readable, Transform } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type {
  StreamTextDecoder,
  UpstreamFetch,
  UpstreamRequestInit,
  UpstreamResponse,
} from "@responses-bridge/core/http";
import { contentDecoders } from "./content-decoders.js";
import { utf8Text } from "./utf8.js";

/** Options of {@link nodeFetch}. */
export interface NodeFetchOptions {
  /**
   * Most connections kept per upstream host; more requests queue. Default 256. Ignored for a protocol
   * whose agent you pass yourself.
   */
  maxSockets?: number;
  /** The agent for `http:` upstreams. Default: a keep-alive agent of this client's own. */
  httpAgent?: HttpAgent;
  /** The agent for `https:` upstreams. Default: a keep-alive agent of this client's own. */
  httpsAgent?: HttpsAgent;
}

/** Chunks buffered ahead of the reader before the socket is paused. */
const HIGH_WATER_CHUNKS = 16;

interface Target {
  origin: string;
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
}

/**
 * The response body as an async iterable of byte chunks, one per socket read (or per decoder output when
 * the body is compressed). `return()` ends a read still pending: it lets a finished message go (its
 * keep-alive connection is reused) and destroys the request otherwise.
 */
class NodeBody implements AsyncIterableIterator<Uint8Array> {
  readonly #res: IncomingMessage;
  /** Where the chunks come from: `res` itself, or the last of the decoders it is piped through. */
  readonly #source: Readable;
  readonly #req: ClientRequest;
  readonly #queue: Buffer[] = [];
  #ended = false;
  #failure: unknown;
  #waiter:
    | { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void }
    | undefined;
  readonly #signal: AbortSignal;
  readonly #onDone: () => void;

  constructor(
    res: IncomingMessage,
    req: ClientRequest,
    signal: AbortSignal,
    onDone: () => void,
    decoders: readonly Transform[] = [],
  ) {
    this.#res = res;
    this.#req = req;
    this.#signal = signal;
    this.#onDone = onDone;
    let source: Readable = res;
    for (const decoder of decoders) {
      source = source.pipe(decoder);
      // Corrupt compressed data fails the read, as it fails fetch's; the connection is not reused.
      decoder.on("error", (error) => {
        this.#settle(error);
        req.destroy();
      });
    }
    this.#source = source;
    source.on("data", (chunk: Buffer) => {
      const waiter = this.#waiter;
      if (waiter) {
        this.#waiter = undefined;
        waiter.resolve({ value: chunk, done: false });
        return;
      }
      this.#queue.push(chunk);
      if (this.#queue.length >= HIGH_WATER_CHUNKS) source.pause();
    });
    source.once("end", () => this.#settle(undefined));
    res.once("error", (error) => this.#settle(error));
    // A connection closed before the message completed ("terminated", as fetch words it). A complete
    // message still ends: its decoders may finish after the connection closed.
    res.once("close", () => {
      if (!this.#ended && !res.complete) {
        this.#settle(new TypeError("terminated", { cause: new Error("other side closed") }));
      }
    });
  }

  #settle(failure: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    // Like fetch: a body cut by the signal fails with the signal's reason.
    this.#failure = failure !== undefined && this.#signal.aborted ? abortError(this.#signal) : failure;
    this.#onDone();
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    if (this.#failure === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(this.#failure);
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    const chunk = this.#queue.shift();
    if (chunk !== undefined) {
      if (this.#queue.length === 0 && this.#source.isPaused()) this.#source.resume();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#ended) {
      return this.#failure === undefined
        ? Promise.resolve({ value: undefined, done: true })
        : Promise.reject(this.#failure);
    }
    if (this.#source.isPaused()) this.#source.resume();
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.#queue.length = 0;
    if (!this.#ended) {
      if (this.#source !== this.#res) this.#source.destroy();
      if (this.#res.complete) this.#res.resume();
      else this.#req.destroy();
      this.#settle(undefined);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** A decoder for these chunks: Node's `StringDecoder` costs a fraction of `TextDecoder` on Node 20. */
  textDecoder(): StreamTextDecoder {
    return new NodeTextDecoder();
  }

  async text(): Promise<string> {
    const parts: Buffer[] = [];
    for (let next = await this.next(); !next.done; next = await this.next()) parts.push(next.value as Buffer);
    const text = utf8Text(parts);
    // As `Response.text()` does: a byte-order mark is not text.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/** `TextDecoder`'s streaming `decode` on a `StringDecoder`: a split character waits for the next read, a leading byte-order mark is dropped. */
class NodeTextDecoder implements StreamTextDecoder {
  readonly #decoder = new StringDecoder("utf8");
  #started = false;

  decode(input?: Uint8Array, options?: { stream?: boolean }): string {
    let text = input === undefined ? "" : this.#decoder.write(input as Buffer);
    if (!options?.stream) text += this.#decoder.end();
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

class NodeFetchResponse implements UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: NodeBody;
  readonly #res: IncomingMessage;

  constructor(res: IncomingMessage, body: NodeBody) {
    this.#res = res;
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? "";
    this.body = body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  readonly headers = {
    get: (name: string): string | null => {
      const value = this.#res.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };

  text(): Promise<string> {
    return this.body.text();
  }
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/**
 * A small HTTP client for `openAICompatibleUpstream({ fetch: nodeFetch() })` built on `node:http` and
 * `node:https` with keep-alive agents. On Node it costs a fraction of the CPU of the global `fetch`
 * per call (no web streams, no `Request`/`Response` objects), which matters on every agent turn:
 *
 * ```ts
 * const upstream = openAICompatibleUpstream({ baseURL: "http://127.0.0.1:11434/v1", fetch: nodeFetch() });
 * ```
 *
 * It does what the upstream needs and no more: `POST` with a string body, the abort signal (which also
 * stops a body being read), status, headers and the body read chunk by chunk. With `redirect: "manual"`
 * in the request (which `openAICompatibleUpstream` always sends: it follows nothing by default, see its
 * `redirect` option) a redirect answer is returned as it is. Otherwise redirects are followed as
 * `fetch` follows them (up to 20; 307/308 repeat the POST, 301/302/303 go on as a GET without the body;
 * `authorization` is not sent to another origin). It asks for no compression, and decodes a compressed
 * body as `fetch` does all the same (`gzip`, `deflate`, `br`, and `zstd` where Node has it). When Node
 * takes proxies from the environment (`NODE_USE_ENV_PROXY=1` or `--use-env-proxy`, Node 24.5 and later),
 * so do its agents: `HTTP_PROXY`, `HTTPS_PROXY`, `NO_PROXY`. Connection failures reject like `fetch`
 * does (`TypeError("fetch failed")` with the socket error as `cause`).
 */
export function nodeFetch(options: NodeFetchOptions = {}): UpstreamFetch {
  const maxSockets = options.maxSockets ?? 256;
  const proxyEnv = useEnvProxy() ? { proxyEnv: process.env } : {};
  const httpAgent =
    options.httpAgent ?? new HttpAgent({ keepAlive: true, maxSockets, scheduling: "lifo", ...proxyEnv });
  const httpsAgent =
    options.httpsAgent ?? new HttpsAgent({ keepAlive: true, maxSockets, scheduling: "lifo", ...proxyEnv });
  // Upstreams use one or two URLs: parse each once.
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (target) return target;
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`nodeFetch: unsupported protocol ${parsed.protocol}`);
    }
    target = {
      origin: parsed.origin,
      secure: parsed.protocol === "https:",
      hostname: parsed.hostname.replace(/^\[|\]$/g, ""),
      port: parsed.port,
      path: `${parsed.pathname}${parsed.search}`,
    };
    if (targets.size < 64) targets.set(url, target);
    return target;
  };

  /** One request; a redirect answer sends the next one, as `fetch` does (`redirect: "follow"`). */
  function send(
    url: string,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
    redirects: number,
    follow: boolean,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: unknown) => void,
  ): void {
    if (signal.aborted) {
      reject(abortError(signal));
      return;
    }
    let target: Target;
    try {
      target = targetOf(url);
    } catch (error) {
      reject(redirects === 0 ? error : new TypeError("fetch failed", { cause: error }));
      return;
    }
    const sent: Record<string, string | number> = { ...headers };
    if (body !== undefined) sent["content-length"] = Buffer.byteLength(body);
    const req = (target.secure ? httpsRequest : httpRequest)({
      hostname: target.hostname,
      ...(target.port ? { port: target.port } : {}),
      path: target.path,
      method,
      headers: sent,
      agent: target.secure ? httpsAgent : httpAgent,
    });
    let settled = false;
    const onAbort = () => req.destroy(abortError(signal) as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    const detach = () => signal.removeEventListener("abort", onAbort);
    req.once("response", (res) => {
      settled = true;
      const location = follow && REDIRECTS.has(res.statusCode ?? 0) ? res.headers.location : undefined;
      if (location === undefined) {
        const decoders = contentDecoders(method, res.statusCode ?? 0, res.headers["content-encoding"]);
        resolve(new NodeFetchResponse(res, new NodeBody(res, req, signal, detach, decoders)));
        return;
      }
      // The redirect's own body is read and dropped, so its connection can be reused.
      detach();
      res.resume();
      if (redirects >= MAX_REDIRECTS) {
        reject(new TypeError("fetch failed", { cause: new Error("redirect count exceeded") }));
        return;
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch (error) {
        reject(new TypeError("fetch failed", { cause: error }));
        return;
      }
      let nextMethod = method;
      let nextBody = body;
      let nextHeaders = headers;
      // As fetch does: 303, and 301/302 after a POST, go on as a GET without the body.
      if (
        res.statusCode === 303
          ? method !== "HEAD"
          : res.statusCode !== 307 && res.statusCode !== 308 && method === "POST"
      ) {
        nextMethod = "GET";
        nextBody = undefined;
        nextHeaders = withoutHeaders(nextHeaders, BODY_HEADERS);
      }
      // Credentials are not sent to another origin.
      if (next.origin !== target.origin) nextHeaders = withoutHeaders(nextHeaders, CREDENTIAL_HEADERS);
      send(next.href, nextMethod, nextHeaders, nextBody, signal, redirects + 1, true, resolve, reject);
    });
    req.on("error", (error) => {
      if (settled) return;
      settled = true;
      detach();
      reject(signal.aborted ? abortError(signal) : new TypeError("fetch failed", { cause: error }));
    });
    req.end(body);
  }

  return (url: string, init: UpstreamRequestInit): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) =>
      send(
        url,
        init.method,
        init.headers,
        init.body,
        init.signal,
        0,
        init.redirect !== "manual",
        resolve,
        reject,
      ),
    );
}

/**
 * Whether Node was told to take proxies from the environment (`NODE_USE_ENV_PROXY=1` or
 * `--use-env-proxy`), as its own `fetch` and global agents do from Node 24.5: then this client's agents
 * follow `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` too (`proxyEnv`; older Node versions ignore it).
 */
function useEnvProxy(): boolean {
  if (process.env.NODE_USE_ENV_PROXY === "1") return true;
  const flag = /(?:^|\s)--use-env-proxy(?:\s|$)/;
  return process.execArgv.includes("--use-env-proxy") || flag.test(process.env.NODE_OPTIONS ?? "");
}

/** The statuses `fetch` follows when the answer names a `location`. */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** How many redirects `fetch` follows before it fails. */
const MAX_REDIRECTS = 20;

/** The headers that describe a request body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS: ReadonlySet<string> = new Set([
  "content-type",
  "content-encoding",
  "content-language",
  "content-location",
  "content-length",
]);

/** The headers `fetch` drops when a redirect leads to another origin. */
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(["authorization", "cookie", "proxy-authorization"]);

function withoutHeaders(headers: Record<string, string>, names: ReadonlySet<string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!names.has(name.toLowerCase())) kept[name] = value;
  return kept;
}
