/**
 * Codex's remote compaction against the bridge: the real Codex CLI (pinned 0.169.0), `codex exec` through
 * `responses-bridge codex` over the scripted upstream. Codex only compacts remotely for a provider it takes
 * for OpenAI (`supports_remote_compaction`: provider name "OpenAI", or an Azure Responses endpoint), so the
 * provider written by `responses-bridge codex` is renamed "OpenAI" here, and `model_auto_compact_token_limit`
 * is set low so the first tool round crosses it. Codex then sends a `POST /responses` ending in
 * `{"type":"compaction_trigger"}`, expects exactly one `compaction` item back, and continues the turn with
 * that item in its input; the bridge opens it as the summary its backend wrote.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ChatRequestBody, Scenario } from "@responses-bridge/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stopAllChildren } from "./support/cli-process.js";
import { codexVersion, runCodexExec } from "./support/codex.js";
import { RUN_ROOT, startCodexBridge, textOf } from "./support/codex-bridge.js";

const CODEX_TIMEOUT_MS = 90_000;
const RUN_DIR = join(RUN_ROOT, `compaction-${process.pid}`);

beforeAll(async () => {
  expect(await codexVersion()).toBe("codex-cli 0.169.0");
  await mkdir(RUN_DIR, { recursive: true });
});
afterEach(stopAllChildren);
afterAll(async () => {
  if (!process.env.E2E_KEEP) await rm(RUN_DIR, { recursive: true, force: true });
});

describe("Codex CLI 0.169 remote compaction through responses-bridge codex", () => {
  it("compacts mid-turn with compaction_trigger, then finishes the turn from the sealed summary", async () => {
    const script = (body: ChatRequestBody): Scenario => {
      const all = body.messages.map(textOf).join("\n");
      const last = body.messages.at(-1);
      // The bridge's summary request: the conversation, then the compaction prompt.
      if (textOf(last).includes("Write a summary of the conversation so far")) {
        return { text: "E2E-SUMMARY: the user asked for e2e-compaction.txt; it was created." };
      }
      // The turn after the compaction: the summary stands for the earlier conversation.
      if (all.includes("E2E-SUMMARY")) return { text: "E2E-COMPACTION-DONE" };
      // Turn 1: a tool call, reported as a big prompt so Codex crosses its compaction limit.
      return {
        toolCalls: [
          { name: "exec_command", arguments: JSON.stringify({ cmd: "echo made > e2e-compaction.txt" }) },
        ],
        usage: { prompt_tokens: 50_000, completion_tokens: 20 },
      };
    };
    const { backend, upstream, bridge, codexHome, workspace, home } = await startCodexBridge(RUN_DIR, script);
    try {
      // Remote compaction is only used for a provider Codex takes for OpenAI.
      const configPath = join(codexHome, "config.toml");
      const config = await readFile(configPath, "utf8");
      await writeFile(
        configPath,
        `model_auto_compact_token_limit = 2000\n${config.replace('name = "responses-bridge"', 'name = "OpenAI"')}`,
      );
      const run = await runCodexExec({
        codexHome,
        workspace,
        home,
        prompt: "Create e2e-compaction.txt.",
        timeoutMs: CODEX_TIMEOUT_MS,
      });
      console.log(`codex compaction run: ${run.durationMs} ms, exit ${run.code}\n${run.stderr.slice(-3000)}`);
      expect(run.timedOut, run.stderr).toBe(false);
      expect(run.code, run.stderr).toBe(0);
      expect(existsSync(join(workspace, "e2e-compaction.txt"))).toBe(true);
      const chats = backend.requests.filter((request) => request.body).map((request) => request.body!);
      const summaries = chats.filter((body) => textOf(body.messages.at(-1)).includes("Write a summary"));
      expect(summaries.length).toBeGreaterThanOrEqual(1);
      expect(run.stdout.trim()).toBe("E2E-COMPACTION-DONE");
      expect(run.stderr).toContain("context compacted");
      // Remote, not local: Codex never sent its own summarisation prompt (a local compaction does).
      expect(chats.some((body) => body.messages.some((m) => textOf(m).includes("CONTEXT CHECKPOINT")))).toBe(
        false,
      );
      // The turn after the compaction carried the compaction item, opened by the bridge as the summary.
      const final = chats.at(-1)!.messages.map(textOf).join("\n");
      expect(final).toContain("Summary of the earlier conversation (compacted):");
      expect(final).toContain("E2E-SUMMARY: the user asked for e2e-compaction.txt");
      // Three Responses requests (turn 1, the compaction_trigger, the rest of the turn), none to /compact.
      await bridge.waitForOutput(
        /POST \/v1\/responses 200[\s\S]*POST \/v1\/responses 200[\s\S]*POST \/v1\/responses 200/,
      );
      expect(bridge.output.stderr).not.toContain("/responses/compact");
    } finally {
      await bridge.stop("SIGTERM");
      await upstream.close();
    }
  });
});
