// `responses-bridge serve --upstream mock --inspect` watched in a real headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) while the real openai SDK runs tool-call turns.

import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import OpenAI from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ChildRun, REPO_ROOT, readyURL, spawnCli, stopAllChildren } from "./e2e/support/cli-process.js";
import { chromiumAvailable, launchChromium } from "./utils/chromium.js";

const available = chromiumAvailable();

const TOOLS: OpenAI.Responses.Tool[] = [
  {
    type: "function",
    name: "exec_command",
    description: "Runs a shell command and returns its output.",
    parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] },
    strict: false,
  },
];

let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;

beforeAll(async () => {
  if (available) chromium = await launchChromium();
});
afterAll(async () => {
  await chromium?.close();
});
afterEach(stopAllChildren);

async function streamTurn(
  client: OpenAI,
  params: Omit<OpenAI.Responses.ResponseCreateParamsStreaming, "stream">,
): Promise<{ events: ResponseStreamEvent[]; response: OpenAI.Responses.Response }> {
  const stream = await client.responses.create({ ...params, stream: true });
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  const done = events.at(-1);
  if (done?.type !== "response.completed") throw new Error(`turn ended with ${done?.type}`);
  return { events, response: done.response };
}

async function inspectorURL(bridge: ChildRun): Promise<string> {
  const [, url] = await bridge.waitForOutput(/inspector: (http:\/\/\S+\/__inspector\/)/);
  return url as string;
}

function option(page: Page, index: number) {
  return page.getByRole("listbox", { name: "Recent turns" }).getByRole("option").nth(index);
}

describe.skipIf(!available)("inspector in a real browser", { timeout: 90_000 }, () => {
  it("shows tool-call turns live: the call and its arguments, the tool message, the timeline", async () => {
    const bridge = spawnCli(["serve", "--upstream", "mock", "--port", "0", "--inspect"]);
    const url = await readyURL(bridge);
    const pageURL = await inspectorURL(bridge);
    expect(pageURL).toBe(`${url.replace(/\/v1$/, "")}/__inspector/`);

    const page = await chromium!.context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    await page.goto(pageURL);
    await expect.poll(() => page.locator("#feed-status").textContent()).toBe("Live");
    expect(await page.getByText("No turns yet").isVisible()).toBe(true);

    // Turn 1: the model calls exec_command. The page was loaded before it: it must appear without reload.
    const client = new OpenAI({
      baseURL: url,
      apiKey: "sk-client-key-should-be-redacted-123",
      maxRetries: 0,
    });
    const first = await streamTurn(client, { model: "mock", input: "run: ls -la", tools: TOOLS });
    const call = first.response.output.find((item) => item.type === "function_call");
    expect(call?.type === "function_call" && call.name).toBe("exec_command");
    await expect.poll(() => page.getByRole("option").count()).toBe(1);
    await expect.poll(() => option(page, 0).textContent()).toContain("completed");
    expect(await option(page, 0).textContent()).toContain("exec_command");

    // The selected turn shows the call with its arguments, and the request headers are redacted.
    await expect
      .poll(() => page.locator(".tool-call").first().textContent())
      .toBe('exec_command({"cmd":"ls -la"})');
    expect(await page.locator("#chat-messages").textContent()).toContain("user");

    // The timeline has exactly the events the SDK received, and the chunks the upstream sent.
    await page.getByRole("tab", { name: "Timeline" }).click();
    await expect
      .poll(() => page.locator("#timeline-counts").textContent())
      .toContain(`${first.events.length} Responses events sent`);
    expect(await page.locator("#timeline .event").count()).toBe(first.events.length);
    expect(await page.locator("#timeline tbody").textContent()).toContain(
      "response.function_call_arguments.delta",
    );

    // Turn 2: the tool's output goes back; the chat request carries it as a tool message.
    const second = await streamTurn(client, {
      model: "mock",
      previous_response_id: first.response.id,
      input: [
        {
          type: "function_call_output",
          call_id: call!.type === "function_call" ? call!.call_id : "",
          output: "README.md\npackage.json",
        },
      ],
      tools: TOOLS,
    });
    await expect.poll(() => page.getByRole("option").count()).toBe(2);
    // Newest first, followed automatically.
    await expect.poll(() => option(page, 0).getAttribute("aria-selected")).toBe("true");
    await page.getByRole("tab", { name: "Translation" }).click();
    const toolMessage = page.locator("#chat-messages li.k-tool");
    await expect.poll(() => toolMessage.count()).toBe(1);
    expect(await toolMessage.textContent()).toContain(
      `tool · ${call!.type === "function_call" ? call!.call_id : ""}`,
    );
    expect(await toolMessage.textContent()).toContain("README.md");
    expect(await page.locator("#chat-messages").textContent()).toContain(
      "assistant · tool_call exec_command",
    );
    expect(await page.locator("#notes").textContent()).toContain(
      "function_call_output items -> 1 tool message",
    );
    await page.getByRole("tab", { name: "Response" }).click();
    expect(await page.locator("#chain").textContent()).toContain(first.response.id);
    expect(JSON.stringify(second.response.output)).toContain("Done: I ran `ls -la`");

    // Keyboard: the list is a listbox; arrow keys move the selection, and focus is visible.
    await option(page, 0).focus();
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => option(page, 1).getAttribute("aria-selected")).toBe("true");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe("solid");
    expect(await page.locator("#follow").isChecked()).toBe(false);

    // Export downloads the selected turn as JSON, secrets redacted.
    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export turn (JSON)" }).click();
    const exported = JSON.parse(await readFile((await (await download).path())!, "utf8"));
    expect(exported.format).toBe("responses-bridge.inspector.turn/1");
    expect(exported.summary.toolCalls).toEqual([{ name: "exec_command", arguments: '{"cmd":"ls -la"}' }]);
    expect(exported.headers.authorization).toBe("[redacted]");
    expect(JSON.stringify(exported)).not.toContain("sk-client-key-should-be-redacted-123");

    // Turn 3: a new request in the same conversation makes another call; screenshot it for the README.
    await page.locator("#follow").check();
    await streamTurn(client, {
      model: "mock",
      previous_response_id: second.response.id,
      instructions: "You are a coding agent. Use exec_command to look around.",
      input: "Now run: cat README.md",
      tools: TOOLS,
    });
    await expect.poll(() => page.getByRole("option").count()).toBe(3);
    await expect
      .poll(() => page.locator(".tool-call").first().textContent())
      .toBe('exec_command({"cmd":"cat README.md"})');
    await page.getByRole("tab", { name: "Translation" }).click();
    await mkdir(join(REPO_ROOT, ".tmp"), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, ".tmp", "inspector.png") });
    await page.getByRole("tab", { name: "Timeline" }).click();
    await page.screenshot({ path: join(REPO_ROOT, ".tmp", "inspector-timeline.png") });
    expect(problems).toEqual([]);
    await page.close();
    expect((await bridge.stop("SIGTERM")).code).toBe(0);
  });
});
