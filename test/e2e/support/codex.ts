/** Running the real Codex CLI (`codex exec`) non-interactively, bounded in time. */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CLI_PACKAGE, spawnChild } from "./cli-process.js";

/** The pinned Codex CLI's launcher (its native binary comes in an optional platform package). */
export const CODEX_JS = join(CLI_PACKAGE, "node_modules", "@openai", "codex", "bin", "codex.js");

/** The version Codex reports, or a readable reason why it cannot run here. */
export async function codexVersion(): Promise<string> {
  if (!existsSync(CODEX_JS)) {
    throw new Error(`@openai/codex is not installed at ${CODEX_JS}: run pnpm install at the repository root`);
  }
  const run = spawnChild(process.execPath, [CODEX_JS, "--version"]);
  const timer = setTimeout(() => run.child.kill("SIGKILL"), 30_000);
  const exit = await run.exited;
  clearTimeout(timer);
  if (exit.code !== 0) {
    // CLIENTS.md §1: pnpm/npm may skip the optional platform package holding the binary.
    throw new Error(
      `codex --version failed (${exit.code}): ${run.output.stderr.trim()}\n` +
        'If it says "Missing optional dependency @openai/codex-linux-x64", install it: ' +
        'npm install "@openai/codex-linux-x64@npm:@openai/codex@0.169.0-linux-x64"',
    );
  }
  return run.output.stdout.trim();
}

/** One `codex exec` run. */
export interface CodexRun {
  /** Exit code (null when killed). */
  code: number | null;
  /** Only the final assistant message, per Codex's contract. */
  stdout: string;
  /** Banner, tool calls, reasoning, errors, `tokens used`. */
  stderr: string;
  /** The `-o` file: the last agent message. */
  lastMessage: string;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** True when the run hit its timeout and was killed. */
  timedOut: boolean;
}

/** Options of {@link runCodexExec}. */
export interface CodexExecOptions {
  /** CODEX_HOME written by `responses-bridge codex`. */
  codexHome: string;
  /** Working directory of the agent. */
  workspace: string;
  /** HOME for Codex (so the test can check nothing lands in ~/.codex). */
  home: string;
  /** The prompt. */
  prompt: string;
  /** Kill Codex (and its process group) after this many milliseconds. */
  timeoutMs: number;
}

/**
 * `codex exec --skip-git-repo-check --dangerously-bypass-approvals-and-sandbox -o last.txt PROMPT`,
 * stdin closed, in its own process group so a timeout kills every shell it started.
 */
export async function runCodexExec(options: CodexExecOptions): Promise<CodexRun> {
  await mkdir(options.home, { recursive: true });
  const lastPath = join(options.workspace, "..", "last-message.txt");
  const started = Date.now();
  const run = spawnChild(
    process.execPath,
    [
      CODEX_JS,
      "exec",
      "--skip-git-repo-check",
      "--dangerously-bypass-approvals-and-sandbox",
      "-o",
      lastPath,
      options.prompt,
    ],
    {
      cwd: options.workspace,
      group: true,
      env: {
        CODEX_HOME: options.codexHome,
        HOME: options.home,
        RESPONSES_BRIDGE_API_KEY: "e2e-placeholder",
        RUST_LOG: "",
      },
    },
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void run.stop("SIGKILL");
  }, options.timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  // Kept next to the workspace for debugging (E2E_KEEP=1 keeps the run directory).
  await writeFile(join(options.workspace, "..", "codex-stdout.txt"), run.output.stdout);
  await writeFile(join(options.workspace, "..", "codex-stderr.txt"), run.output.stderr);
  let lastMessage = "";
  try {
    lastMessage = await readFile(lastPath, "utf8");
  } catch {
    // No -o file (killed before writing it).
  }
  return {
    code: exit.code,
    stdout: run.output.stdout,
    stderr: run.output.stderr,
    lastMessage,
    durationMs: Date.now() - started,
    timedOut,
  };
}
