import type { ContextWindowSource } from "./presets.js";
import type { ModelEntry } from "./probe-upstream.js";
import { upstreamHeaders } from "./probe-upstream.js";
import type { UpstreamSettings } from "./resolve-settings.js";

/** A context window and where it was read. */
export interface DetectedContextWindow {
  /** Tokens. */
  tokens: number;
  /** Where it came from, e.g. `ollama /api/show`. */
  source: string;
}

/** Options of {@link detectContextWindow}. */
export interface DetectContextWindowOptions {
  /** Models already listed by the start-up probe (`GET /models`), to avoid asking twice. */
  models?: readonly ModelEntry[];
  /** Per-request timeout in milliseconds. Default 2000. */
  timeoutMs?: number;
  /** `fetch` to use, for tests. */
  fetch?: typeof fetch;
}

const ALL_SOURCES: readonly ContextWindowSource[] = ["models", "ollama", "lmstudio", "llamacpp"];

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** The server root: the base URL without its trailing `/v1` (or `/api/v1`). */
export function serverRoot(baseURL: string): string {
  return baseURL.replace(/\/+$/, "").replace(/\/(api\/)?v\d+$/, "");
}

function fromModelEntry(entry: ModelEntry | undefined): number | undefined {
  if (!entry) return undefined;
  const meta = entry.meta as Record<string, unknown> | undefined;
  return (
    positive(entry.max_model_len) ?? // vLLM
    positive(entry.loaded_context_length) ?? // LM Studio
    positive(entry.context_length) ?? // OpenRouter
    positive(entry.context_window) ?? // Groq
    positive(meta?.n_ctx) ??
    positive(meta?.n_ctx_train) // llama.cpp
  );
}

/**
 * Reads a model's context window from the backend's own metadata, best effort (every failure is
 * silent and the next source is tried):
 *
 * - `models`: `GET {base}/models` entry for the model: `max_model_len` (vLLM), `loaded_context_length`
 *   (LM Studio), `context_length` (OpenRouter), `context_window` (Groq), `meta.n_ctx_train` (llama.cpp).
 * - `ollama`: `GET {root}/api/ps` (`context_length` of the loaded model), then `POST {root}/api/show`
 *   (`num_ctx` in `parameters`, else `model_info["<arch>.context_length"]`).
 * - `lmstudio`: `GET {root}/api/v0/models`: `loaded_context_length`, else `max_context_length`.
 * - `llamacpp`: `GET {root}/props`: `default_generation_settings.n_ctx` (or `n_ctx`).
 *
 * A preset tries its own sources; a plain URL tries all of them.
 */
export async function detectContextWindow(
  upstream: UpstreamSettings,
  model: string,
  options: DetectContextWindowOptions = {},
): Promise<DetectedContextWindow | undefined> {
  if (upstream.kind !== "http") return undefined;
  const doFetch = options.fetch ?? fetch;
  const root = serverRoot(upstream.baseURL);
  const headers = upstreamHeaders(upstream);
  const timeoutMs = options.timeoutMs ?? 2000;
  const getJSON = async (
    url: string,
    init: RequestInit = {},
  ): Promise<Record<string, unknown> | undefined> => {
    try {
      const response = await doFetch(url, {
        ...init,
        headers: { ...headers, ...(init.body ? { "content-type": "application/json" } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) return undefined;
      const body = (await response.json()) as unknown;
      return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const sources = upstream.preset ? upstream.preset.contextWindowSources : ALL_SOURCES;
  for (const source of sources) {
    switch (source) {
      case "models": {
        let models = options.models;
        if (!models) {
          const body = await getJSON(`${upstream.baseURL}/models`);
          models = Array.isArray(body?.data) ? (body.data as ModelEntry[]) : [];
        }
        const tokens = fromModelEntry(models.find((entry) => entry.id === model));
        if (tokens) return { tokens, source: "GET /models" };
        break;
      }
      case "ollama": {
        const running = await getJSON(`${root}/api/ps`);
        const loaded = Array.isArray(running?.models)
          ? (running.models as { name?: string; model?: string; context_length?: unknown }[]).find(
              (entry) => entry.name === model || entry.model === model,
            )
          : undefined;
        const live = positive(loaded?.context_length);
        if (live) return { tokens: live, source: "ollama /api/ps" };
        const show = await getJSON(`${root}/api/show`, { method: "POST", body: JSON.stringify({ model }) });
        if (!show) break;
        const numCtx = /(?:^|\n)\s*num_ctx\s+(\d+)/.exec(
          typeof show.parameters === "string" ? show.parameters : "",
        );
        if (numCtx) return { tokens: Number(numCtx[1]), source: "ollama /api/show num_ctx" };
        const info = (show.model_info ?? {}) as Record<string, unknown>;
        for (const [key, value] of Object.entries(info)) {
          const tokens = key.endsWith(".context_length") ? positive(value) : undefined;
          if (tokens) return { tokens, source: "ollama /api/show" };
        }
        break;
      }
      case "lmstudio": {
        const body = await getJSON(`${root}/api/v0/models`);
        const entry = Array.isArray(body?.data)
          ? (body.data as Record<string, unknown>[]).find((item) => item.id === model)
          : undefined;
        const tokens = positive(entry?.loaded_context_length) ?? positive(entry?.max_context_length);
        if (tokens) return { tokens, source: "LM Studio /api/v0/models" };
        break;
      }
      case "llamacpp": {
        const body = await getJSON(`${root}/props`);
        const settings = body?.default_generation_settings as Record<string, unknown> | undefined;
        const tokens = positive(settings?.n_ctx) ?? positive(body?.n_ctx);
        if (tokens) return { tokens, source: "llama-server /props" };
        break;
      }
    }
  }
  return undefined;
}
