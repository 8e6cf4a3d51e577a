import { pipeline, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type {
  StreamTextDecoder,
  UpstreamFetch,
  UpstreamRequestInit,
  UpstreamResponse,
} from "@responses-bridge/core/http";
import { Agent, type Dispatcher, EnvHttpProxyAgent, fetch as undiciFetch } from "undici";
import { contentDecoders } from "./content-decoders.js";
import { utf8Text } from "./utf8.js";

/** Options of {@link nodeFetch}. */
export interface NodeFetchOptions {
  /**
   * Most connections kept per upstream origin; more requests queue. Default 256. Ignored when you pass
   * your own `dispatcher`.
   */
  maxSockets?: number;
  /**
   * The undici dispatcher that sends the requests (connection pool, TLS, proxy): for a custom CA or
   * client certificate, `new Agent({ connect: { ca } })`; for a fixed proxy, `new ProxyAgent(url)`
   * (both from `undici`). Default: a keep-alive `Agent` of this client's own, or an
   * `EnvHttpProxyAgent` when Node is told to take proxies from the environment (see {@link nodeFetch}).
   * Give yours `headersTimeout: 0, bodyTimeout: 0` to leave timeouts to the upstream's own options.
   */
  dispatcher?: Dispatcher;
}

interface Target {
  origin: string;
  path: string;
}

/**
 * The response body: undici's body stream, or the last decoder it is piped through when the body is
 * compressed. `return()` ends a read still pending (an async generator's would wait for it): a message
 * fully received leaves its connection in the pool, any other is aborted and its connection closed.
 */
class NodeBody implements AsyncIterableIterator<Uint8Array> {
  readonly #stream: Readable;
  readonly #iterator: AsyncIterator<Buffer>;

  constructor(stream: Readable) {
    this.#stream = stream;
    this.#iterator = stream[Symbol.asyncIterator]();
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    return this.#iterator.next();
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    // Destroying a body not fully received fails it with an abort error nobody waits for.
    if (!this.#stream.destroyed) this.#stream.on("error", ignore).destroy();
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

type UndiciHeaders = Record<string, string | string[] | undefined>;

class NodeFetchResponse implements UpstreamResponse {
  readonly status: number;
  readonly statusText: string;
  readonly body: NodeBody;
  readonly #headers: UndiciHeaders;

  constructor(status: number, statusText: string, headers: UndiciHeaders, body: NodeBody) {
    this.status = status;
    this.statusText = statusText;
    this.#headers = headers;
    this.body = body;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  readonly headers = {
    get: (name: string): string | null => {
      const value = this.#headers[name.toLowerCase()];
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

const ignore = () => {};

/**
 * The HTTP client for `openAICompatibleUpstream({ fetch: nodeFetch() })` on Node, built on
 * [undici](https://undici.nodejs.org)'s `request()` over a pooled keep-alive `Agent`. It costs a fraction
 * of the CPU of the global `fetch` per call (no web streams, no `Request`/`Response` objects), which
 * matters on every agent turn:
 *
 * ```ts
 * const upstream = openAICompatibleUpstream({ baseURL: "http://127.0.0.1:11434/v1", fetch: nodeFetch() });
 * ```
 *
 * It does what the upstream needs and no more: the method, headers and body (text, or bytes for a large
 * one), the abort signal (which also stops a body being read, and closes its connection), status, headers
 * and the body read chunk by chunk. With `redirect: "manual"` (which `openAICompatibleUpstream` always sends: it follows
 * nothing by default, see its `redirect` option) a redirect answer is returned as it is. Without it the
 * call goes through undici's `fetch` on the same pool, which follows redirects as `fetch` does
 * (`authorization` is not sent to another origin). It asks for no compression, and decodes a compressed
 * body as `fetch` does all the same (`gzip`, `deflate`, `br`, and `zstd` where Node has it). When Node
 * takes proxies from the environment (`NODE_USE_ENV_PROXY=1` or `--use-env-proxy`), so does this client,
 * on every Node version: `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (undici's `EnvHttpProxyAgent`). Its
 * own pool sets no timeout: the upstream's `headersTimeoutMs` and `bodyTimeoutMs` govern. Connection
 * failures reject like `fetch` does (`TypeError("fetch failed")` with the socket error as `cause`).
 */
export function nodeFetch(options: NodeFetchOptions = {}): UpstreamFetch {
  const dispatcher = options.dispatcher ?? defaultDispatcher(options.maxSockets ?? 256);
  // Upstreams use one or two URLs: parse each once.
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (target) return target;
    const parsed = new URL(url);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new TypeError(`nodeFetch: unsupported protocol ${parsed.protocol}`);
    }
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size < 64) targets.set(url, target);
    return target;
  };

  return async (url: string, init: UpstreamRequestInit): Promise<UpstreamResponse> => {
    const { signal } = init;
    if (signal.aborted) throw abortError(signal);
    const target = targetOf(url);
    if (init.redirect !== "manual") {
      const { method, headers, body } = init;
      return (await undiciFetch(url, { method, headers, body, signal, dispatcher })) as UpstreamResponse;
    }
    let answer: Dispatcher.ResponseData;
    try {
      answer = await dispatcher.request({
        origin: target.origin,
        path: target.path,
        method: init.method,
        headers: init.headers,
        body: init.body ?? null,
        signal,
      });
    } catch (error) {
      throw signal.aborted ? abortError(signal) : new TypeError("fetch failed", { cause: error });
    }
    const { statusCode, headers } = answer;
    const coding = headers["content-encoding"];
    const decoders = contentDecoders(
      init.method,
      statusCode,
      Array.isArray(coding) ? coding.join(",") : coding,
    );
    let source: Readable = answer.body;
    if (decoders.length > 0) {
      // A failure anywhere (a corrupt body, the signal) destroys every stream of the chain, and the
      // decoder read last reports it; destroying that one aborts the request.
      pipeline([answer.body, ...decoders], ignore);
      source = decoders[decoders.length - 1]!;
    }
    const statusText = (answer as { statusText?: string }).statusText ?? "";
    return new NodeFetchResponse(statusCode, statusText, headers, new NodeBody(source));
  };
}

/**
 * This client's own pool: keep-alive connections per origin, no timeouts of its own (the upstream's
 * options govern), through the proxies of the environment when Node is told to use them.
 */
function defaultDispatcher(connections: number): Dispatcher {
  const pool = { connections, headersTimeout: 0, bodyTimeout: 0 };
  // An `http:` upstream goes through an HTTP proxy as a plain request in absolute form, as Node's own
  // agents and curl send it (a proxy need not allow CONNECT to port 80); an `https:` one is tunnelled.
  return useEnvProxy() ? new EnvHttpProxyAgent({ ...pool, proxyTunnel: false }) : new Agent(pool);
}

/**
 * Whether Node was told to take proxies from the environment (`NODE_USE_ENV_PROXY=1` or
 * `--use-env-proxy`), as its own `fetch` and global agents do from Node 24.5: then this client follows
 * `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` too, on any Node version.
 */
function useEnvProxy(): boolean {
  if (process.env.NODE_USE_ENV_PROXY === "1") return true;
  const flag = /(?:^|\s)--use-env-proxy(?:\s|$)/;
  return process.execArgv.includes("--use-env-proxy") || flag.test(process.env.NODE_OPTIONS ?? "");
}
