// GET /v1/models through the real openai SDK: the configured names when there are any, else the single
// upstream's own list, passed through and cached for a minute.

import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./utils/harness.js";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const modelListCalls = (h: Harness) =>
  h.backend.requests.filter((request) => request.method === "GET" && request.path.endsWith("/models")).length;

describe("GET /v1/models", () => {
  it("passes a single upstream's own list through, and caches it", async () => {
    let clock = 1_700_000_000_000;
    harness = await startHarness("node", {
      backend: { models: ["llama3.2:3b", "qwen3:8b"] },
      handler: { now: () => clock },
    });
    const first = [];
    for await (const model of harness.client.models.list()) first.push(model.id);
    expect(first).toEqual(["llama3.2:3b", "qwen3:8b"]);
    const one = await harness.client.models.retrieve("qwen3:8b");
    expect(one).toMatchObject({ id: "qwen3:8b", object: "model" });
    expect(modelListCalls(harness)).toBe(1);
    clock += 61_000;
    await harness.client.models.list();
    expect(modelListCalls(harness)).toBe(2);
    await expect(harness.client.models.retrieve("nope")).rejects.toMatchObject({ status: 404 });
  });

  it("lists the configured model names, not the upstream's", async () => {
    harness = await startHarness("node", { handler: { models: ["gpt-oss-20b"] } });
    const ids = [];
    for await (const model of harness.client.models.list()) ids.push(model.id);
    expect(ids).toEqual(["gpt-oss-20b"]);
    expect(modelListCalls(harness)).toBe(0);
  });

  it("answers the upstream's failure as an error, not cached: the next request asks again", async () => {
    let calls = 0;
    const handler = createResponsesHandler({
      logger: false,
      upstream: openAICompatibleUpstream({
        baseURL: "http://upstream.test/v1",
        fetch: async () => {
          calls++;
          return calls === 1
            ? new Response("down", { status: 503 })
            : Response.json({ object: "list", data: [{ id: "m1", object: "model", owned_by: "me" }] });
        },
      }),
    });
    const get = () => handler.fetch(new Request("http://bridge.test/v1/models"));
    const failed = await get();
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: { type: string } }).error.type).toBe("server_error");
    const ok = await get();
    expect(await ok.json()).toEqual({
      object: "list",
      data: [{ id: "m1", object: "model", created: expect.any(Number), owned_by: "me" }],
    });
    expect(calls).toBe(2);
  });
});
