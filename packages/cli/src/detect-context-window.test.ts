import { describe, expect, it } from "vitest";
import { detectContextWindow, serverRoot } from "./detect-context-window.js";
import { PRESETS, type PresetName } from "./presets.js";
import type { UpstreamSettings } from "./resolve-settings.js";
import { Secret } from "./secret.js";

type Route = (init: RequestInit | undefined) => unknown;

function fakeFetch(routes: Record<string, Route>, seen: string[] = []): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const key = `${init?.method ?? "GET"} ${url}`;
    seen.push(key);
    const route = routes[key];
    if (!route) return new Response("not found", { status: 404 });
    return Response.json(route(init));
  }) as typeof fetch;
}

function upstream(preset: PresetName | undefined, baseURL: string): UpstreamSettings {
  return {
    name: "cli",
    kind: "http",
    preset: preset ? PRESETS[preset] : undefined,
    baseURL,
    apiKey: new Secret("k-123456"),
    apiKeyEnv: "K",
    headers: {},
    capabilities: {},
  };
}

describe("serverRoot", () => {
  it("strips the version path", () => {
    expect(serverRoot("http://127.0.0.1:11434/v1")).toBe("http://127.0.0.1:11434");
    expect(serverRoot("http://127.0.0.1:1234/api/v1/")).toBe("http://127.0.0.1:1234");
    expect(serverRoot("http://h/openai/v1")).toBe("http://h/openai");
  });
});

describe("detectContextWindow", () => {
  it("reads vLLM's max_model_len from the probe's model list", async () => {
    const found = await detectContextWindow(upstream("vllm", "http://h:8000/v1"), "Qwen/Qwen3-8B", {
      models: [
        { id: "other", max_model_len: 1 },
        { id: "Qwen/Qwen3-8B", max_model_len: 40_960 },
      ],
      fetch: fakeFetch({}),
    });
    expect(found).toEqual({ tokens: 40_960, source: "GET /models" });
  });

  it("asks Ollama: the loaded model first, then num_ctx, then model_info", async () => {
    const base = "http://h:11434";
    const seen: string[] = [];
    const info = await detectContextWindow(upstream("ollama", `${base}/v1`), "qwen3:8b", {
      fetch: fakeFetch(
        {
          [`GET ${base}/api/ps`]: () => ({ models: [] }),
          [`POST ${base}/api/show`]: (init) => {
            expect(JSON.parse(String(init?.body))).toEqual({ model: "qwen3:8b" });
            return { parameters: "stop <|im_end|>", model_info: { "qwen3.context_length": 40_960 } };
          },
        },
        seen,
      ),
    });
    expect(info).toEqual({ tokens: 40_960, source: "ollama /api/show" });
    expect(seen).toEqual([`GET ${base}/api/ps`, `POST ${base}/api/show`]);

    const numCtx = await detectContextWindow(upstream("ollama", `${base}/v1`), "qwen3:8b", {
      fetch: fakeFetch({
        [`POST ${base}/api/show`]: () => ({ parameters: "num_ctx 16384\ntemperature 0.6", model_info: {} }),
      }),
    });
    expect(numCtx).toEqual({ tokens: 16_384, source: "ollama /api/show num_ctx" });

    const loaded = await detectContextWindow(upstream("ollama", `${base}/v1`), "qwen3:8b", {
      fetch: fakeFetch({
        [`GET ${base}/api/ps`]: () => ({ models: [{ name: "qwen3:8b", context_length: 8192 }] }),
      }),
    });
    expect(loaded).toEqual({ tokens: 8192, source: "ollama /api/ps" });
  });

  it("asks LM Studio's /api/v0/models and llama-server's /props", async () => {
    const lmstudio = await detectContextWindow(upstream("lmstudio", "http://h:1234/v1"), "qwen3-8b", {
      fetch: fakeFetch({
        "GET http://h:1234/api/v0/models": () => ({
          data: [{ id: "qwen3-8b", loaded_context_length: 32_768, max_context_length: 131_072 }],
        }),
      }),
    });
    expect(lmstudio).toEqual({ tokens: 32_768, source: "LM Studio /api/v0/models" });
    const llamacpp = await detectContextWindow(upstream("llamacpp", "http://h:8080/v1"), "any", {
      fetch: fakeFetch({
        "GET http://h:8080/props": () => ({ default_generation_settings: { n_ctx: 65_536 } }),
      }),
    });
    expect(llamacpp).toEqual({ tokens: 65_536, source: "llama-server /props" });
  });

  it("tries every source for a plain URL, sends the key, and gives up quietly", async () => {
    const seen: string[] = [];
    const headers: string[] = [];
    const doFetch = fakeFetch({}, seen);
    const found = await detectContextWindow(upstream(undefined, "http://h:9/v1"), "m", {
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        headers.push(new Headers(init?.headers).get("authorization") ?? "");
        return doFetch(input, init);
      }) as typeof fetch,
    });
    expect(found).toBeUndefined();
    expect(seen).toEqual([
      "GET http://h:9/v1/models",
      "GET http://h:9/api/ps",
      "POST http://h:9/api/show",
      "GET http://h:9/api/v0/models",
      "GET http://h:9/props",
    ]);
    expect(new Set(headers)).toEqual(new Set(["Bearer k-123456"]));
  });

  it("survives backends that hang or answer garbage", async () => {
    const found = await detectContextWindow(upstream("llamacpp", "http://h:8080/v1"), "m", {
      timeoutMs: 50,
      fetch: ((_input: string | URL | Request, init?: RequestInit) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        })) as typeof fetch,
    });
    expect(found).toBeUndefined();
  });
});
