// API keys come from environment variables only and never appear in anything the CLI prints.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  REPO_ROOT,
  readyURL,
  runCliToEnd,
  spawnCli,
  stopAllChildren,
} from "./e2e/support/cli-process.js";

const UPSTREAM_KEY = "sk-rbtest-upstream-0123456789abcdef";
const CLIENT_KEY = "ck-rbtest-client-0123456789abcdef";
const REDIS_PASSWORD = "rbtest-redis-password-0123456789";

// The upstream echoes the Authorization header it got into its error messages, as careless servers do.
const backend = createScriptedBackend({
  script: (body, record) => {
    const prompt = JSON.stringify(body.messages.at(-1));
    if (prompt.includes("leak")) {
      return {
        error: {
          status: 401,
          body: {
            error: { message: `Invalid key: ${record.headers.authorization}`, type: "invalid_request_error" },
          },
        },
      };
    }
    if (prompt.includes("break")) return { text: `partial ${UPSTREAM_KEY} text`, breakAfterChunks: 3 };
    return { text: "fine" };
  },
});
let upstream: ScriptedServer;
let dir: string;

beforeAll(async () => {
  upstream = await backend.listen();
  // Under the repository, not /tmp: CODEX_HOME under /tmp draws a Codex warning.
  await mkdir(join(REPO_ROOT, ".tmp"), { recursive: true });
  dir = await mkdtemp(join(REPO_ROOT, ".tmp", "cli-secrets-"));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

function expectNoSecrets(text: string) {
  expect(text).not.toContain(UPSTREAM_KEY);
  expect(text).not.toContain(CLIENT_KEY);
  expect(text).not.toContain(REDIS_PASSWORD);
  // Not even a recognisable piece of one.
  expect(text).not.toContain("0123456789abcdef");
}

// A failed assertion must not leave a bridge (or Codex) running.
afterEach(stopAllChildren);

// Each test spawns the CLI (tsx compiles it on start): allow for a loaded machine.
describe("secrets", { timeout: 60_000 }, () => {
  it.each([
    ["text logs", ["--log-level", "debug"]],
    ["JSON logs", ["--log-level", "debug", "--json-logs"]],
  ])("never prints the upstream key (%s), though the upstream gets it", async (_name, extra) => {
    const bridge = spawnCli(
      ["serve", "--upstream", upstream.url, "--api-key-env", "RB_TEST_KEY", "--port", "0", ...extra],
      {
        env: { RB_TEST_KEY: UPSTREAM_KEY },
      },
    );
    const base = extra.includes("--json-logs")
      ? (JSON.parse((await bridge.waitForOutput(/\{"time[^\n]*"msg":"ready"[^\n]*\}/))[0]) as { url: string })
          .url
      : await readyURL(bridge);
    const client = new OpenAI({ baseURL: base, apiKey: "unused", maxRetries: 0 });
    expect((await client.responses.create({ model: "m", input: "hello" })).output_text).toBe("fine");
    const error = await client.responses
      .create({ model: "m", input: "leak it" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expectNoSecrets(JSON.stringify(error));
    const stream = await client.responses.create({ model: "m", input: "break it", stream: true });
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    expectNoSecrets(JSON.stringify(events));
    expect(backend.requests.at(-1)?.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    await bridge.waitForOutput(/401/);
    await bridge.stop();
    expectNoSecrets(bridge.output.stdout + bridge.output.stderr);
    expect(bridge.output.stdout).toContain("[redacted]");
  });

  it("never echoes a key passed on the command line", async () => {
    const result = await runCliToEnd(["serve", "--upstream", "openai", "--api-key", UPSTREAM_KEY]);
    expect(result.code).toBe(2);
    expectNoSecrets(result.stdout + result.stderr);
    const asEnvName = await runCliToEnd(["serve", "--upstream", "openai", "--api-key-env", UPSTREAM_KEY]);
    expect(asEnvName.code).toBe(2);
    expectNoSecrets(asEnvName.stdout + asEnvName.stderr);
  });

  it("keeps the client key, the Redis URL and the upstream key out of the Codex setup and its output", async () => {
    const config = join(dir, "bridge.json");
    await writeFile(
      config,
      JSON.stringify({
        upstreams: { main: { baseURL: upstream.url, apiKeyEnv: "RB_TEST_KEY" } },
        model: "scripted-model",
        auth: { apiKeyEnv: "RB_CLIENT_KEY" },
        store: { type: "redis", urlEnv: "RB_REDIS_URL" },
      }),
    );
    const home = join(dir, "codex-home");
    const port = await freePort();
    const result = await runCliToEnd(
      [
        "codex",
        "--config",
        config,
        "--codex-home",
        home,
        "--port",
        String(port),
        "--no-serve",
        "--log-level",
        "debug",
      ],
      {
        env: {
          RB_TEST_KEY: UPSTREAM_KEY,
          RB_CLIENT_KEY: CLIENT_KEY,
          RB_REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:1/0`,
        },
      },
    );
    expect(result.code).toBe(0);
    expectNoSecrets(result.stdout + result.stderr);
    // Codex is told which variable to send; the value stays in the environment.
    expect(result.stdout).toContain("Codex sends $RB_CLIENT_KEY, the key the bridge checks");
    expect(result.stdout).not.toContain("RESPONSES_BRIDGE_API_KEY");
    const files =
      (await readFile(join(home, "config.toml"), "utf8")) +
      (await readFile(join(home, "model-catalog.json"), "utf8"));
    expect(files).toContain('env_key = "RB_CLIENT_KEY"');
    expectNoSecrets(files);
  });

  it("keeps keys out of the unreachable-upstream error", async () => {
    const port = await freePort();
    const result = await runCliToEnd(
      ["serve", "--upstream", `http://127.0.0.1:${port}/v1`, "--api-key-env", "RB_TEST_KEY"],
      {
        env: { RB_TEST_KEY: UPSTREAM_KEY },
      },
    );
    expect(result.code).toBe(3);
    expectNoSecrets(result.stdout + result.stderr);
  });
});
