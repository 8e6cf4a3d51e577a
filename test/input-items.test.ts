// GET /v1/responses/{id}/input_items through the real openai SDK, including its auto-pagination.
import type OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./utils/harness.js";
// The client the harness uses (openai 7 on the Node 24 leg): its own error classes.
import { OpenAIClient } from "./utils/openai-client.js";

describe("input_items", () => {
  let harness: Harness;
  afterEach(async () => {
    await harness?.close();
  });

  async function createWithInputs(count: number) {
    harness = await startHarness("node");
    harness.backend.enqueue({ text: "ok" });
    const input: OpenAI.Responses.ResponseInputItem[] = Array.from({ length: count }, (_, index) => ({
      type: "message" as const,
      role: "user" as const,
      content: `message ${index}`,
    }));
    return harness.client.responses.create({ model: "m", input });
  }

  it("lists a turn's input items newest first, each with an id and input_text parts", async () => {
    const created = await createWithInputs(3);
    const page = await harness.client.responses.inputItems.list(created.id);
    expect(page.data.map((item) => (item as { content: Array<{ text: string }> }).content[0]?.text)).toEqual([
      "message 2",
      "message 1",
      "message 0",
    ]);
    for (const item of page.data) {
      expect(item).toMatchObject({ type: "message", role: "user", status: "completed" });
      expect((item as { id: string }).id).toMatch(/^msg_/);
      expect((item as { content: unknown[] }).content).toEqual([
        { type: "input_text", text: expect.any(String) },
      ]);
    }
  });

  it("paginates with limit/after/order, and the SDK's auto-pagination visits every item once", async () => {
    const created = await createWithInputs(7);
    const first = await harness.client.responses.inputItems.list(created.id, { limit: 3, order: "asc" });
    expect(first.data).toHaveLength(3);
    expect(first.has_more).toBe(true);
    const texts: string[] = [];
    for await (const item of harness.client.responses.inputItems.list(created.id, {
      limit: 3,
      order: "asc",
    })) {
      texts.push((item as { content: Array<{ text: string }> }).content[0]!.text);
    }
    expect(texts).toEqual(Array.from({ length: 7 }, (_, index) => `message ${index}`));
    const after = await harness.client.responses.inputItems.list(created.id, {
      order: "asc",
      after: (first.data[2] as { id: string }).id,
      limit: 2,
    });
    expect(after.data.map((item) => (item as { content: Array<{ text: string }> }).content[0]?.text)).toEqual(
      ["message 3", "message 4"],
    );
  });

  it("answers 404 for an unknown response and 400 for a bad limit", async () => {
    const created = await createWithInputs(1);
    await expect(harness.client.responses.inputItems.list("resp_unknown")).rejects.toBeInstanceOf(
      OpenAIClient.NotFoundError,
    );
    await expect(harness.client.responses.inputItems.list(created.id, { limit: 0 })).rejects.toBeInstanceOf(
      OpenAIClient.BadRequestError,
    );
  });
});
