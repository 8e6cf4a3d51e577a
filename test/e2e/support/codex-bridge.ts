/** `responses-bridge codex` over the testkit's scripted upstream, set up for one real Codex run. */
import { mkdir } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatRequestBody,
  createScriptedBackend,
  type Scenario,
  type ScriptedBackend,
  type ScriptedServer,
} from "@responses-bridge/testkit";
import { type ChildRun, freePort, READY_LINE, REPO_ROOT, spawnCli, waitForPort } from "./cli-process.js";

/**
 * CODEX_HOME and workspaces: inside the repo's .tmp/, unless the checkout itself is under the system
 * temp dir (CI clones may be), where Codex refuses to create its helper binaries; then under the
 * user's cache dir.
 */
export const RUN_ROOT =
  REPO_ROOT.startsWith(`${tmpdir()}/`) || REPO_ROOT.startsWith("/tmp/")
    ? join(homedir(), ".cache", "responses-bridge", "e2e")
    : join(REPO_ROOT, ".tmp", "e2e");

/** A running bridge in front of a scripted upstream, and the directories of the Codex run. */
export interface CodexSetup {
  backend: ScriptedBackend;
  upstream: ScriptedServer;
  bridge: ChildRun;
  codexHome: string;
  workspace: string;
  home: string;
}

/**
 * Starts a scripted upstream and `responses-bridge codex` over it (one retry per request and stream),
 * with its CODEX_HOME, workspace and HOME under `root`; waits until the bridge's port answers.
 */
export async function startCodexBridge(
  root: string,
  script: (body: ChatRequestBody) => Scenario,
  extra: string[] = [],
): Promise<CodexSetup> {
  const workspace = join(root, "workspace");
  const codexHome = join(root, "codex-home");
  const home = join(root, "home");
  await mkdir(workspace, { recursive: true });
  const backend = createScriptedBackend({ script, models: ["scripted-model"] });
  const upstream = await backend.listen();
  const port = await freePort();
  const bridge = spawnCli([
    "codex",
    "--upstream",
    upstream.url,
    "--model",
    "scripted-model",
    "--port",
    String(port),
    "--codex-home",
    codexHome,
    "--request-max-retries",
    "1",
    "--stream-max-retries",
    "1",
    ...extra,
  ]);
  await bridge.waitForOutput(READY_LINE, 30_000);
  // Codex retries a refused connection forever: only start it once the port answers.
  await waitForPort(port);
  return { backend, upstream, bridge, codexHome, workspace, home };
}

/** The text of a chat message (string content, or its text parts joined). */
export function textOf(message: ChatRequestBody["messages"][number] | undefined): string {
  const content = (message as { content?: unknown } | undefined)?.content;
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? "").join("");
  return "";
}
