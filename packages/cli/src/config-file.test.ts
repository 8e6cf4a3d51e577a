import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBridgeConfig, parseBridgeConfig } from "./config-file.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";

function problem(value: unknown): string {
  try {
    parseBridgeConfig(value, "bridge.json");
  } catch (error) {
    expect(CliError.isInstance(error)).toBe(true);
    expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
    expect((error as CliError).message).not.toContain("\n");
    return (error as CliError).message;
  }
  throw new Error("expected the config to be rejected");
}

const FULL = {
  $schema: "https://example.test/schema.json",
  host: "127.0.0.1",
  port: 9000,
  upstreams: {
    local: { preset: "ollama" },
    box: { baseURL: "http://gpu-box:8000/v1", apiKeyEnv: "VLLM_KEY", headers: { "x-team": "a" } },
    cloud: { preset: "openrouter", capabilities: { reasoningEffort: "none" } },
  },
  upstream: "local",
  model: "qwen3:8b",
  routes: {
    coder: [
      { upstream: "box", model: "Qwen/Qwen3-Coder-30B" },
      { upstream: "cloud", model: "qwen/qwen3-coder" },
    ],
    small: "local",
    "*": { upstream: "local" },
  },
  systemPrompt: "Answer in English.",
  store: { type: "redis", urlEnv: "REDIS_URL", keyPrefix: "rb:", ttlMs: 3_600_000 },
  limits: { maxBodyBytes: 1_048_576, keepAliveMs: 5000, shutdownTimeoutMs: 2000 },
  auth: { apiKeyEnv: "BRIDGE_CLIENT_KEY" },
};

describe("parseBridgeConfig", () => {
  it("accepts every documented field", () => {
    expect(parseBridgeConfig(FULL)).toEqual(FULL);
  });

  it("accepts the smallest config: one upstream", () => {
    expect(parseBridgeConfig({ upstreams: { only: { preset: "mock" } } })).toEqual({
      upstreams: { only: { preset: "mock" } },
    });
  });

  it.each([
    [
      { upstreams: { local: { baseURL: "ftp://x" } } },
      "upstreams.local.baseURL: must be an http:// or https:// URL",
    ],
    [{ upstreams: { local: {} } }, 'upstreams.local: needs a "preset" (e.g. "ollama") or a "baseURL"'],
    [{ upstreams: { local: { preset: "olama" } } }, "upstreams.local.preset: Invalid option"],
    [
      { upstreams: { local: { preset: "ollama", apiKeyEnv: "sk-123" } } },
      "upstreams.local.apiKeyEnv: must be an environment variable name",
    ],
    [
      { upstreams: { a: { preset: "ollama" } }, routes: { coder: [{ upstream: "a" }, { upstream: "b" }] } },
      'routes.coder.1.upstream: unknown upstream "b"; declared: a',
    ],
    [
      { upstreams: { a: { preset: "ollama" } }, routes: { coder: "zzz" } },
      'routes.coder: unknown upstream "zzz"',
    ],
    [{ upstreams: { a: { preset: "ollama" } }, upstream: "b" }, 'upstream: unknown upstream "b"'],
    [
      { upstreams: { a: { preset: "ollama" }, b: { preset: "vllm" } } },
      'upstream: several upstreams are declared: name the default one in "upstream", or add "routes"',
    ],
    [{ upstreams: { a: { preset: "ollama" } }, port: 70000 }, "port: Too big"],
    [
      { upstreams: { a: { preset: "ollama" } }, store: { type: "sqlite" } },
      "store.type: Invalid discriminator value. Expected 'memory' | 'redis'",
    ],
    [{ upstreams: { a: { preset: "ollama" } }, store: { type: "redis" } }, 'store: needs "url" or "urlEnv"'],
    [
      { upstreams: { a: { preset: "ollama" } }, limits: { maxBodyBytes: -1 } },
      "limits.maxBodyBytes: Too small",
    ],
    [{ upstreams: { a: { preset: "ollama" } }, colour: "blue" }, 'unknown key "colour"'],
    [
      { upstreams: { a: { preset: "ollama", capabilities: { developerRole: "yes" } } } },
      "upstreams.a.capabilities.developerRole: Invalid input",
    ],
  ])("rejects %j naming the JSON path", (value, expected) => {
    const message = problem(value);
    expect(message).toMatch(/^invalid config file bridge\.json: /);
    expect(message).toContain(expected);
  });

  it("explains where keys go when a secret is put in the file, without echoing it", () => {
    const message = problem({
      upstreams: { cloud: { preset: "openrouter", apiKey: "sk-or-v1-secretsecret" } },
    });
    expect(message).toContain('upstreams.cloud: unknown key "apiKey" (secrets never go in the file');
    expect(message).toContain('"apiKeyEnv"');
    expect(message).not.toContain("sk-or-v1-secretsecret");
  });

  it("lists every problem on one line", () => {
    const message = problem({ upstreams: { a: { baseURL: "nope" } }, port: -1 });
    expect(message).toContain("upstreams.a.baseURL");
    expect(message).toContain("port");
    expect(message.split("; ").length).toBeGreaterThanOrEqual(2);
  });
});

describe("loadBridgeConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rb-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads JSON, tolerating a UTF-8 BOM", async () => {
    const path = join(dir, "bom.json");
    await writeFile(path, `\uFEFF${JSON.stringify({ upstreams: { a: { preset: "mock" } } })}`, "utf8");
    await expect(loadBridgeConfig(path)).resolves.toEqual({ upstreams: { a: { preset: "mock" } } });
  });

  it("points at the line and column of a JSON syntax error", async () => {
    const path = join(dir, "broken.json");
    await writeFile(path, '{\n  "upstreams": {\n    "a": { "preset": "mock", }\n  }\n}\n', "utf8");
    const error = await loadBridgeConfig(path).catch((caught: unknown) => caught as CliError);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
    expect((error as CliError).message).toMatch(/is not valid JSON \(line 3, column \d+\)/);
  });

  it("says when the file does not exist", async () => {
    const error = await loadBridgeConfig(join(dir, "missing.json")).catch(
      (caught: unknown) => caught as CliError,
    );
    expect((error as CliError).message).toBe(
      `cannot read config file ${join(dir, "missing.json")}: no such file`,
    );
  });
});
