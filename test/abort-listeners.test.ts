// A caller may pass one long-lived AbortSignal to many `handler.handle` calls (a server-wide shutdown
// signal, say). Each call links to it while it runs and must unlink when it ends: listeners that pile
// up are a leak (and Node warns past 10). Checked for JSON and streamed calls, read to the end and
// abandoned early, over the global fetch and over nodeFetch.
import { getEventListeners } from "node:events";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { nodeFetch } from "@responses-bridge/node";
import { createScriptedBackend } from "@responses-bridge/testkit";
import { afterEach, describe, expect, it } from "vitest";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe.each(["fetch", "nodeFetch"] as const)("one shared client signal over %s", (client) => {
  it("collects no abort listeners across JSON and streamed calls", async () => {
    const backend = createScriptedBackend({
      script: () => ({ text: "one two three four five", chunkSize: 4 }),
    });
    const server = await backend.listen();
    closers.push(server.close);
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({
        baseURL: server.url,
        ...(client === "nodeFetch" ? { fetch: nodeFetch() } : {}),
      }),
      keepAliveMs: 0,
    });
    const shared = new AbortController().signal;
    const call = (stream: boolean) =>
      handler.handle({
        method: "POST",
        path: "/v1/responses",
        headers: new Headers(),
        body: { model: "m", input: "hi", stream, store: false },
        signal: shared,
      });
    for (let round = 0; round < 15; round++) {
      const json = await call(false);
      expect(json.kind === "json" && json.status).toBe(200);
      const full = await call(true);
      if (full.kind !== "stream") throw new Error("expected a stream");
      let text = "";
      for await (const piece of full.body) text += piece;
      expect(text).toContain("response.completed");
      // Abandoned after the first piece: the consumer returns early.
      const early = await call(true);
      if (early.kind !== "stream") throw new Error("expected a stream");
      for await (const _piece of early.body) break;
    }
    expect(getEventListeners(shared, "abort")).toHaveLength(0);
  });
});
