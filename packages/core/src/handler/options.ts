import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import type { ResponsesBridgeError } from "../errors.js";
import type { RequestLimits } from "../schema/request-limits.js";
import type {
  ChatUpstream,
  IdPrefix,
  ResponseObject,
  ResponseStore,
  ResponsesRequest,
  StoreScope,
  TranslationWarning,
  UpstreamCapabilities,
} from "../types.js";
import type { AuthenticationRequest, HookContext, Principal } from "./context.js";
import type { BridgeLogger } from "./error-log.js";
import type { BridgeObserver } from "./observer-types.js";

export type { AuthenticationRequest, HookContext, Principal } from "./context.js";

/** One place a model can be served from. */
export interface UpstreamRoute {
  /** The backend. */
  upstream: ChatUpstream;
  /** The model name sent to this backend (default: the requested name, after the `model` option). */
  model?: string;
  /** Capabilities overriding the upstream's own for this route. */
  capabilities?: UpstreamCapabilities;
}

/** A route target: an upstream, a route, or an ordered list of them (tried in turn on failure). */
export type RouteTarget = ChatUpstream | UpstreamRoute | ReadonlyArray<ChatUpstream | UpstreamRoute>;

/**
 * Model routing: a map from requested model name to its target (`"*"` matches every other name), or a
 * function returning the target for a model (undefined: no route).
 */
export type ModelRoutes =
  | Readonly<Record<string, RouteTarget>>
  | ((model: string) => RouteTarget | undefined);

/** Options for {@link createResponsesHandler}. */
export interface ResponsesHandlerOptions {
  /**
   * The Chat Completions backend: {@link openAICompatibleUpstream}, {@link fromOpenAIClient} or your own.
   * Required unless `routes` covers every model; with `routes` it serves models no route matches.
   */
  upstream?: ChatUpstream;
  /**
   * Route requests by model name to different backends. When a target is a list, the next entry is
   * tried if one fails before its first byte (connection refused, 5xx, 429).
   */
  routes?: ModelRoutes;
  /**
   * Where responses are kept for `previous_response_id`, `GET` and `DELETE`.
   * Default: `createMemoryStore()` (10,000 entries, 64 MiB, one day).
   */
  store?: ResponseStore;
  /** Rewrites the requested model: a fixed name, or a function of the requested name. Default: passed through. */
  model?: string | ((requested: string) => string);
  /** Model ids listed by `GET /v1/models` besides the names in `routes`. */
  models?: readonly string[];
  /** Overrides the upstream's own {@link UpstreamCapabilities}. */
  capabilities?: UpstreamCapabilities;
  /** Largest accepted request body in bytes (after decompression); larger bodies get a 413. Default 20 MiB. */
  maxBodyBytes?: number;
  /**
   * Caps on the counts one `POST /v1/responses` body may hold (input items, tools, content parts per
   * message, `include` entries, `metadata` keys). Each excess is a 400 naming the field in `param` and
   * the cap in the message. The defaults (10,000 input items, 1,000 tools, 2,000 content parts, 64
   * `include` entries, 16 `metadata` keys) are far above what real clients send; they bound the work
   * one request can make the server do.
   */
  limits?: RequestLimits;
  /**
   * Streaming keep-alive interval in milliseconds (default 15,000; 0 disables). When the upstream has
   * not answered within it (long prompt processing on local models), `response.created` and
   * `response.in_progress` are sent at once, then an SSE comment every interval while the stream is
   * idle, so clients with idle timeouts keep waiting. Errors after that arrive as `response.failed`.
   */
  keepAliveMs?: number;
  /**
   * The model's context window in tokens. With `truncation: "auto"`, the oldest turns are dropped
   * (never splitting a call from its output) so the request fits, instead of overflowing.
   */
  contextWindow?: number;
  /**
   * How a `length` finish ends a response: `"incomplete"` (default, as OpenAI does) or `"completed"`
   * for clients that treat `response.incomplete` as fatal (Codex).
   */
  lengthFinish?: "incomplete" | "completed";
  /**
   * Hosted tools a chat backend cannot run (`web_search`, `file_search`, `code_interpreter`, `mcp`...):
   * `"drop"` (default) leaves them out with a warning (see `onWarning`); `"reject"` answers 400.
   */
  hostedTools?: "drop" | "reject";
  /**
   * A `function_call_output` whose call is not in the history: `"reject"` (default, 400) or
   * `"synthesize"` a matching call before it.
   */
  orphanToolOutputs?: "reject" | "synthesize";
  /**
   * How a streaming request reports an upstream failure that happens before its first byte:
   * `"http"` (default) answers with the upstream's HTTP status, as OpenAI does; `"events"` starts the
   * stream and ends it with `response.failed` (`error.code` `rate_limit_exceeded` with "try again in
   * Ns" for a 429, `context_length_exceeded` for a context overflow). Codex CLI never retries an HTTP
   * 429 but backs off on such an event, so the Codex setup uses `"events"`.
   */
  streamErrors?: "http" | "events";
  /**
   * Which names the stream's events use: `"openai"` (default), what the openai SDK, Codex, the AI SDK
   * and the Agents SDK read, or `"open-responses"`, the Open Responses specification's (for example
   * `response.reasoning.delta` / `.done` instead of `response.reasoning_text.delta` / `.done`). Response
   * objects are the same in both. The default costs nothing; the other dialect renames events as they
   * are written.
   */
  dialect?: "openai" | "open-responses";
  /**
   * Secret (at least 16 bytes) that seals the `encrypted_content` of `compaction` items made by
   * `POST /v1/responses/compact`, so clients can neither read, forge nor move them to another tenant.
   * Set it to keep compactions valid across restarts and instances; default: a random secret per handler.
   */
  compactionSecret?: string;
  /** The instruction the chat backend gets to write a compaction summary (see `DEFAULT_COMPACTION_PROMPT`). */
  compactionPrompt?: string;
  /**
   * Identifies the caller. Return a principal (its `tenant` scopes the store), or null/undefined to
   * answer 401. Throwing a `ResponsesBridgeError` answers with that error.
   */
  authenticate?: (
    request: AuthenticationRequest,
  ) => Principal | null | undefined | Promise<Principal | null | undefined>;
  /** Rewrites a validated Responses request before translation (pin a system prompt, cap tokens...). */
  transformRequest?: (
    request: ResponsesRequest,
    context: HookContext,
  ) => ResponsesRequest | Promise<ResponsesRequest>;
  /** Rewrites each Chat Completions request before it is sent (also for `/chat/completions` pass-through). */
  transformChatRequest?: (
    params: ChatCompletionCreateParams,
    context: HookContext,
  ) => ChatCompletionCreateParams | Promise<ChatCompletionCreateParams>;
  /** Called with the final Response of every turn (completed, incomplete or failed), streamed or not. */
  onResponse?: (response: ResponseObject, context: HookContext) => void;
  /** Called with every streamed Responses event, in order. Keep it cheap: it runs per token. */
  onEvent?: (event: ResponseStreamEvent, context: HookContext) => void;
  /**
   * Called for every error answered to a client, and for errors that happen after streaming began
   * (reported to the client as `response.failed`). Messages never contain upstream API keys.
   */
  onError?: (error: ResponsesBridgeError, context: HookContext) => void;
  /** Called for non-fatal translation warnings (a tool type the backend cannot run was dropped...). */
  onWarning?: (warning: TranslationWarning, context: HookContext) => void;
  /**
   * Where upstream failures and 5xx answers are reported (errors at `error`, the upstream's own 4xx
   * such as a rejected key at `warn`; client mistakes are not logged). Default: `console.error` /
   * `console.warn`, one line with the request id, status, code and message (secrets redacted). `false`
   * turns it off (for example when `onError` already logs).
   */
  logger?: BridgeLogger | false;
  /**
   * Sees every request: its parsed body, each upstream call (and can add headers to it, for trace
   * propagation), every stream event and how it ended. For logs, traces, metrics and inspectors;
   * when unset the handler does no observation work.
   */
  observer?: BridgeObserver;
  /**
   * Limits on background responses (`background: true`): `maxConcurrent` turns running at once per tenant
   * on one instance (default 16; more answer 429 `too_many_background_responses`), and `maxDurationMs`,
   * after which a turn is stopped and ends `failed` with code `background_timeout` (default 3,600,000).
   */
  background?: { maxConcurrent?: number; maxDurationMs?: number };
  /**
   * `true`: foreground streamed turns with `store` on also write their events to the store's turn log while
   * they run, so `GET /v1/responses/{id}?stream=true&starting_after=N` can follow them from any instance (an
   * extension: OpenAI resumes background responses only). Default `false`: only background turns are
   * resumable, as with OpenAI; logging every stored stream's events costs about 15% more CPU per stream and
   * tens of MB of memory under load.
   */
  resumableStreams?: boolean;
  /** Id generator, for deterministic tests. Default: 192 random bits per id. */
  generateId?: (prefix: IdPrefix) => string;
  /** Clock in milliseconds, for deterministic tests. Default `Date.now`. */
  now?: () => number;
}

/** A request in framework-neutral form, for adapters that already parsed the body. */
export interface BridgeRequest {
  /** HTTP method, upper case. */
  method: string;
  /** URL path (no query string), e.g. `/v1/responses`. Any prefix before `/responses` is accepted. */
  path: string;
  /** Query parameters. */
  query?: URLSearchParams;
  /** Request headers. */
  headers: Headers;
  /** The parsed JSON body (undefined for GET/DELETE). */
  body?: unknown;
  /**
   * Reads and parses the body, for adapters that have not read it yet: called for a `POST` without a
   * `body`, after `authenticate` accepted the request, so an unauthenticated client never makes the
   * server buffer a body. Its errors (400, 413, 415 as `ResponsesBridgeError`) are answered like any
   * other: OpenAI-shaped, with `x-request-id`, reported to `onError`.
   */
  readBody?: () => Promise<unknown>;
  /** Aborted when the client disconnects; cancels the upstream call. */
  signal: AbortSignal;
  /** Store scope (tenant) for this request; overrides what `authenticate` returns. */
  scope?: StoreScope;
}

/** What the handler answers, before it is written to a framework's response. */
export type BridgeResult =
  | {
      kind: "json";
      status: number;
      headers: Record<string, string>;
      body: unknown;
    }
  | {
      kind: "stream";
      status: 200;
      headers: Record<string, string>;
      /**
       * The response body as server-sent-event text: write each piece with one write, as it comes
       * (one piece per upstream chunk). Single consumer; calling `return()` on the iterator (the client
       * went away) aborts the upstream call.
       */
      body: AsyncIterable<string>;
    };

/** The handler returned by {@link createResponsesHandler}. */
export interface ResponsesHandler {
  /**
   * Web-standard entry point serving `POST …/responses`, `GET|DELETE …/responses/{id}`,
   * `POST …/chat/completions` and `GET …/models`. Mount it in Next.js, Hono, Bun, Deno or Workers.
   */
  fetch(request: Request): Promise<Response>;
  /** Structured entry point for adapters that parsed the body themselves (Node, Express, Fastify). */
  handle(request: BridgeRequest): Promise<BridgeResult>;
  /** The body limit in bytes this handler was created with; adapters reading bodies themselves enforce it. */
  readonly maxBodyBytes: number;
}
