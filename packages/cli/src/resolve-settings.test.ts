import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { parseBridgeConfig } from "./config-file.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import type { ServeFlags } from "./parse-cli-args.js";
import { presetCapabilities } from "./preset-capabilities.js";
import { PRESETS } from "./presets.js";
import { originOf, parseUpstreamFlag, resolveSettings } from "./resolve-settings.js";

const flags = (extra: Partial<ServeFlags>): ServeFlags => ({ jsonLogs: false, probe: true, ...extra });

function failure(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    expect(CliError.isInstance(error)).toBe(true);
    return error as CliError;
  }
  throw new Error("expected a CliError");
}

describe("parseUpstreamFlag", () => {
  it("knows the presets", () => {
    expect(parseUpstreamFlag("ollama").baseURL).toBe("http://127.0.0.1:11434/v1");
    expect(parseUpstreamFlag("openrouter").preset?.apiKeyEnv).toBe("OPENROUTER_API_KEY");
    expect(parseUpstreamFlag("mock").preset?.name).toBe("mock");
  });

  it("takes URLs, adding /v1 when there is no path", () => {
    expect(parseUpstreamFlag("http://gpu-box:8000")).toEqual({
      preset: undefined,
      baseURL: "http://gpu-box:8000/v1",
    });
    expect(parseUpstreamFlag("https://api.example.com/openai/v1/")).toEqual({
      preset: undefined,
      baseURL: "https://api.example.com/openai/v1",
    });
  });

  it("rejects other values, and URLs carrying credentials", () => {
    expect(failure(() => parseUpstreamFlag("olama")).message).toContain("--upstream must be a URL");
    expect(failure(() => parseUpstreamFlag("file:///x")).message).toContain("http:// or https://");
    const withKey = failure(() => parseUpstreamFlag("https://user:sk-secret123@example.com/v1"));
    expect(withKey.message).toContain("must not contain credentials");
    expect(withKey.message).not.toContain("sk-secret123");
  });
});

describe("resolveSettings", () => {
  it("defaults to 127.0.0.1:8080, info logs, memory store", () => {
    const settings = resolveSettings(flags({ upstream: "ollama" }), undefined, {});
    expect(settings).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      defaultUpstream: "cli",
      logLevel: "info",
      store: { type: "memory" },
      limits: { shutdownTimeoutMs: 10_000 },
    });
    expect(settings.upstreams[0]).toMatchObject({
      name: "cli",
      kind: "http",
      apiKey: undefined,
      apiKeyEnv: "OLLAMA_API_KEY",
    });
  });

  it("reads the key from the preset's variable or --api-key-env, and never shows it", () => {
    const settings = resolveSettings(flags({ upstream: "openrouter" }), undefined, {
      OPENROUTER_API_KEY: "sk-or-v1-abcdefabcdef",
    });
    const upstream = settings.upstreams[0]!;
    expect(upstream.apiKey?.reveal()).toBe("sk-or-v1-abcdefabcdef");
    expect(JSON.stringify(settings)).not.toContain("sk-or-v1-abcdefabcdef");
    expect(inspect(settings, { depth: 10 })).not.toContain("sk-or-v1-abcdefabcdef");
    expect(`${upstream.apiKey}`).toBe("[redacted]");

    const custom = resolveSettings(flags({ upstream: "http://h:1/v1", apiKeyEnv: "MY_KEY" }), undefined, {
      MY_KEY: "k-1",
    });
    expect(custom.upstreams[0]?.apiKey?.reveal()).toBe("k-1");
    expect(custom.secrets.map((secret) => secret.reveal())).toEqual(["k-1"]);
  });

  it("fails with exit code 2 when a required or named key is missing", () => {
    const missing = failure(() => resolveSettings(flags({ upstream: "openai" }), undefined, {}));
    expect(missing.exitCode).toBe(EXIT_CODES.usage);
    expect(missing.message).toBe(
      "OpenAI needs an API key: set OPENAI_API_KEY in the environment (or name another variable with --api-key-env)",
    );
    expect(
      failure(() => resolveSettings(flags({ upstream: "ollama", apiKeyEnv: "NOPE" }), undefined, {})).message,
    ).toContain("the environment variable NOPE (API key of --upstream ollama) is empty or not set");
  });

  it("requires an upstream", () => {
    expect(failure(() => resolveSettings(flags({}), undefined, {})).message).toContain(
      "--upstream is required",
    );
  });

  it("refuses to proxy to its own address (llama-server's default port)", () => {
    const error = failure(() => resolveSettings(flags({ upstream: "llamacpp" }), undefined, {}));
    expect(error.message).toContain("is this bridge's own address");
    expect(error.message).toContain("--port 8081");
    expect(resolveSettings(flags({ upstream: "llamacpp", port: 8081 }), undefined, {}).port).toBe(8081);
  });

  it("builds upstreams, routes, store, limits and auth from the config file; flags win", () => {
    const config = parseBridgeConfig({
      port: 9000,
      upstreams: {
        local: { preset: "ollama", capabilities: { thinkTags: false } },
        box: { baseURL: "http://gpu-box:8000", apiKeyEnv: "VLLM_KEY" },
      },
      upstream: "local",
      routes: { coder: [{ upstream: "box", model: "big" }, "local"], "*": "box" },
      systemPrompt: "Be brief.",
      store: { type: "redis", urlEnv: "REDIS_URL" },
      limits: { maxBodyBytes: 1000, keepAliveMs: 0 },
      auth: { apiKeyEnv: "CLIENT_KEY" },
    });
    const env = { VLLM_KEY: "vk-1234", REDIS_URL: "redis://:pw-1234@r:6379", CLIENT_KEY: "ck-1234" };
    const settings = resolveSettings(flags({ port: 9100, logLevel: "debug" }), config, env);
    expect(settings.port).toBe(9100);
    expect(settings.logLevel).toBe("debug");
    expect(settings.defaultUpstream).toBe("local");
    expect(settings.upstreams.map((upstream) => [upstream.name, upstream.baseURL])).toEqual([
      ["local", "http://127.0.0.1:11434/v1"],
      ["box", "http://gpu-box:8000/v1"],
    ]);
    expect(settings.upstreams[0]?.capabilities).toEqual({
      ...presetCapabilities(PRESETS.ollama),
      thinkTags: false,
    });
    expect(settings.routes).toEqual({
      coder: [{ upstream: "box", model: "big" }, { upstream: "local" }],
      "*": [{ upstream: "box" }],
    });
    expect(settings.systemPrompt).toBe("Be brief.");
    expect(settings.store.type === "redis" && settings.store.url.reveal()).toBe("redis://:pw-1234@r:6379");
    expect(settings.limits).toEqual({ maxBodyBytes: 1000, keepAliveMs: 0, shutdownTimeoutMs: 10_000 });
    expect(settings.clientKey?.env).toBe("CLIENT_KEY");
    expect(settings.secrets.map((secret) => secret.reveal()).sort()).toEqual(
      ["ck-1234", "redis://:pw-1234@r:6379", "vk-1234"].sort(),
    );
  });

  it("lets --upstream take over the models no named route serves", () => {
    const config = parseBridgeConfig({
      upstreams: { box: { preset: "vllm" } },
      routes: { coder: "box", "*": "box" },
    });
    const settings = resolveSettings(flags({ upstream: "mock" }), config, {});
    expect(settings.defaultUpstream).toBe("cli");
    expect(Object.keys(settings.routes)).toEqual(["coder"]);
  });
});

describe("originOf", () => {
  it("dials loopback for wildcard addresses", () => {
    expect(originOf("0.0.0.0", 8080)).toBe("http://127.0.0.1:8080");
    expect(originOf("::", 8080)).toBe("http://[::1]:8080");
    expect(originOf("192.168.1.2", 1)).toBe("http://192.168.1.2:1");
  });
});
