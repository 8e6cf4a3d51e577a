/** Names accepted by `--upstream` besides a URL. `mock` is the in-process scripted backend. */
export const PRESET_NAMES = [
  "ollama",
  "lmstudio",
  "llamacpp",
  "vllm",
  "openrouter",
  "deepseek",
  "groq",
  "openai",
  "mock",
] as const;

/** One of {@link PRESET_NAMES}. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** Where a backend tells its context window (see `detectContextWindow`). */
export type ContextWindowSource =
  /** `GET {base}/models`: `max_model_len` (vLLM), `context_length` (OpenRouter), `context_window` (Groq). */
  | "models"
  /** `GET {root}/api/ps` (loaded models) then `POST {root}/api/show` (`model_info.*.context_length`). */
  | "ollama"
  /** `GET {root}/api/v0/models`: `loaded_context_length`, else `max_context_length`. */
  | "lmstudio"
  /** `GET {root}/props`: `default_generation_settings.n_ctx`. */
  | "llamacpp";

/** A known backend: where it listens, where its key lives, what it supports. */
export interface Preset {
  /** The preset's name. */
  name: PresetName;
  /** What it is, for `--help`. */
  title: string;
  /** Base URL including the version path (`/v1`); empty for `mock`. */
  baseURL: string;
  /** Environment variable the API key is read from unless `--api-key-env` says otherwise. */
  apiKeyEnv: string | undefined;
  /** True when the backend refuses requests without a key (hosted services). */
  apiKeyRequired: boolean;
  /** Where to look for the context window, in order. */
  contextWindowSources: readonly ContextWindowSource[];
  /** Context window assumed when the backend does not tell. */
  defaultContextWindow: number;
  /** True for backends on this machine (no key, first listed model is a fine default). */
  local: boolean;
}

/**
 * The presets of `--upstream`: default URL, key variable, and where to read the context window. Their
 * capabilities are the core's `backendProfiles` of the same name (see `presetCapabilities`).
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  ollama: {
    name: "ollama",
    title: "Ollama",
    baseURL: "http://127.0.0.1:11434/v1",
    apiKeyEnv: "OLLAMA_API_KEY",
    apiKeyRequired: false,
    contextWindowSources: ["ollama", "models"],
    defaultContextWindow: 32_768,
    local: true,
  },
  lmstudio: {
    name: "lmstudio",
    title: "LM Studio",
    baseURL: "http://127.0.0.1:1234/v1",
    apiKeyEnv: "LMSTUDIO_API_KEY",
    apiKeyRequired: false,
    contextWindowSources: ["lmstudio", "models"],
    defaultContextWindow: 32_768,
    local: true,
  },
  llamacpp: {
    name: "llamacpp",
    title: "llama.cpp llama-server",
    baseURL: "http://127.0.0.1:8080/v1",
    apiKeyEnv: "LLAMA_API_KEY",
    apiKeyRequired: false,
    contextWindowSources: ["llamacpp", "models"],
    defaultContextWindow: 32_768,
    local: true,
  },
  vllm: {
    name: "vllm",
    title: "vLLM",
    baseURL: "http://127.0.0.1:8000/v1",
    apiKeyEnv: "VLLM_API_KEY",
    apiKeyRequired: false,
    contextWindowSources: ["models"],
    defaultContextWindow: 32_768,
    local: true,
  },
  openrouter: {
    name: "openrouter",
    title: "OpenRouter",
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    apiKeyRequired: true,
    contextWindowSources: ["models"],
    defaultContextWindow: 128_000,
    local: false,
  },
  deepseek: {
    name: "deepseek",
    title: "DeepSeek",
    baseURL: "https://api.deepseek.com/v1",
    apiKeyEnv: "DEEPSEEK_API_KEY",
    apiKeyRequired: true,
    contextWindowSources: [],
    defaultContextWindow: 128_000,
    local: false,
  },
  groq: {
    name: "groq",
    title: "Groq",
    baseURL: "https://api.groq.com/openai/v1",
    apiKeyEnv: "GROQ_API_KEY",
    apiKeyRequired: true,
    contextWindowSources: ["models"],
    defaultContextWindow: 128_000,
    local: false,
  },
  openai: {
    name: "openai",
    title: "OpenAI",
    baseURL: "https://api.openai.com/v1",
    apiKeyEnv: "OPENAI_API_KEY",
    apiKeyRequired: true,
    contextWindowSources: [],
    defaultContextWindow: 128_000,
    local: false,
  },
  mock: {
    name: "mock",
    title: "in-process scripted model (no network, no key)",
    baseURL: "",
    apiKeyEnv: undefined,
    apiKeyRequired: false,
    contextWindowSources: [],
    defaultContextWindow: 128_000,
    local: true,
  },
};

/** Context window assumed for a URL that is not a preset. */
export const DEFAULT_CONTEXT_WINDOW = 32_768;

/** True when `value` names a preset. */
export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value);
}
