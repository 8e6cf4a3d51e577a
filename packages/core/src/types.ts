/**
 * Public types shared by every part of the bridge. Chat and Responses shapes are the
 * `openai` package's own types, so values flow between this library and the SDK unchanged.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import type { Response, ResponseCreateParams, ResponseInputItem } from "openai/resources/responses/responses";
import type { StoreScope } from "./store/scope.js";
import type { ConversationStore, TurnLog } from "./store/stateful-types.js";

export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
export type {
  Response,
  ResponseCreateParams,
  ResponseInputItem,
  ResponseOutputItem,
  ResponseStreamEvent,
} from "openai/resources/responses/responses";
export type { StoreScope } from "./store/scope.js";

/**
 * A Response object as this bridge emits it: OpenAI's `Response` (less the SDK-computed
 * `output_text`) with every key of the
 * Open Responses `ResponseResource` present (null where unknown), including `completed_at`.
 */
export type ResponseObject = Omit<
  Response,
  "output_text" | "completed_at" | "usage" | "user" | "max_tool_calls" | "top_logprobs"
> & {
  completed_at: number | null;
  usage: ResponseUsage | null;
  user: string | null;
  max_tool_calls: number | null;
  top_logprobs: number;
  presence_penalty: number;
  frequency_penalty: number;
  store: boolean;
  /** The SDK's `output_text` convenience is computed by clients, never sent. */
  output_text?: never;
};

/** Token usage of a response, as the Open Responses schema defines it. */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

/**
 * A validated `POST /v1/responses` body: the SDK's `ResponseCreateParams` plus the few fields
 * OpenAI accepts that this SDK version does not type yet.
 */
export type ResponsesRequest = ResponseCreateParams & {
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  max_tool_calls?: number | null;
  client_metadata?: Record<string, string> | null;
};

/** Options passed to every upstream call. */
export interface UpstreamCallOptions {
  /** Aborted when the client disconnects or the bridge gives up; implementations must stop work. */
  signal: AbortSignal;
  /** Extra HTTP headers for this call (trace propagation from an observer); built-in upstreams send them. */
  headers?: Record<string, string>;
}

/**
 * What a Chat Completions backend can honour. Every field is optional; the defaults suit
 * Ollama, LM Studio, llama.cpp and vLLM.
 */
export interface UpstreamCapabilities {
  /** The backend accepts the `developer` role. Default `false`: `developer` is sent as `system`. */
  developerRole?: boolean;
  /** Which field carries `max_output_tokens`. Default `"max_tokens"`. */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /**
   * The backend honours `stream_options.include_usage`. Default `true`; the built-in upstream
   * also learns `false` by itself when the backend rejects the option.
   */
  streamUsage?: boolean;
  /**
   * Where the backend puts reasoning in its replies. Both `reasoning_content` and `reasoning` are
   * always read; this decides which field carries earlier reasoning back when `replayReasoning` is on.
   * Default `"reasoning_content"`.
   */
  reasoningField?: "reasoning_content" | "reasoning";
  /**
   * How `reasoning.effort` is sent: `"reasoning_effort"` (OpenAI, vLLM, Groq, DeepSeek, llama.cpp),
   * `"reasoning_object"` (`reasoning: { effort }`, OpenRouter), or `"none"` (not sent). Default `"reasoning_effort"`.
   */
  reasoningEffort?: "reasoning_effort" | "reasoning_object" | "none";
  /**
   * Send the reasoning of earlier assistant turns back in the chat history (as DeepSeek's thinking mode
   * requires during tool loops). Default `false`: earlier reasoning is left out of the chat request.
   */
  replayReasoning?: boolean;
  /** Parse inline `<think>…</think>` in content as reasoning. Default `true`. */
  thinkTags?: boolean;
  /** The backend accepts chat `custom` tools natively; otherwise they are offered as one-string-parameter functions. Default `false`. */
  customTools?: boolean;
  /** The backend accepts chat `file` content parts. When `false`, text files are inlined and binary files rejected. Default `true`. */
  fileParts?: boolean;
  /**
   * `reasoning.effort` values sent as they are; others are mapped to the nearest (`minimal` → `low`,
   * `xhigh` → `high`) or left out (`none`). Default `["low", "medium", "high"]`.
   */
  reasoningEfforts?: readonly string[];
  /** The backend fills in tool-call ids. When `false`, missing ids are generated (stable `call_…`). Default `true`. */
  toolCallIds?: boolean;
}

/**
 * How a chat function name maps back to the Responses tool the client declared. Produced by
 * `convertRequestToChat`, consumed by the reply translators so a call comes back as the right item.
 */
export type ToolBinding =
  /** A plain function tool, or a function inside a `namespace` tool (then `namespace` is set). */
  | { kind: "function"; name: string; namespace?: string }
  /** A `custom` tool (e.g. Codex's `apply_patch`): the call becomes a `custom_tool_call` with the raw `input`. */
  | { kind: "custom"; name: string; namespace?: string }
  /** The `local_shell` tool: the call becomes a `local_shell_call` with an exec action. */
  | { kind: "local_shell"; name: string };

/** Chat function name → {@link ToolBinding}. */
export type ToolBindings = ReadonlyMap<string, ToolBinding>;

/**
 * A Chat Completions backend. Implement it to put any model behind the bridge, or use
 * {@link openAICompatibleUpstream} / {@link fromOpenAIClient}.
 *
 * Errors: throw a `ResponsesBridgeError` (for example `UpstreamError` with the backend's status)
 * so the client sees the right HTTP status; anything else is reported as a 502.
 */
export interface ChatUpstream {
  /** Non-streaming call: resolves with the whole completion. */
  create(
    params: ChatCompletionCreateParamsNonStreaming,
    options: UpstreamCallOptions,
  ): Promise<ChatCompletion>;
  /**
   * Streaming call: resolves once the backend accepted the request (HTTP headers received),
   * with the chunks as a single-consumer async iterable. Rejects when the backend refused the call,
   * so the bridge can still answer with an HTTP error before its first byte.
   */
  stream(
    params: ChatCompletionCreateParamsStreaming,
    options: UpstreamCallOptions,
  ): Promise<AsyncIterable<ChatCompletionChunk>>;
  /** What this backend supports; see {@link UpstreamCapabilities}. */
  readonly capabilities?: UpstreamCapabilities;
  /**
   * Optional: the backend's own models (its `GET /models`). With a single upstream and no model map,
   * the bridge's `GET /v1/models` passes this list through (cached for a minute).
   */
  listModels?(options: UpstreamCallOptions): Promise<UpstreamModel[]>;
}

/** One model an upstream lists. */
export interface UpstreamModel {
  /** The model id clients send as `model`. */
  id: string;
  /** Unix seconds, when the backend says. */
  created?: number;
  /** The owner the backend names. */
  owned_by?: string;
}

/**
 * One stored turn. Each turn is stored once and linked to its predecessor, so a chain of n
 * turns costs O(n) space, never O(n²).
 */
export interface StoredResponse {
  /** The response id (`resp_…`). */
  id: string;
  /** The turn this one continued, or null. */
  previousResponseId: string | null;
  /** This turn's own input items (not the inherited history), as the client sent them, normalised to items. */
  input: ResponseInputItem[];
  /** The final Response object of this turn. */
  response: ResponseObject;
}

/**
 * Pluggable persistence for `previous_response_id`, `GET /v1/responses/{id}` and `DELETE`.
 * All methods are async so remote stores (Redis, SQL) fit.
 */
export interface ResponseStore {
  /** The stored turn, or undefined when it does not exist, expired, or belongs to another scope. */
  get(id: string, scope?: StoreScope): Promise<StoredResponse | undefined>;
  /** Store one turn. Overwrites a record with the same id. */
  put(record: StoredResponse, scope?: StoreScope): Promise<void>;
  /** Remove one turn; resolves true when something was removed. */
  delete(id: string, scope?: StoreScope): Promise<boolean>;
  /**
   * Optional fast path: the whole chain ending at `id`, oldest first, in as few round trips as the
   * backend allows. When absent the bridge walks `previousResponseId` links with `get`.
   */
  getChain?(id: string, scope?: StoreScope): Promise<StoredResponse[] | undefined>;
  /**
   * Optional: items by their ids (input items that carried an `id`, and output items), for
   * `item_reference` inputs. Unknown ids are absent from the result. Stores without it answer
   * `item_reference` with a 400.
   */
  getItems?(ids: readonly string[], scope?: StoreScope): Promise<Map<string, ResponseInputItem>>;
  /** Optional: the Conversations API and `conversation` on `POST /v1/responses`. Stores without it answer those with a 400. */
  readonly conversations?: ConversationStore;
  /**
   * Optional: the events of running turns, for background responses, resumable streams and cancel across
   * instances. Without it the handler keeps them in its own process (one instance only).
   */
  readonly turns?: TurnLog;
}

/** Id prefixes the bridge generates. */
export type IdPrefix = "resp" | "msg" | "fc" | "rs" | "call" | "req" | "ctc" | "lsh" | "conv";

/** Clock and id source, injectable so tests get deterministic output. */
export interface TranslationEnvironment {
  /** Returns a fresh id for the given prefix, e.g. `resp_…`. */
  generateId: (prefix: IdPrefix) => string;
  /** Current time in milliseconds since the epoch. */
  now: () => number;
}

/** A non-fatal note produced while translating (a field the backend cannot honour, a dropped tool...). */
export interface TranslationWarning {
  /** Machine-readable kind, e.g. `"unsupported_tool"`. */
  code: string;
  /** Human-readable explanation. */
  message: string;
  /** JSON path of the request field concerned, when there is one. */
  param?: string;
}
