import { type BackendName, backends } from "@responses-bridge/core";

/**
 * Names accepted by `--upstream` besides a URL: the core's `backends` (the one list of known backends),
 * then `mock`, the in-process scripted backend.
 */
export const PRESET_NAMES = Object.freeze([
  ...(Object.keys(backends) as BackendName[]),
  "mock",
]) as unknown as readonly [PresetName, ...PresetName[]];

/** One of {@link PRESET_NAMES}. */
export type PresetName = BackendName | "mock";

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

/** What the CLI adds to a core backend: where to read its context window, and the fallback. */
interface ContextWindowHints {
  /** Where to look for the context window, in order. */
  contextWindowSources: readonly ContextWindowSource[];
  /** Context window assumed when the backend does not tell. */
  defaultContextWindow: number;
}

/** Per backend; a backend added to the core's list must be added here (the type says so). */
const CONTEXT_WINDOWS: Readonly<Record<BackendName, ContextWindowHints>> = {
  ollama: { contextWindowSources: ["ollama", "models"], defaultContextWindow: 32_768 },
  lmstudio: { contextWindowSources: ["lmstudio", "models"], defaultContextWindow: 32_768 },
  llamacpp: { contextWindowSources: ["llamacpp", "models"], defaultContextWindow: 32_768 },
  vllm: { contextWindowSources: ["models"], defaultContextWindow: 32_768 },
  openrouter: { contextWindowSources: ["models"], defaultContextWindow: 128_000 },
  deepseek: { contextWindowSources: [], defaultContextWindow: 128_000 },
  groq: { contextWindowSources: ["models"], defaultContextWindow: 128_000 },
  openai: { contextWindowSources: [], defaultContextWindow: 128_000 },
};

function presetOf(name: BackendName): Preset {
  const backend = backends[name];
  return {
    name,
    title: backend.title,
    baseURL: backend.baseURL,
    apiKeyEnv: backend.apiKeyEnv,
    apiKeyRequired: backend.hosted,
    local: !backend.hosted,
    ...CONTEXT_WINDOWS[name],
  };
}

/**
 * The presets of `--upstream`: the core's `backends` (default URL, key variable; their capabilities
 * are `backendProfiles` of the same name, see `presetCapabilities`) plus where to read the context
 * window, and `mock`.
 */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  ...(Object.fromEntries(
    (Object.keys(backends) as BackendName[]).map((name) => [name, presetOf(name)]),
  ) as Record<BackendName, Preset>),
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
