/**
 * The real Codex CLI (pinned 0.169.0) end to end: `codex exec` against `responses-bridge codex` over the
 * testkit's scripted Chat Completions upstream. Each scenario scripts the upstream from what Codex sends
 * (turn 2 carries the tool output), runs Codex in a fresh workspace with a CODEX_HOME outside /tmp, and
 * kills it if it overruns its timeout.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatRequestBody, Scenario } from "@responses-bridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { spawnCli, stopAllChildren } from "./support/cli-process.js";
import { CODEX_JS, type CodexRun, codexVersion, runCodexExec } from "./support/codex.js";
import { type CodexSetup, RUN_ROOT, startCodexBridge, textOf } from "./support/codex-bridge.js";
import { coreEmitsCustomToolCalls } from "./support/core-capabilities.js";

/** Per-scenario bound on the Codex run; it is killed after this. */
const CODEX_TIMEOUT_MS = 90_000;
/** Failure scenarios must end well before Codex's default retry ladder would (about 24 s per CLIENTS.md §5). */
const FAILURE_BUDGET_MS = 45_000;
const RUN_DIR = join(RUN_ROOT, `run-${process.pid}`);

const timings: { scenario: string; ms: number; code: number | null; error?: string }[] = [];
const allRuns: CodexRun[] = [];
let customToolsReady = false;

type Setup = CodexSetup;

/** Starts a scripted upstream and `responses-bridge codex` over it for the scenario `name`. */
function setUp(name: string, script: (body: ChatRequestBody) => Scenario, extra: string[] = []) {
  return startCodexBridge(join(RUN_DIR, name), script, extra);
}

async function tearDown(setup: Setup): Promise<void> {
  const exit = await setup.bridge.stop("SIGTERM");
  await setup.upstream.close();
  expect(exit.code, setup.bridge.output.stderr).toBe(0);
}

async function codex(scenario: string, setup: Setup, prompt: string): Promise<CodexRun> {
  const run = await runCodexExec({
    codexHome: setup.codexHome,
    workspace: setup.workspace,
    home: setup.home,
    prompt,
    timeoutMs: CODEX_TIMEOUT_MS,
  });
  const error = run.stderr.match(/^ERROR: .*$/gm)?.at(-1);
  timings.push({ scenario, ms: run.durationMs, code: run.code, ...(error ? { error } : {}) });
  allRuns.push(run);
  expect(run.timedOut, `Codex hung:\n${run.stderr}`).toBe(false);
  // Codex never reaches into the user's own ~/.codex.
  expect(existsSync(join(setup.home, ".codex"))).toBe(false);
  return run;
}

function lastMessage(body: ChatRequestBody): ChatRequestBody["messages"][number] | undefined {
  return body.messages.at(-1);
}

beforeAll(async () => {
  const version = await codexVersion();
  expect(version).toBe("codex-cli 0.169.0");
  expect(existsSync(CODEX_JS)).toBe(true);
  customToolsReady = await coreEmitsCustomToolCalls();
  await mkdir(RUN_DIR, { recursive: true });
});

// A failed assertion must not leave a bridge (or Codex) running.
afterEach(stopAllChildren);

afterAll(async () => {
  console.log(
    `Codex e2e timings:\n${timings.map((entry) => `  ${entry.scenario.padEnd(24)} ${String(entry.ms).padStart(6)} ms  exit ${entry.code}${entry.error ? `  ${entry.error}` : ""}`).join("\n")}`,
  );
  if (!process.env.E2E_KEEP) {
    await rm(RUN_DIR, { recursive: true, force: true });
    await rmdir(RUN_ROOT).catch(() => {}); // the e2e root, when no other run is in it
  }
});

describe("Codex CLI 0.169 through responses-bridge codex", () => {
  it("(1) runs exec_command to create a file, then prints the final answer", async () => {
    const setup = await setUp("shell", (body) => {
      const last = lastMessage(body);
      if (last?.role === "tool")
        return {
          text: `E2E-SHELL-DONE: the command printed ${JSON.stringify(textOf(last).includes("created"))}`,
        };
      return {
        toolCalls: [
          {
            name: "exec_command",
            arguments: JSON.stringify({
              cmd: "printf '%s\\n' 'hello from codex e2e' > e2e-shell.txt && echo created",
            }),
          },
        ],
      };
    });
    try {
      const run = await codex("shell (exec_command)", setup, "Create the file e2e-shell.txt.");
      expect(run.code, run.stderr).toBe(0);
      expect(await readFile(join(setup.workspace, "e2e-shell.txt"), "utf8")).toBe("hello from codex e2e\n");
      expect(run.stdout.trim()).toBe("E2E-SHELL-DONE: the command printed true");
      expect(run.lastMessage.trim()).toBe("E2E-SHELL-DONE: the command printed true");
      // Turn 2 carried the tool output back, and the catalog made Codex declare its tools.
      const chats = setup.backend.requests.filter((request) => request.body);
      expect(chats).toHaveLength(2);
      const tools = (chats[0]?.body?.tools ?? []).map((tool) =>
        tool.type === "function" ? tool.function.name : tool.type,
      );
      expect(tools).toEqual(expect.arrayContaining(["exec_command", "apply_patch"]));
      expect(textOf(lastMessage(chats[1]!.body!))).toContain("created");
      // The bridge logged both turns.
      await setup.bridge.waitForOutput(
        /POST \/v1\/responses 200 scripted-model[\s\S]*POST \/v1\/responses 200 scripted-model/,
      );
    } finally {
      await tearDown(setup);
    }
  });

  it("(2) applies a patch through the freeform apply_patch tool (a custom_tool_call)", async (context) => {
    if (!customToolsReady) {
      // PENDING CORE WORK: the core does not yet turn a chat call of a declared `custom` tool into a
      // `custom_tool_call` (ToolBindings in the handler). Codex rejects apply_patch as a function_call
      // ("tool apply_patch invoked with incompatible payload"). This scenario runs by itself once it lands.
      console.warn("SKIPPED (2) apply_patch: the core does not emit custom_tool_call yet");
      context.skip();
    }
    const setup = await setUp("patch", (body) => {
      const last = lastMessage(body);
      if (last?.role === "tool")
        return { text: `E2E-PATCH-DONE: ${textOf(last).includes("Success") ? "applied" : "failed"}` };
      const input = "*** Begin Patch\n*** Update File: e2e-patch.txt\n@@\n-before\n+after\n*** End Patch\n";
      return { toolCalls: [{ name: "apply_patch", arguments: JSON.stringify({ input }) }] };
    });
    try {
      await writeFile(join(setup.workspace, "e2e-patch.txt"), "before\n");
      const run = await codex("patch (apply_patch)", setup, "Change before to after in e2e-patch.txt.");
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toContain("incompatible payload");
      expect(await readFile(join(setup.workspace, "e2e-patch.txt"), "utf8")).toBe("after\n");
      expect(run.stdout.trim()).toBe("E2E-PATCH-DONE: applied");
    } finally {
      await tearDown(setup);
    }
  });

  it("(3) shows the upstream's reasoning in Codex's output", async () => {
    const setup = await setUp("reasoning", () => ({
      reasoning: "E2E-REASONING: the user wants a greeting, so I will greet.",
      text: "E2E-REASONING-ANSWER",
      chunkSize: 8,
    }));
    try {
      const run = await codex("reasoning", setup, "Say hello.");
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain("E2E-REASONING: the user wants a greeting, so I will greet.");
      expect(run.stdout.trim()).toBe("E2E-REASONING-ANSWER");
    } finally {
      await tearDown(setup);
    }
  });

  it("(4a) an upstream that always answers 500 ends with a readable error, quickly", async () => {
    const setup = await setUp("upstream-500", () => ({ error: { status: 500 } }));
    try {
      const run = await codex("upstream 500 always", setup, "Say hello.");
      expect(run.code).toBe(1);
      expect(run.durationMs).toBeLessThan(FAILURE_BUDGET_MS);
      expect(run.stderr).toMatch(/^ERROR: stream disconnected before completion: Upstream error 500/m);
      expect(run.stdout).toBe("");
      // request_max_retries 1 and stream_max_retries 1: at most 2 x 2 attempts.
      const chats = setup.backend.requests.filter((request) => request.path.endsWith("/chat/completions"));
      expect(chats.length).toBeGreaterThanOrEqual(2);
      expect(chats.length).toBeLessThanOrEqual(4);
    } finally {
      await tearDown(setup);
    }
  });

  it("(4b) an upstream that disconnects mid-stream ends with a readable error, quickly", async () => {
    const setup = await setUp("mid-stream-disconnect", () => ({
      text: "This answer is cut off in the middle of a sentence because the upstream connection drops.",
      chunkSize: 6,
      breakAfterChunks: 4,
    }));
    try {
      const run = await codex("mid-stream disconnect", setup, "Say hello.");
      expect(run.code).toBe(1);
      expect(run.durationMs).toBeLessThan(FAILURE_BUDGET_MS);
      expect(run.stderr).toMatch(/^ERROR: stream disconnected before completion: .*upstream.*/im);
      expect(run.stderr).not.toContain("stream closed before response.completed");
    } finally {
      await tearDown(setup);
    }
  });

  it("(4c) an upstream 429 makes Codex back off and retry instead of failing", async () => {
    let calls = 0;
    const setup = await setUp("upstream-429", () => {
      calls += 1;
      if (calls === 1) return { error: { status: 429, headers: { "retry-after": "1" } } };
      return { text: "E2E-429-RECOVERED" };
    });
    try {
      const run = await codex("upstream 429 then ok", setup, "Say hello.");
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe("E2E-429-RECOVERED");
      expect(calls).toBe(2);
    } finally {
      await tearDown(setup);
    }
  });

  it("(5) never prints the 'fallback metadata' warning (the catalog describes the model)", () => {
    expect(allRuns.length).toBeGreaterThan(0);
    for (const run of allRuns) {
      expect(run.stderr).not.toMatch(/fallback metadata|Model metadata for .* not found/);
      expect(run.stderr).not.toContain("Refusing to create helper binaries");
    }
  });

  it("(6) responses-bridge codex --upstream mock --exec runs the whole loop with nothing installed", async () => {
    const root = join(RUN_DIR, "mock-exec");
    const workspace = join(root, "workspace");
    const home = join(root, "home");
    await mkdir(workspace, { recursive: true });
    await mkdir(home, { recursive: true });
    const started = Date.now();
    const bridge = spawnCli(
      [
        "codex",
        "--upstream",
        "mock",
        "--port",
        "0",
        "--codex-home",
        join(root, "codex-home"),
        "--codex-bin",
        CODEX_JS,
        "--exec",
        "--",
        "exec",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "run: printf 'made by the mock\\n' > e2e-mock.txt",
      ],
      { cwd: workspace, env: { HOME: home }, group: true },
    );
    const timer = setTimeout(() => void bridge.stop("SIGKILL"), CODEX_TIMEOUT_MS);
    const exit = await bridge.exited;
    clearTimeout(timer);
    timings.push({ scenario: "mock --exec", ms: Date.now() - started, code: exit.code });
    expect(exit.code, bridge.output.stderr).toBe(0);
    expect(await readFile(join(workspace, "e2e-mock.txt"), "utf8")).toBe("made by the mock\n");
    expect(bridge.output.stdout.trim()).toBe(
      "Done: I ran `printf 'made by the mock\\n' > e2e-mock.txt`. It printed nothing.",
    );
    expect(bridge.output.stderr).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(bridge.output.stderr).not.toMatch(/fallback metadata/);
    expect(existsSync(join(home, ".codex"))).toBe(false);
  });
});
