// `responses-bridge codex` as a child process: the CODEX_HOME it writes, context windows read from
// backends, and --exec (with a stand-in for the Codex binary; test/e2e runs the real one).
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort, REPO_ROOT, runCliToEnd, stopAllChildren } from "./e2e/support/cli-process.js";

const backend = createScriptedBackend({ models: ["first-model", "second-model"] });
let upstream: ScriptedServer;
let dir: string;

/** A backend that only answers metadata, like vLLM (`max_model_len`) or Ollama (`/api/show`). */
async function metadataServer(
  routes: Record<string, unknown>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const body = routes[`${req.method} ${req.url}`];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { error: "not found" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

beforeAll(async () => {
  upstream = await backend.listen();
  await mkdir(join(REPO_ROOT, ".tmp"), { recursive: true });
  dir = await mkdtemp(join(REPO_ROOT, ".tmp", "cli-codex-"));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

async function catalogOf(home: string): Promise<Record<string, unknown>> {
  const bytes = await readFile(join(home, "model-catalog.json"));
  expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
  return (JSON.parse(bytes.toString("utf8")) as { models: Record<string, unknown>[] }).models[0]!;
}

// A failed assertion must not leave a bridge (or Codex) running.
afterEach(stopAllChildren);

// Each test spawns the CLI (tsx compiles it on start): allow for a loaded machine.
describe("responses-bridge codex", { timeout: 60_000 }, () => {
  it("writes CODEX_HOME, prints the lines to paste, and is idempotent byte for byte", async () => {
    const home = join(dir, "idempotent");
    const port = await freePort();
    const args = [
      "codex",
      "--upstream",
      upstream.url,
      "--codex-home",
      home,
      "--port",
      String(port),
      "--no-serve",
    ];
    const first = await runCliToEnd(args);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe("");
    const config = await readFile(join(home, "config.toml"));
    const catalog = await readFile(join(home, "model-catalog.json"));
    const mtime = (await stat(join(home, "config.toml"))).mtimeMs;

    expect(first.stdout).toContain(
      `no --model given: using first-model, the first model ${upstream.url} lists`,
    );
    expect(first.stdout).toContain(`Codex home: ${home} (config.toml and model-catalog.json written)`);
    expect(first.stdout).toContain(
      "Model: first-model, context window 32768 tokens (default; pass --context-window N to set it)",
    );
    expect(first.stdout).toContain(
      `  bash/zsh:    export CODEX_HOME='${home}' RESPONSES_BRIDGE_API_KEY='responses-bridge'`,
    );
    expect(first.stdout).toContain(
      `  fish:        set -gx CODEX_HOME '${home}'; set -gx RESPONSES_BRIDGE_API_KEY 'responses-bridge'`,
    );
    expect(first.stdout).toContain(
      `  PowerShell:  $env:CODEX_HOME = '${home}'; $env:RESPONSES_BRIDGE_API_KEY = 'responses-bridge'`,
    );
    const text = config.toString("utf8");
    expect(text).toContain('model = "first-model"');
    expect(text).toContain(`base_url = "http://127.0.0.1:${port}/v1"`);
    expect(text).toContain(`model_catalog_json = "${join(home, "model-catalog.json")}"`);
    expect(await catalogOf(home)).toMatchObject({
      slug: "first-model",
      context_window: 32_768,
      apply_patch_tool_type: "freeform",
    });

    const second = await runCliToEnd(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("(config.toml and model-catalog.json unchanged)");
    expect((await readFile(join(home, "config.toml"))).equals(config)).toBe(true);
    expect((await readFile(join(home, "model-catalog.json"))).equals(catalog)).toBe(true);
    expect((await stat(join(home, "config.toml"))).mtimeMs).toBe(mtime);
  });

  it("reads the context window from vLLM's /v1/models and Ollama's /api/show", async () => {
    const vllm = await metadataServer({
      "GET /v1/models": { object: "list", data: [{ id: "Qwen/Qwen3-8B", max_model_len: 40_960 }] },
    });
    const ollama = await metadataServer({
      "GET /v1/models": { object: "list", data: [{ id: "qwen3:8b" }] },
      "POST /api/show": { parameters: "temperature 0.6", model_info: { "qwen3.context_length": 131_072 } },
    });
    try {
      const port = String(await freePort());
      const fromVllm = await runCliToEnd([
        "codex",
        "-u",
        `${vllm.url}/v1`,
        "--codex-home",
        join(dir, "vllm"),
        "--port",
        port,
        "--no-serve",
      ]);
      expect(fromVllm.stdout).toContain("Model: Qwen/Qwen3-8B, context window 40960 tokens (GET /models)");
      expect(await catalogOf(join(dir, "vllm"))).toMatchObject({ context_window: 40_960 });

      const fromOllama = await runCliToEnd([
        "codex",
        "-u",
        ollama.url,
        "-m",
        "qwen3:8b",
        "--codex-home",
        join(dir, "ollama"),
        "--port",
        port,
        "--no-serve",
      ]);
      expect(fromOllama.stdout).toContain("Model: qwen3:8b, context window 131072 tokens (ollama /api/show)");

      const flag = await runCliToEnd([
        "codex",
        "-u",
        ollama.url,
        "-m",
        "qwen3:8b",
        "--context-window",
        "16384",
        "--codex-home",
        join(dir, "flag"),
        "--port",
        port,
        "--no-serve",
      ]);
      expect(flag.stdout).toContain("context window 16384 tokens (--context-window)");
      expect(await catalogOf(join(dir, "flag"))).toMatchObject({ context_window: 16_384 });
    } finally {
      await vllm.close();
      await ollama.close();
    }
  });

  it("never writes into the user's own ~/.codex", async () => {
    const home = join(dir, "user-home");
    const result = await runCliToEnd(
      ["codex", "-u", "mock", "--codex-home", join(home, ".codex"), "--port", "9", "--no-serve"],
      {
        env: { HOME: home },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: refusing to write into ${join(home, ".codex")}, your own Codex configuration; pick another --codex-home\n`,
    );
  });

  it("--exec launches Codex with CODEX_HOME and the key variable set, then exits with Codex's code", async () => {
    const fake = join(dir, "fake-codex.mjs");
    await writeFile(
      fake,
      `#!/usr/bin/env node
import { readFileSync } from "node:fs";
const config = readFileSync(process.env.CODEX_HOME + "/config.toml", "utf8");
const base = /base_url = "([^"]+)"/.exec(config)[1];
const models = await (await fetch(base + "/models")).json();
console.log("fake codex args=" + JSON.stringify(process.argv.slice(2)) + " key=" + process.env.RESPONSES_BRIDGE_API_KEY + " models=" + models.data.map((m) => m.id).join(","));
process.exit(7);
`,
    );
    await chmod(fake, 0o755);
    const result = await runCliToEnd([
      "codex",
      "-u",
      "mock",
      "--codex-home",
      join(dir, "exec"),
      "--port",
      "0",
      "--codex-bin",
      fake,
      "--exec",
      "--",
      "exec",
      "run: ls",
    ]);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('fake codex args=["exec","run: ls"] key=responses-bridge models=mock\n');
    // The bridge's own output goes to stderr, so Codex's stdout stays clean.
    expect(result.stderr).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(result.stderr).toMatch(/GET \/v1\/models 200/);
  });

  it("exits 5 when the Codex binary cannot be started", async () => {
    const result = await runCliToEnd([
      "codex",
      "-u",
      "mock",
      "--codex-home",
      join(dir, "missing"),
      "--port",
      "0",
      "--codex-bin",
      join(dir, "no-such-codex"),
      "--exec",
    ]);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`error: cannot start Codex: ${join(dir, "no-such-codex")} not found;`);
  });
});
