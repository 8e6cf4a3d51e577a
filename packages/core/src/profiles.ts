/**
 * Backend profiles: what each common Chat Completions server supports, as plain
 * {@link UpstreamCapabilities} data (no code paths differ per backend). Pass one as `capabilities`:
 *
 * ```ts
 * openAICompatibleUpstream({ baseURL: backends.ollama.baseURL, capabilities: backendProfiles.ollama });
 * ```
 *
 * Behaviour every backend gets anyway, so it is not a field: reasoning is read from `reasoning_content`,
 * `reasoning` and `reasoning_details`; missing tool-call ids are generated; a tool call that ends with
 * `finish_reason: "stop"` (Ollama, ollama/ollama#7963) is still a completed call; usage is read from
 * `usage` or Groq's `x_groq.usage`. Facts as of late 2026; each field says where it comes from.
 */
import type { UpstreamCapabilities } from "./types.js";

/** The backends with a built-in profile. */
export type BackendName =
  | "openai"
  | "ollama"
  | "vllm"
  | "llamacpp"
  | "lmstudio"
  | "openrouter"
  | "deepseek"
  | "groq";

const openai: UpstreamCapabilities = {
  // OpenAI introduced the `developer` role (o1 and later; older models treat it as system).
  developerRole: true,
  // `max_tokens` is deprecated and rejected by reasoning models (o-series, gpt-5).
  maxTokensField: "max_completion_tokens",
  // `stream_options.include_usage` adds a final `choices: []` chunk with usage.
  streamUsage: true,
  // Chat Completions never returns reasoning text; the field only matters for replay, which is off.
  reasoningField: "reasoning_content",
  // Top-level `reasoning_effort` on reasoning models.
  reasoningEffort: "reasoning_effort",
  // OpenAI accepts the whole Responses effort scale on chat too.
  reasoningEfforts: ["none", "minimal", "low", "medium", "high", "xhigh"],
  // There is no chat field to send reasoning back in.
  replayReasoning: false,
  // OpenAI never writes inline think tags; a reply that starts with "<think>" is text.
  thinkTags: false,
  // Chat Completions accepts `{type: "custom"}` tools (with grammars) since GPT-5.
  customTools: true,
  // Every tool call carries an id (`call_…`).
  toolCallIds: true,
  // Chat `file` parts (PDF and more) are accepted by vision models.
  fileParts: true,
};

const ollama: UpstreamCapabilities = {
  // The OpenAI-compatible layer hands roles to the model's template, which knows system/user/assistant/tool.
  developerRole: false,
  // The compatibility layer reads `max_tokens` (mapped to `num_predict`).
  maxTokensField: "max_tokens",
  // `stream_options.include_usage` is honoured (usage in a final `choices: []` chunk).
  streamUsage: true,
  // Thinking models stream their thoughts in `delta.reasoning`.
  reasoningField: "reasoning",
  // `reasoning_effort` is accepted (gpt-oss levels; thinking on/off for other thinking models).
  reasoningEffort: "reasoning_effort",
  // Earlier thinking is not needed in the history.
  replayReasoning: false,
  // Models or versions without a thinking parser write `<think>` inline.
  thinkTags: true,
  // Only function tools.
  customTools: false,
  // gpt-oss tool calls arrive without ids (continuedev/continue#13225); whole calls in one chunk.
  toolCallIds: false,
  // Ollama's chat endpoint has no `file` parts: text files are inlined.
  fileParts: false,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

const vllm: UpstreamCapabilities = {
  // Roles go to the chat template; many templates reject or ignore `developer`.
  developerRole: false,
  // Accepted by every version (`max_completion_tokens` only by newer ones).
  maxTokensField: "max_tokens",
  // `stream_options.include_usage` is supported.
  streamUsage: true,
  // With `--reasoning-parser`, newer versions stream `reasoning` (older ones `reasoning_content`; both are read).
  reasoningField: "reasoning",
  // `reasoning_effort` reaches models that use it (gpt-oss); others ignore it.
  reasoningEffort: "reasoning_effort",
  // The history does not need earlier reasoning.
  replayReasoning: false,
  // Without a reasoning parser the template's `<think>` block appears in content.
  thinkTags: true,
  // Only function tools.
  customTools: false,
  // Tool calls carry `chatcmpl-tool-…` ids.
  toolCallIds: true,
  // vLLM's chat template takes text, images, audio and video, not `file` parts.
  fileParts: false,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

const llamacpp: UpstreamCapabilities = {
  // Roles go to the model's chat template, which usually knows only system/user/assistant/tool.
  developerRole: false,
  // `max_tokens` (alias of `n_predict`).
  maxTokensField: "max_tokens",
  // Usage (and `timings`) arrive inside the finishing chunk (ggml-org/llama.cpp#11746).
  streamUsage: true,
  // `--reasoning-format deepseek` (the default, "auto") puts thinking in `reasoning_content`.
  reasoningField: "reasoning_content",
  // Passed through to templates that read it.
  reasoningEffort: "reasoning_effort",
  // The history does not need earlier reasoning.
  replayReasoning: false,
  // `--reasoning-format none` leaves `<think>` inline.
  thinkTags: true,
  // Only function tools.
  customTools: false,
  // Random ids since ggml-org/llama.cpp#13800; older builds sent deltas without id or index (handled anyway).
  toolCallIds: true,
  // llama-server accepts text and images only.
  fileParts: false,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

const lmstudio: UpstreamCapabilities = {
  // Roles go to the model's template.
  developerRole: false,
  // `max_tokens`.
  maxTokensField: "max_tokens",
  // `stream_options.include_usage` is honoured (the upstream also learns `false` if it is rejected).
  streamUsage: true,
  // With "separate reasoning_content" on (the default for reasoning models) thinking is in `reasoning_content`.
  reasoningField: "reasoning_content",
  // `reasoning_effort` is accepted for models that support it (gpt-oss).
  reasoningEffort: "reasoning_effort",
  // The history does not need earlier reasoning.
  replayReasoning: false,
  // With that setting off, `<think>` stays inline.
  thinkTags: true,
  // Only function tools.
  customTools: false,
  // Tool calls carry ids.
  toolCallIds: true,
  // LM Studio accepts text and images only.
  fileParts: false,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

const openrouter: UpstreamCapabilities = {
  // Requests are routed to many providers; `system` works everywhere.
  developerRole: false,
  // OpenRouter documents `max_tokens` and maps it per provider.
  maxTokensField: "max_tokens",
  // Usage arrives in a chunk after the finish.
  streamUsage: true,
  // `delta.reasoning` (and the same text in `reasoning_details`, read once).
  reasoningField: "reasoning",
  // The unified `reasoning: { effort }` object.
  reasoningEffort: "reasoning_object",
  // Not required; providers that need continuity get it from OpenRouter's own handling.
  replayReasoning: false,
  // A few providers still inline `<think>`; only a leading block is read.
  thinkTags: true,
  // Only function tools are normalised across providers.
  customTools: false,
  // Tool calls carry ids.
  toolCallIds: true,
  // OpenRouter accepts `file` parts (PDFs) and converts them for the model.
  fileParts: true,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

const deepseek: UpstreamCapabilities = {
  // The API accepts system/user/assistant/tool.
  developerRole: false,
  // `max_tokens`.
  maxTokensField: "max_tokens",
  // `stream_options.include_usage`; usage (with `prompt_cache_hit_tokens`) rides in the finishing chunk.
  streamUsage: true,
  // `reasoning_content` in thinking mode (`deepseek-reasoner`).
  reasoningField: "reasoning_content",
  // Thinking is chosen by model (or DeepSeek's own `thinking` parameter), not by `reasoning_effort`.
  reasoningEffort: "none",
  // In thinking mode with tool calls, the assistant's `reasoning_content` must be sent back in the history.
  replayReasoning: true,
  // Reasoning is always in its own field.
  thinkTags: false,
  // Only function tools.
  customTools: false,
  // Tool calls carry ids.
  toolCallIds: true,
  // DeepSeek's chat API is text only.
  fileParts: false,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

const groq: UpstreamCapabilities = {
  // Roles: system/user/assistant/tool.
  developerRole: false,
  // `max_tokens` is deprecated in favour of `max_completion_tokens`.
  maxTokensField: "max_completion_tokens",
  // Usage is in `x_groq.usage` on the last chunk (read anyway); `stream_options` is accepted too.
  streamUsage: true,
  // `reasoning_format: "parsed"` puts thinking in `reasoning`.
  reasoningField: "reasoning",
  // `reasoning_effort` (gpt-oss levels, `none`/`default` for Qwen3).
  reasoningEffort: "reasoning_effort",
  // The history does not need earlier reasoning.
  replayReasoning: false,
  // `reasoning_format: "raw"` keeps `<think>` inline in content.
  thinkTags: true,
  // Only function tools.
  customTools: false,
  // Tool calls carry ids; whole calls arrive in one chunk.
  toolCallIds: true,
  // Groq accepts text and images only.
  fileParts: false,
  // Only the common three efforts reach non-OpenAI backends; minimal/xhigh are mapped, none is left out.
  reasoningEfforts: ["low", "medium", "high"],
};

/** A known Chat Completions backend: where it listens by default, where its key lives, what it supports. */
export interface Backend {
  /** Its name, for people (`"LM Studio"`). */
  title: string;
  /** Its default OpenAI-compatible base URL, version path included (local servers: their documented port). */
  baseURL: string;
  /** The environment variable its API key is conventionally read from. */
  apiKeyEnv: string;
  /** A hosted service (it refuses requests without a key), as opposed to a server on this machine. */
  hosted: boolean;
  /** What it supports (the same object as `backendProfiles[name]`). */
  capabilities: Readonly<UpstreamCapabilities>;
}

function backend(entry: Backend): Readonly<Backend> {
  return Object.freeze({ ...entry, capabilities: Object.freeze(entry.capabilities) });
}

/**
 * The backends the bridge knows, in the order tools list them (local servers first): the one list the
 * CLI's `--upstream` presets and its config file's `preset` are derived from. Frozen data.
 *
 * ```ts
 * openAICompatibleUpstream({ baseURL: backends.ollama.baseURL, capabilities: backends.ollama.capabilities });
 * ```
 */
export const backends: Readonly<Record<BackendName, Readonly<Backend>>> = Object.freeze({
  ollama: backend({
    title: "Ollama",
    baseURL: "http://127.0.0.1:11434/v1",
    apiKeyEnv: "OLLAMA_API_KEY",
    hosted: false,
    capabilities: ollama,
  }),
  lmstudio: backend({
    title: "LM Studio",
    baseURL: "http://127.0.0.1:1234/v1",
    apiKeyEnv: "LMSTUDIO_API_KEY",
    hosted: false,
    capabilities: lmstudio,
  }),
  llamacpp: backend({
    title: "llama.cpp llama-server",
    baseURL: "http://127.0.0.1:8080/v1",
    apiKeyEnv: "LLAMA_API_KEY",
    hosted: false,
    capabilities: llamacpp,
  }),
  vllm: backend({
    title: "vLLM",
    baseURL: "http://127.0.0.1:8000/v1",
    apiKeyEnv: "VLLM_API_KEY",
    hosted: false,
    capabilities: vllm,
  }),
  openrouter: backend({
    title: "OpenRouter",
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    hosted: true,
    capabilities: openrouter,
  }),
  deepseek: backend({
    title: "DeepSeek",
    baseURL: "https://api.deepseek.com/v1",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    hosted: true,
    capabilities: deepseek,
  }),
  groq: backend({
    title: "Groq",
    baseURL: "https://api.groq.com/openai/v1",
    apiKeyEnv: "GROQ_API_KEY",
    hosted: true,
    capabilities: groq,
  }),
  openai: backend({
    title: "OpenAI",
    baseURL: "https://api.openai.com/v1",
    apiKeyEnv: "OPENAI_API_KEY",
    hosted: true,
    capabilities: openai,
  }),
});

/** {@link UpstreamCapabilities} of common backends (frozen data): `backends[name].capabilities`. See each field's comment in the source. */
export const backendProfiles: Readonly<Record<BackendName, Readonly<UpstreamCapabilities>>> = Object.freeze(
  Object.fromEntries(Object.entries(backends).map(([name, entry]) => [name, entry.capabilities])) as Record<
    BackendName,
    Readonly<UpstreamCapabilities>
  >,
);
