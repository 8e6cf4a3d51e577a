// The Conversations API with the real `openai` SDK as client, on the memory store: create, retrieve,
// update, delete, items (add, list with pagination, retrieve, delete), and `conversation` on
// `POST /v1/responses` reading the conversation as history and appending each turn to it.
import { createMemoryStore, type ResponseStore } from "@responses-bridge/core";
import type OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./utils/harness.js";
import { apiError, openAIClient } from "./utils/openai-client.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const textOf = (item: unknown) =>
  ((item as { content?: Array<{ text?: string }> }).content ?? []).map((part) => part.text).join("");

describe("Conversations API (memory store)", () => {
  it("creates, retrieves, updates and deletes a conversation", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    const created = await sdk.conversations.create({
      metadata: { topic: "demo" },
      items: [{ type: "message", role: "user", content: "Hello!" }],
    });
    expect(created).toMatchObject({ object: "conversation", metadata: { topic: "demo" } });
    expect(created.id).toMatch(/^conv_/);
    expect(typeof created.created_at).toBe("number");
    expect(await sdk.conversations.retrieve(created.id)).toEqual(created);
    const updated = await sdk.conversations.update(created.id, { metadata: { topic: "changed" } });
    expect(updated.metadata).toEqual({ topic: "changed" });
    const items = await sdk.conversations.items.list(created.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({ type: "message", role: "user", status: "completed" });
    expect(textOf(items.data[0])).toBe("Hello!");
    expect(await sdk.conversations.delete(created.id)).toEqual({
      id: created.id,
      object: "conversation.deleted",
      deleted: true,
    });
    expect((await apiError(sdk.conversations.retrieve(created.id))).status).toBe(404);
  });

  it("adds, lists (paginated, both orders), retrieves and deletes items", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    const { id } = await sdk.conversations.create({});
    const added = await sdk.conversations.items.create(id, {
      items: Array.from({ length: 5 }, (_, index) => ({
        type: "message" as const,
        role: "user" as const,
        content: `message ${index}`,
      })),
    });
    expect(added).toMatchObject({ object: "list", has_more: false });
    expect(added.data).toHaveLength(5);
    expect(added.first_id).toBe(added.data[0]!.id);
    expect(added.last_id).toBe(added.data[4]!.id);

    // Default order is newest first; the SDK's auto-pagination follows `last_id` with `after`.
    const page = await sdk.conversations.items.list(id, { limit: 2 });
    expect(page.data.map(textOf)).toEqual(["message 4", "message 3"]);
    expect(page.has_more).toBe(true);
    const all: string[] = [];
    for await (const item of sdk.conversations.items.list(id, { limit: 2, order: "asc" })) {
      all.push(textOf(item));
    }
    expect(all).toEqual(["message 0", "message 1", "message 2", "message 3", "message 4"]);

    const second = added.data[1]!.id!;
    const item = await sdk.conversations.items.retrieve(second, { conversation_id: id });
    expect(textOf(item)).toBe("message 1");
    const after = await sdk.conversations.items.delete(second, { conversation_id: id });
    expect(after).toMatchObject({ id, object: "conversation" });
    expect((await apiError(sdk.conversations.items.retrieve(second, { conversation_id: id }))).status).toBe(
      404,
    );
    const left = await sdk.conversations.items.list(id, { order: "asc" });
    expect(left.data.map(textOf)).toEqual(["message 0", "message 2", "message 3", "message 4"]);
  });

  it("answers OpenAI-shaped errors for bad input", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    const { id } = await sdk.conversations.create({});
    const tooMany = await apiError(
      sdk.conversations.items.create(id, {
        items: Array.from({ length: 21 }, () => ({
          type: "message" as const,
          role: "user" as const,
          content: "x",
        })),
      }),
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.param).toBe("items");
    const badId = await apiError(sdk.conversations.retrieve("resp_123"));
    expect(badId.status).toBe(400);
    const unknown = await apiError(sdk.conversations.retrieve("conv_unknown"));
    expect(unknown.status).toBe(404);
    const badLimit = await apiError(sdk.conversations.items.list(id, { limit: 1000 }));
    expect(badLimit.status).toBe(400);
    const badMetadata = await apiError(
      sdk.conversations.create({ metadata: { x: "y".repeat(513) } as Record<string, string> }),
    );
    expect(badMetadata.status).toBe(400);
  });

  it("conversation on responses.create: history in, turn appended, echoed in the Response", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    const conversation = await sdk.conversations.create({
      items: [{ type: "message", role: "developer", content: "Be brief." }],
    });
    harness.backend.enqueue({ text: "Hi Ada." }, { text: "Your name is Ada." });
    const first = await sdk.responses.create({
      model: "scripted-model",
      input: "My name is Ada.",
      conversation: conversation.id,
    });
    expect(first.conversation).toEqual({ id: conversation.id });
    const second = await sdk.responses.create({
      model: "scripted-model",
      input: "What is my name?",
      conversation: { id: conversation.id },
      stream: true,
    });
    let final: OpenAI.Responses.Response | undefined;
    for await (const event of second) if (event.type === "response.completed") final = event.response;
    expect(final?.conversation).toEqual({ id: conversation.id });
    expect(textOf(final?.output[0])).toBe("Your name is Ada.");

    // The second upstream call saw the whole conversation as history.
    const messages = (
      harness.backend.requests.at(-1)!.body as { messages: Array<{ role: string; content: unknown }> }
    ).messages;
    expect(messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(JSON.stringify(messages)).toContain("My name is Ada.");
    expect(JSON.stringify(messages)).toContain("Hi Ada.");

    const items = await sdk.conversations.items.list(conversation.id, { order: "asc" });
    expect(items.data.map((item) => [item.type, (item as { role?: string }).role, textOf(item)])).toEqual([
      ["message", "developer", "Be brief."],
      ["message", "user", "My name is Ada."],
      ["message", "assistant", "Hi Ada."],
      ["message", "user", "What is my name?"],
      ["message", "assistant", "Your name is Ada."],
    ]);
    expect(items.data[2]!.id).toBe(first.output[0]!.id);
  });

  it("conversation errors: unknown id is a 404, with previous_response_id a 400", async () => {
    harness = await startHarness("node");
    const sdk = openAIClient(harness.url);
    const unknown = await apiError(
      sdk.responses.create({ model: "scripted-model", input: "hi", conversation: "conv_nope" }),
    );
    expect(unknown.status).toBe(404);
    const { id } = await sdk.conversations.create({});
    const both = await apiError(
      sdk.responses.create({
        model: "scripted-model",
        input: "hi",
        conversation: id,
        previous_response_id: "resp_abc",
      }),
    );
    expect(both.status).toBe(400);
    expect(both.param).toBe("conversation");
    expect(harness.backend.requests).toHaveLength(0);
  });

  it("is tenant-scoped", async () => {
    harness = await startHarness("node", {
      handler: {
        authenticate: ({ headers }) => ({ tenant: headers.get("authorization")?.slice(7) ?? "" }),
      },
    });
    const alice = openAIClient(harness.url, "alice");
    const bob = openAIClient(harness.url, "bob");
    const { id } = await alice.conversations.create({
      items: [{ type: "message", role: "user", content: "secret" }],
    });
    expect((await apiError(bob.conversations.retrieve(id))).status).toBe(404);
    expect((await apiError(bob.conversations.items.list(id))).status).toBe(404);
    expect((await apiError(bob.conversations.delete(id))).status).toBe(404);
    expect((await alice.conversations.items.list(id)).data).toHaveLength(1);
  });

  it("a store without conversations answers a clear 400", async () => {
    const memory = createMemoryStore();
    const plain: ResponseStore = {
      get: (id, scope) => memory.get(id, scope),
      put: (record, scope) => memory.put(record, scope),
      delete: (id, scope) => memory.delete(id, scope),
    };
    harness = await startHarness("node", { handler: { store: plain } });
    const sdk = openAIClient(harness.url);
    const error = await apiError(sdk.conversations.create({}));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/Conversations are not supported/);
    const onCreate = await apiError(
      sdk.responses.create({ model: "scripted-model", input: "hi", conversation: "conv_abc" }),
    );
    expect(onCreate.status).toBe(400);
    expect(onCreate.param).toBe("conversation");
  });
});
