// What a Codex-like client receives over a real socket when the chat model calls apply_patch,
// shows reasoning, or calls a namespaced tool: driven with the real captured Codex request bodies.
import { readFileSync } from "node:fs";
import { parseSSE } from "@responses-bridge/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./utils/harness.js";

/** The request body of a captured Codex request (the capture also holds headers and timing). */
const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/codex/${name}`, import.meta.url), "utf8")).body;
const PATCH =
  '*** Begin Patch\n*** Update File: src/app.ts\n@@\n-const a = "x";\n+const a = "y\\n"; // ünïcødé ✓\n*** End Patch\n';

async function post(harness: Harness, body: unknown) {
  const response = await fetch(`${harness.url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  return parseSSE(await response.text()).map((message) => JSON.parse(message.data) as Record<string, any>);
}

describe("Codex request shapes end to end", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness?.close();
  });

  it.each([1, 3, 7, 64])(
    "apply_patch comes back as a custom_tool_call with the exact patch (chunk size %i)",
    async (chunkSize) => {
      harness = await startHarness("node");
      const request = fixture("patch-turn1-request.json");
      harness.backend.enqueue({
        toolCalls: [{ name: "apply_patch", arguments: JSON.stringify({ input: PATCH }) }],
        chunkSize,
      });
      const events = await post(harness, request);
      const sent = harness.backend.requests.at(-1)!.body!;
      const names = (sent.tools ?? []).map((tool: any) => tool.function?.name);
      expect(names).toEqual(expect.arrayContaining(["exec_command", "write_stdin", "apply_patch"]));
      expect(names).not.toContain("web_search");
      const done = events
        .filter((event) => event.type === "response.output_item.done")
        .map((event) => event.item);
      expect(done).toEqual([
        expect.objectContaining({ type: "custom_tool_call", name: "apply_patch", input: PATCH }),
      ]);
      const deltas = events
        .filter((event) => event.type === "response.custom_tool_call_input.delta")
        .map((event) => event.delta);
      expect(deltas.join("")).toBe(PATCH);
      expect(events.at(-1)).toMatchObject({ type: "response.completed" });
      expect(events.at(-1)?.response.output[0]).toMatchObject({ type: "custom_tool_call", input: PATCH });
    },
  );

  it("turn 2 sends the custom call and its output back to the chat model as a tool round trip", async () => {
    harness = await startHarness("node");
    harness.backend.enqueue({ text: "Patched." });
    const events = await post(harness, fixture("patch-turn2-request.json"));
    expect(events.at(-1)).toMatchObject({ type: "response.completed" });
    const messages = harness.backend.requests.at(-1)!.body!.messages as any[];
    const call = messages.find(
      (message) => message.role === "assistant" && message.tool_calls?.[0]?.function?.name === "apply_patch",
    );
    expect(call).toBeDefined();
    const toolMessage = messages.find(
      (message) => message.role === "tool" && message.tool_call_id === call.tool_calls[0].id,
    );
    expect(toolMessage?.content).toContain("Success");
  });

  it("reasoning from the upstream arrives as a reasoning item with summary events before the message", async () => {
    harness = await startHarness("node");
    harness.backend.enqueue({ reasoning: "The user wants a greeting.", text: "Hello!" });
    const request = { ...fixture("turn1-request.json"), reasoning: { effort: "medium", summary: "auto" } };
    const events = await post(harness, request);
    const done = events
      .filter((event) => event.type === "response.output_item.done")
      .map((event) => event.item);
    expect(done.map((item) => item.type)).toEqual(["reasoning", "message"]);
    expect(done[0].summary).toEqual([{ type: "summary_text", text: "The user wants a greeting." }]);
    expect(done[0].encrypted_content).toEqual(expect.any(String));
    const summaryDelta = events.find((event) => event.type === "response.reasoning_summary_text.delta");
    expect(summaryDelta).toMatchObject({ summary_index: 0 });
  });

  it("reasoning echoed back by a stateless client never breaks the next request", async () => {
    harness = await startHarness("node");
    harness.backend.enqueue({ text: "ok" });
    const events = await post(harness, fixture("reasoning-turn2-request.json"));
    expect(events.at(-1)).toMatchObject({ type: "response.completed" });
  });
});
