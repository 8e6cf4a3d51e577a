// The OpenAI Agents SDK's OpenAIConversationsSession against the bridge: the session keeps an agent's
// history in the bridge's Conversations API, so a second run remembers the first.
import { Agent, Runner } from "@openai/agents-core";
import { OpenAIConversationsSession, OpenAIProvider } from "@openai/agents-openai";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./utils/harness.js";

process.env.OPENAI_AGENTS_DISABLE_TRACING = "1";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("Agents SDK: OpenAIConversationsSession", () => {
  it("two runs share one conversation kept by the bridge", async () => {
    harness = await startHarness("node");
    const provider = new OpenAIProvider({ baseURL: harness.url, apiKey: "client-key", useResponses: true });
    const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
    const session = new OpenAIConversationsSession({ baseURL: harness.url, apiKey: "client-key" });
    const agent = new Agent({ name: "assistant", instructions: "Be brief.", model: "scripted-model" });

    harness.backend.enqueue({ text: "Hello Ada." }, { text: "You are Ada." });
    const first = await runner.run(agent, "My name is Ada.", { session });
    expect(first.finalOutput).toBe("Hello Ada.");
    const second = await runner.run(agent, "What is my name?", { session });
    expect(second.finalOutput).toBe("You are Ada.");

    // The second model call carried the first turn, read back from the conversation.
    const body = harness.backend.requests.at(-1)!.body as { messages: Array<{ role: string }> };
    const sent = JSON.stringify(body.messages);
    expect(sent).toContain("My name is Ada.");
    expect(sent).toContain("Hello Ada.");

    const id = await session.getSessionId();
    expect(id).toMatch(/^conv_/);
    const items = await session.getItems();
    const texts = items.map((item) => JSON.stringify(item));
    expect(texts).toHaveLength(4);
    expect(texts[0]).toContain("My name is Ada.");
    expect(texts[3]).toContain("You are Ada.");

    const popped = await session.popItem();
    expect(JSON.stringify(popped)).toContain("You are Ada.");
    expect(await session.getItems()).toHaveLength(3);
    await session.clearSession();
    const response = await fetch(`${harness.url}/conversations/${id}`, {
      headers: { authorization: "Bearer client-key" },
    });
    expect(response.status).toBe(404);
  });
});
