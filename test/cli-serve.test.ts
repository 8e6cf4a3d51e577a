// `responses-bridge serve` as a child process, driven by the real openai SDK over a scripted upstream.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort, readyURL, runCliToEnd, spawnCli, stopAllChildren } from "./e2e/support/cli-process.js";
import { OpenAIClient } from "./utils/openai-client.js";

const backend = createScriptedBackend({
  script: (body) => {
    const prompt = JSON.stringify(body.messages.at(-1));
    if (prompt.includes("slow"))
      return { text: "one two three four five six seven eight", chunkSize: 4, delayMs: 150 };
    return { text: "Hello from the scripted upstream.", usage: { prompt_tokens: 11, completion_tokens: 7 } };
  },
});
let upstream: ScriptedServer;
let dir: string;

beforeAll(async () => {
  upstream = await backend.listen();
  dir = await mkdtemp(join(tmpdir(), "rb-cli-serve-"));
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

// A failed assertion must not leave a bridge (or Codex) running.
afterEach(stopAllChildren);

// Each test spawns the CLI (tsx compiles it on start): allow for a loaded machine.
describe("responses-bridge serve", { timeout: 60_000 }, () => {
  it("prints one ready line, serves the SDK, logs one line per request, exits 0 on SIGTERM", async () => {
    const bridge = spawnCli(["serve", "--upstream", upstream.url, "--port", "0"]);
    const url = await readyURL(bridge);
    const client = new OpenAIClient({ baseURL: url, apiKey: "unused" });

    const response = await client.responses.create({ model: "scripted-model", input: "hi" });
    expect(response.output_text).toBe("Hello from the scripted upstream.");
    const stream = client.responses.stream({ model: "scripted-model", input: "hi again" });
    expect((await stream.finalResponse()).output_text).toBe("Hello from the scripted upstream.");
    await bridge.waitForOutput(
      /POST \/v1\/responses 200 scripted-model \d+ms tokens 11 in \/ 7 out[\s\S]*POST \/v1\/responses 200/,
    );

    const exit = await bridge.stop("SIGTERM");
    expect(exit.code).toBe(0);
    const lines = bridge.output.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^responses-bridge \\S+ listening on ${url.replace(/[./]/g, "\\$&")} \\(upstream ${upstream.url.replace(/[./]/g, "\\$&")}\\)$`,
      ),
    );
    const requests = lines.filter((line) => line.includes(" /v1/responses "));
    expect(requests).toHaveLength(2);
    for (const line of requests) {
      expect(line).toMatch(
        /^\d\d:\d\d:\d\d POST \/v1\/responses 200 scripted-model \d+ms tokens 11 in \/ 7 out$/,
      );
    }
    expect(bridge.output.stderr).toBe("");
  });

  it("serves with Node 20's young generation and two malloc arenas: on Node 24 it restarts itself once, same pid", async () => {
    // V8 reads the young generation's size only at start, so the CLI re-executes itself (process.execve)
    // with --max-semi-space-size=16 where Node's default is larger (Node 24: 128 MB of young generation).
    const nodeArgs = async (env?: NodeJS.ProcessEnv) => {
      const bridge = spawnCli(["serve", "--upstream", upstream.url, "--no-probe", "--port", "0"], { env });
      const url = await readyURL(bridge);
      const response = await new OpenAIClient({ baseURL: url, apiKey: "unused" }).responses.create({
        model: "scripted-model",
        input: "hi",
      });
      expect(response.output_text).toBe("Hello from the scripted upstream.");
      // The pid the test spawned is still the serving process: /proc shows what it now runs.
      const args = (await readFile(`/proc/${bridge.child.pid}/cmdline`, "utf8")).split("\0");
      // The environment the process was (re)started with, as glibc read it.
      const environ = (await readFile(`/proc/${bridge.child.pid}/environ`, "utf8")).split("\0");
      expect((await bridge.stop("SIGTERM")).code).toBe(0);
      expect(bridge.output.stderr).toBe("");
      return { args, environ };
    };
    const restarts = Number.parseInt(process.versions.node, 10) >= 24;
    const { args, environ } = await nodeArgs();
    expect(args.includes("--max-semi-space-size=16")).toBe(restarts);
    expect(args.filter((arg) => arg === "serve")).toHaveLength(1);
    // The restart also limits glibc's malloc arenas (read once, at start).
    expect(environ.includes("MALLOC_ARENA_MAX=2")).toBe(restarts);
    // An operator's own choice wins, and needs no restart.
    const chosen = await nodeArgs({ NODE_OPTIONS: "--max-semi-space-size=8" });
    expect(chosen.args.some((arg) => arg.startsWith("--max-semi-space-size"))).toBe(false);
    expect(chosen.environ.some((entry) => entry.startsWith("MALLOC_ARENA_MAX="))).toBe(false);
    const arenas = await nodeArgs({ MALLOC_ARENA_MAX: "4" });
    expect(arenas.args.includes("--max-semi-space-size=16")).toBe(restarts);
    expect(arenas.environ.filter((entry) => entry.startsWith("MALLOC_ARENA_MAX="))).toEqual([
      "MALLOC_ARENA_MAX=4",
    ]);
  });

  it("serves background responses, cancel, resume and conversations", async () => {
    const bridge = spawnCli(["serve", "--upstream", upstream.url, "--port", "0"]);
    const url = await readyURL(bridge);
    const client = new OpenAIClient({ baseURL: url, apiKey: "unused", maxRetries: 0 });
    const started = await client.responses.create({
      model: "scripted-model",
      input: "slow",
      background: true,
    });
    expect(started.status).toBe("queued");
    let done = await client.responses.retrieve(started.id);
    for (
      let attempt = 0;
      attempt < 200 && (done.status === "queued" || done.status === "in_progress");
      attempt++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      done = await client.responses.retrieve(started.id);
    }
    expect(done.output_text).toBe("one two three four five six seven eight");
    const events = [];
    for await (const event of await client.responses.retrieve(started.id, {
      stream: true,
      starting_after: 3,
    })) {
      events.push(event);
    }
    expect(events[0]?.sequence_number).toBe(4);
    expect(events.at(-1)?.type).toBe("response.completed");
    const slow = await client.responses.create({ model: "scripted-model", input: "slow", background: true });
    expect((await client.responses.cancel(slow.id)).status).toBe("cancelled");
    const conversation = await client.conversations.create({});
    const turn = await client.responses.create({
      model: "scripted-model",
      input: "hi",
      conversation: conversation.id,
    });
    expect(turn.conversation).toEqual({ id: conversation.id });
    expect((await client.conversations.items.list(conversation.id)).data).toHaveLength(2);
    expect((await bridge.stop("SIGTERM")).code).toBe(0);
    expect(bridge.output.stderr).toBe("");
  });

  it("follows a stored foreground stream while it runs only with --resumable-streams (or its variable)", async () => {
    const plain = spawnCli(["serve", "--upstream", upstream.url, "--port", "0"]);
    const resumable = spawnCli(["serve", "--upstream", upstream.url, "--port", "0"], {
      env: { ...process.env, RESPONSES_BRIDGE_RESUMABLE_STREAMS: "1" },
    });
    for (const [bridge, followed] of [
      [plain, false],
      [resumable, true],
    ] as const) {
      const client = new OpenAIClient({ baseURL: await readyURL(bridge), apiKey: "unused", maxRetries: 0 });
      const stream = await client.responses.create({ model: "scripted-model", input: "slow", stream: true });
      const original = [];
      let follower: Promise<unknown[] | number> | undefined;
      for await (const event of stream) {
        original.push(event);
        if (original.length === 3) {
          const id = (original[0] as { response: { id: string } }).response.id;
          follower = (async () => {
            try {
              const events = [];
              for await (const resumed of await client.responses.retrieve(id, {
                stream: true,
                starting_after: 1,
              }))
                events.push(resumed);
              return events;
            } catch (error) {
              return (error as { status: number }).status;
            }
          })();
        }
      }
      // Without the flag only background responses can be followed, as with OpenAI: a foreground turn is
      // not known until it is stored at its end (404).
      expect(await follower).toEqual(followed ? original.slice(2) : 404);
      expect((await bridge.stop("SIGTERM")).code).toBe(0);
    }
  });

  it("writes JSON lines with --json-logs", async () => {
    const bridge = spawnCli([
      "serve",
      "--upstream",
      upstream.url,
      "--port",
      "0",
      "--json-logs",
      "--model",
      "pinned",
    ]);
    await bridge.waitForOutput(/"msg":"ready"/);
    const ready = JSON.parse(bridge.output.stdout.split("\n")[0] ?? "{}");
    expect(ready).toMatchObject({
      level: "info",
      msg: "ready",
      model: "pinned",
      upstreams: [{ name: "cli", preset: null, baseURL: upstream.url }],
    });
    const client = new OpenAIClient({ baseURL: ready.url, apiKey: "unused" });
    await client.responses.create({ model: "whatever", input: "hi" });
    await bridge.waitForOutput(/"msg":"request"/);
    await bridge.stop();
    const request = bridge.output.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === "request");
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/responses",
      status: 200,
      model: "whatever",
      outcome: "completed",
      inputTokens: 11,
      outputTokens: 7,
    });
    expect(request.requestId).toMatch(/^req_/);
    expect(backend.requests.at(-1)?.body?.model).toBe("pinned");
  });

  it("finishes an in-flight stream after SIGTERM, refuses new work, then exits 0", async () => {
    const bridge = spawnCli(["serve", "--upstream", upstream.url, "--port", "0"]);
    const url = await readyURL(bridge);
    const client = new OpenAIClient({ baseURL: url, apiKey: "unused", maxRetries: 0 });
    const stream = await client.responses.create({
      model: "scripted-model",
      input: "slow please",
      stream: true,
    });
    let text = "";
    let terminal = "";
    let signalled = false;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") {
        text += event.delta;
        if (!signalled) {
          signalled = true;
          bridge.child.kill("SIGTERM");
          await bridge.waitForOutput(/SIGTERM: stopping; waiting up to 10000 ms for 1 in-flight request/);
          await expect(client.responses.create({ model: "scripted-model", input: "late" })).rejects.toThrow();
        }
      }
      if (event.type === "response.completed" || event.type === "response.failed") terminal = event.type;
    }
    expect(terminal).toBe("response.completed");
    expect(text).toBe("one two three four five six seven eight");
    expect((await bridge.exited).code).toBe(0);
  });

  it("stops in-flight streams at --shutdown-timeout and still exits 0", async () => {
    const bridge = spawnCli([
      "serve",
      "--upstream",
      upstream.url,
      "--port",
      "0",
      "--shutdown-timeout",
      "200",
    ]);
    const url = await readyURL(bridge);
    const client = new OpenAIClient({ baseURL: url, apiKey: "unused", maxRetries: 0 });
    const stream = await client.responses.create({ model: "scripted-model", input: "slow", stream: true });
    const reading = (async () => {
      for await (const _event of stream) {
        // drain
      }
    })().catch(() => "cut");
    await bridge.waitForOutput(/POST|listening/);
    bridge.child.kill("SIGTERM");
    expect((await bridge.exited).code).toBe(0);
    expect(bridge.output.stdout).toContain("warning: shutdown timeout: in-flight requests were cut");
    await reading;
  });

  it("exits 3 with one line when the upstream is unreachable at start", async () => {
    const port = await freePort();
    const result = await runCliToEnd(["serve", "--upstream", `http://127.0.0.1:${port}/v1`, "--port", "0"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: cannot reach the upstream at http://127.0.0.1:${port}/v1 (GET /models: ECONNREFUSED); is it running? (--no-probe starts anyway)\n`,
    );
  });

  it("starts anyway with --no-probe", async () => {
    const port = await freePort();
    const bridge = spawnCli(["serve", "--upstream", `http://127.0.0.1:${port}`, "--port", "0", "--no-probe"]);
    const url = await readyURL(bridge);
    const client = new OpenAIClient({ baseURL: url, apiKey: "unused", maxRetries: 0 });
    await expect(client.responses.create({ model: "m", input: "hi" })).rejects.toMatchObject({ status: 502 });
    await bridge.waitForOutput(/POST \/v1\/responses 502 m \d+ms: Could not reach the upstream/);
    expect((await bridge.stop()).code).toBe(0);
  });

  it("exits 4 when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = await runCliToEnd(["serve", "--upstream", "mock", "--port", String(port)]);
    blocker.close();
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /^error: cannot listen on 127\.0\.0\.1:\d+: the port is in use .*; pass --port\n$/,
    );
  });

  it("exits 2 with one line for a bad flag or an invalid config file", async () => {
    const flag = await runCliToEnd(["serve", "--upstream", "mock", "--prot", "9"]);
    expect(flag).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: unknown option --prot (see responses-bridge serve --help)\n",
    });

    const path = join(dir, "bad.json");
    await writeFile(
      path,
      JSON.stringify({ upstreams: { a: { preset: "ollama" } }, routes: { coder: ["b"] } }),
    );
    const config = await runCliToEnd(["serve", "--config", path]);
    expect(config.code).toBe(2);
    expect(config.stderr).toBe(
      `error: invalid config file ${path}: routes.coder.0: unknown upstream "b"; declared: a\n`,
    );
  });

  it("serves several upstreams from a config file", async () => {
    const path = join(dir, "bridge.json");
    await writeFile(
      path,
      JSON.stringify({
        port: 0,
        upstreams: { scripted: { baseURL: upstream.url }, mock: { preset: "mock" } },
        upstream: "scripted",
        routes: { "mock-model": { upstream: "mock", model: "mock" } },
      }),
    );
    const bridge = spawnCli(["serve", "--config", path]);
    const url = await readyURL(bridge);
    const client = new OpenAIClient({ baseURL: url, apiKey: "unused" });
    expect((await client.responses.create({ model: "mock-model", input: "hello" })).output_text).toContain(
      "mock model",
    );
    expect((await client.responses.create({ model: "other", input: "hello" })).output_text).toBe(
      "Hello from the scripted upstream.",
    );
    expect((await client.models.list()).data.map((model) => model.id)).toEqual(["mock-model"]);
    expect((await bridge.stop()).code).toBe(0);
  });

  it("prints --help for every command and --version", async () => {
    const commands = [["--help"], ["serve", "--help"], ["codex", "--help"], ["help", "codex"]];
    for (const result of await Promise.all(commands.map((args) => runCliToEnd(args)))) {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^(responses-bridge: |Usage: responses-bridge )/);
      expect(result.stdout).toContain("Exit codes:");
    }
    const version = await runCliToEnd(["--version"]);
    expect(version).toEqual({ code: 0, stdout: "0.0.0\n", stderr: "" });
  });
});
