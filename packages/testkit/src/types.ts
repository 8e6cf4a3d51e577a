import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";

/** One tool call the scripted assistant makes. */
export interface ScenarioToolCall {
  /** Function name, sent in the first delta of the call. */
  name: string;
  /** Raw JSON string of the arguments, split into `chunkSize` pieces when streaming. */
  arguments: string;
  /** Call id. Defaults to `call_` plus random characters (or `generateId("call")`). */
  id?: string;
}

/** Token counts to report; the backend adds `prompt_tokens_details` and `completion_tokens_details`. */
export interface ScenarioUsage {
  /** `usage.prompt_tokens`. */
  prompt_tokens: number;
  /** `usage.completion_tokens`. */
  completion_tokens: number;
  /** `usage.total_tokens`. Defaults to `prompt_tokens + completion_tokens`. */
  total_tokens?: number;
  /** `usage.prompt_tokens_details.cached_tokens`. Defaults to 0. */
  cached_tokens?: number;
  /** `usage.completion_tokens_details.reasoning_tokens`. Defaults to 0. */
  reasoning_tokens?: number;
}

/** An HTTP error the backend answers with instead of a completion. */
export interface ScenarioError {
  /** HTTP status code, e.g. 400, 429, 500. */
  status: number;
  /**
   * Response body. Objects are sent as JSON, strings verbatim. Defaults to an OpenAI-shaped
   * `{ error: { message, type, param, code } }` whose `type` follows the status.
   */
  body?: unknown;
  /** Extra response headers, e.g. `{ "retry-after": "1" }`. */
  headers?: Record<string, string>;
}

/** Finish reasons a scenario can end with. */
export type ScenarioFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/**
 * What the scripted backend answers to one chat request. Plain data: every field is optional, and an
 * empty scenario is an assistant message with empty content.
 */
export interface Scenario {
  /** Assistant text (`message.content` / `delta.content`). */
  text?: string;
  /** Reasoning text, sent as `delta.reasoning_content` / `message.reasoning_content`, before the content. */
  reasoning?: string;
  /** Refusal text (`message.refusal` / `delta.refusal`). */
  refusal?: string;
  /** Tool calls to make, in order; streamed with `index` 0, 1, 2, ... */
  toolCalls?: ScenarioToolCall[];
  /** `finish_reason`. Defaults to `"tool_calls"` when `toolCalls` is non-empty, else `"stop"`. */
  finishReason?: ScenarioFinishReason;
  /**
   * Usage to report. Defaults to rough counts (about 4 characters a token). `null` sends no usage at all,
   * neither in the JSON reply nor as a usage chunk.
   */
  usage?: ScenarioUsage | null;
  /** Characters (code points) per content, reasoning, refusal or arguments delta. Defaults to 4. */
  chunkSize?: number;
  /** Milliseconds to wait between streamed chunks. Defaults to 0. */
  delayMs?: number;
  /** Milliseconds to wait before sending the status and headers. Defaults to 0. */
  firstByteDelayMs?: number;
  /** Answer with this HTTP error instead of a completion. */
  error?: ScenarioError;
  /**
   * Streaming only: after this many chunks, break the stream (the HTTP server destroys the connection,
   * the in-process body errors) without a finish chunk or `[DONE]`.
   */
  breakAfterChunks?: number;
  /** `model` of the reply. Defaults to the request's `model`. */
  model?: string;
  /** Streaming only: send the argument deltas of several tool calls round-robin by index. */
  interleaveToolCalls?: boolean;
  /**
   * Streaming only: send exactly these chunks, one `data:` frame each (objects as JSON, strings
   * verbatim, which allows malformed frames), then `data: [DONE]`. Other fields except the delays and
   * `breakAfterChunks` are ignored for streaming requests.
   */
  rawChunks?: unknown[];
}

/** A parsed chat request body as the scripted backend received it. */
export type ChatRequestBody = ChatCompletionCreateParams & Record<string, unknown>;

/** One request the scripted backend received. Updated in place while the reply is sent. */
export interface ScriptedRequestRecord {
  /** HTTP method, upper case. */
  method: string;
  /** URL path, e.g. `/v1/chat/completions`. */
  path: string;
  /** Request headers as a plain object with lower-case keys. */
  headers: Record<string, string>;
  /** Parsed JSON body; `null` for requests without a body, malformed JSON, or JSON that is not an object. */
  body: ChatRequestBody | null;
  /** `true` if the client aborted or disconnected before the reply finished. */
  aborted: boolean;
  /** `true` once the whole reply (including `[DONE]` for streams) was handed to the client. */
  completed: boolean;
  /**
   * Streams: how many SSE frames the client has pulled so far. It stops growing while a client that
   * respects backpressure is not reading, which is how tests see that a proxy stopped pulling.
   */
  chunksSent: number;
}

/** A function that picks the scenario for a chat request. */
export type ScriptFunction = (
  body: ChatRequestBody,
  record: ScriptedRequestRecord,
) => Scenario | Promise<Scenario>;

/** Options of {@link createScriptedBackend}. */
export interface ScriptedBackendOptions {
  /** Scenarios to answer with: an array used as the initial queue, or a function asked once the queue is empty. */
  script?: Scenario[] | ScriptFunction;
  /** Scenario used when the queue is empty and no script function is given. Defaults to an echo. */
  fallback?: Scenario;
  /** When true, any chat request containing `stream_options` gets a 400, like backends that reject it. */
  rejectStreamOptions?: boolean;
  /** Model ids listed by `GET /models`. Defaults to `["scripted-model"]`. */
  models?: string[];
  /** Id generator for `chatcmpl` and `call` ids, for deterministic snapshots. Defaults to random ids. */
  generateId?: (prefix: "chatcmpl" | "call") => string;
  /** Clock in milliseconds, used for `created`. Defaults to `Date.now`. */
  now?: () => number;
}

/** Options of {@link ScriptedBackend.listen}. */
export interface ListenOptions {
  /** TCP port. Defaults to 0 (a free port). */
  port?: number;
  /** Interface to bind. Defaults to `127.0.0.1`. */
  host?: string;
}

/** A running HTTP server for a scripted backend. */
export interface ScriptedServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:54321/v1`, ready for an OpenAI client's `baseURL`. */
  url: string;
  /** Stop listening and destroy every open connection. */
  close(): Promise<void>;
}

/** A scripted Chat Completions backend. */
export interface ScriptedBackend {
  /**
   * Web-standard handler for `POST …/chat/completions` and `GET …/models`. Accepts the arguments of the
   * global `fetch`, so it can be passed as the `fetch` option of an OpenAI client.
   */
  fetch: (input: Request | string | URL, init?: RequestInit) => Promise<Response>;
  /** Serve the handler over a real `node:http` server (127.0.0.1, free port by default). */
  listen(options?: ListenOptions): Promise<ScriptedServer>;
  /** Every request received, oldest first. */
  readonly requests: ScriptedRequestRecord[];
  /** Queue scenarios, consumed one per chat request, first in first out. */
  enqueue(...scenarios: Scenario[]): void;
  /** Clear the request log and the scenario queue. */
  reset(): void;
}
