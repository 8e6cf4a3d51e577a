import { describe, expect, it, vi } from "vitest";
import { createResponsesHandler } from "../create-responses-handler.js";
import { createMemoryStore } from "../store/memory-store.js";
import { chunk, completion } from "../testing/chunks.js";
import type { ResponseStore } from "../types.js";
import { openAICompatibleUpstream } from "../upstream/openai-compatible-upstream.js";

const frame = (...args: Parameters<typeof chunk>) => `data: ${JSON.stringify(chunk(...args))}\n\n`;

/** A handler whose upstream answers with its whole stream in one read, ending in "last words". */
function handlerWith(store: ResponseStore, onError?: (error: Error) => void) {
  const sse = `${frame({ role: "assistant", content: "" })}${frame({ content: "first, " })}${frame({ content: "last words" })}${frame({}, "stop")}data: [DONE]\n\n`;
  return createResponsesHandler({
    upstream: openAICompatibleUpstream({
      baseURL: "http://upstream.test/v1",
      fetch: async (_url, init) =>
        typeof init.body === "string" && init.body.includes('"stream":true')
          ? new Response(sse, { headers: { "content-type": "text/event-stream" } })
          : Response.json(completion({ content: "hi" })),
    }),
    store,
    ...(onError ? { onError } : {}),
  });
}

/** Starts a streamed call; `pieces` fills as the body's chunks arrive, `done` settles at its end. */
async function stream(handler: ReturnType<typeof handlerWith>) {
  const response = await handler.fetch(
    new Request("http://bridge.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi", stream: true }),
    }),
  );
  const pieces: string[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    for (let next = await reader.read(); !next.done; next = await reader.read()) pieces.push(next.value);
  })();
  return { pieces, done, text: () => pieces.join("") };
}

describe("saving the turn at the end of a reply", () => {
  it("leaves in one piece with its last text when the store answers at once", async () => {
    const { pieces, done } = await stream(handlerWith(createMemoryStore()));
    await done;
    const last = pieces.at(-1)!;
    expect(last).toContain('"delta":"last words"');
    expect(last).toContain("event: response.output_text.done");
    expect(last.trimEnd().split("\n\n").at(-1)).toMatch(/^event: response\.completed\n/);
  });

  it("does not hold the last text back while a store that waits on I/O saves the turn", async () => {
    const memory = createMemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let puts = 0;
    const slow: ResponseStore = {
      get: (id, scope) => memory.get(id, scope),
      delete: (id, scope) => memory.delete(id, scope),
      put: async (record, scope) => {
        puts++;
        await gate;
        await memory.put(record, scope);
      },
    };
    const { text, done } = await stream(handlerWith(slow));
    // The text and the items' closing events arrive while the store is still saving; the Response's end
    // waits for it, so a client that chains from `response.completed` finds the turn stored.
    await vi.waitFor(() => expect(text()).toContain("event: response.output_item.done"));
    expect(text()).toContain('"delta":"last words"');
    expect(puts).toBe(1);
    expect(text()).not.toContain("response.completed");
    release();
    await done;
    expect(text().trimEnd().split("\n\n").at(-1)).toMatch(/^event: response\.completed\n/);
    const id = /"id":"(resp_[^"]+)"/.exec(text())![1]!;
    expect(await memory.get(id)).toBeDefined();
  });

  it("a store that fails, by throwing or by rejecting, costs the client nothing and is reported", async () => {
    const memory = createMemoryStore();
    const failures = {
      throws: () => {
        throw new Error("store exploded");
      },
      rejects: async () => {
        throw new Error("store exploded");
      },
    };
    for (const [how, put] of Object.entries(failures)) {
      const reported: string[] = [];
      const store: ResponseStore = { get: memory.get, delete: memory.delete, put };
      const handler = handlerWith(store, (error) => reported.push((error.cause as Error).message));
      const { text, done } = await stream(handler);
      await done;
      expect(text().trimEnd().split("\n\n").at(-1), how).toMatch(/^event: response\.completed\n/);
      const json = await handler.fetch(
        new Request("http://bridge.test/v1/responses", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "m", input: "hi" }),
        }),
      );
      expect(json.status, how).toBe(200);
      expect(JSON.stringify(await json.json()), how).toContain('"status":"completed"');
      expect(reported, how).toHaveLength(2);
      expect(reported[0], how).toMatch(/store exploded/);
    }
  });
});
