/**
 * `responses-bridge codex --upstream mock --inspect` with the real Codex CLI, watched in headless Chromium:
 * the page, opened before Codex starts, shows Codex's turns as they happen, with the tool call, the
 * translation of Codex's request (developer message, namespaced tools) and the tool message of the turn after.
 */
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../utils/chromium.js";
import { REPO_ROOT, readyURL, spawnCli, stopAllChildren } from "./support/cli-process.js";
import { codexVersion, runCodexExec } from "./support/codex.js";

const available = chromiumAvailable();
let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
let root: string;

beforeAll(async () => {
  await codexVersion();
  root = await mkdtemp(join(tmpdir(), "rb-e2e-inspector-"));
  if (available) chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
  if (root && !process.env.E2E_KEEP) await rm(root, { recursive: true, force: true });
});
afterEach(stopAllChildren);

describe.skipIf(!available)("inspector watching Codex", () => {
  it("shows Codex's turns live: the exec_command call, the translated request, the tool message", async () => {
    const workspace = join(root, "workspace");
    const codexHome = join(root, "codex-home");
    await mkdir(workspace, { recursive: true });
    const bridge = spawnCli([
      "codex",
      "--upstream",
      "mock",
      "--port",
      "0",
      "--codex-home",
      codexHome,
      "--inspect",
    ]);
    await readyURL(bridge);
    const [, pageURL] = (await bridge.waitForOutput(
      /inspector: (http:\/\/\S+\/__inspector\/)/,
    )) as unknown as [string, string];
    const page = await chromium!.context.newPage();
    await page.goto(pageURL);
    await expect.poll(() => page.locator("#feed-status").textContent()).toBe("Live");

    const run = await runCodexExec({
      codexHome,
      workspace,
      home: join(root, "home"),
      prompt: "run: echo inspected",
      timeoutMs: 90_000,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.lastMessage).toContain("Done: I ran `echo inspected`");

    // Two turns: the call, then the answer after the tool's output.
    await expect.poll(() => page.getByRole("option").count()).toBe(2);
    const older = page.getByRole("option").nth(1);
    await older.click();
    await expect
      .poll(() => page.locator(".tool-call").first().textContent())
      .toBe('exec_command({"cmd":"echo inspected"})');
    const notes = await page.locator("#notes").textContent();
    expect(notes).toContain("developer message");
    expect(notes).toContain("(namespace flattened)");
    expect(await page.locator("#request-items").textContent()).toContain("message · developer");
    await mkdir(join(REPO_ROOT, ".tmp"), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, ".tmp", "inspector-codex.png") });
    // The README's picture: RB_UPDATE_SCREENSHOT=1 pnpm test:e2e refreshes docs/inspector.png.
    if (process.env.RB_UPDATE_SCREENSHOT) {
      await copyFile(
        join(REPO_ROOT, ".tmp", "inspector-codex.png"),
        join(REPO_ROOT, "docs", "inspector.png"),
      );
    }

    await page.getByRole("option").nth(0).click();
    const toolMessage = page.locator("#chat-messages li.k-tool");
    await expect.poll(() => toolMessage.count()).toBe(1);
    expect(await toolMessage.textContent()).toContain("inspected");
    await page.close();
    expect((await bridge.stop("SIGTERM")).code).toBe(0);
  });
});
