import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { afterEach, describe, expect, it } from "vitest";
import { nodeFetch } from "./node-fetch.js";
import { chatCompletion, chatFrame } from "./testing/chat-replies.js";
import { toNodeHandler } from "./to-node-handler.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const frame = chatFrame;
const completion = chatCompletion("Hello");

/** A bridge in front of an upstream that writes its whole streamed reply at once; counts the bridge's socket writes. */
async function bridge(): Promise<{ url: string; writes: () => number }> {
  // About 15 KB from the upstream, about 25 KB of events: more than a socket's 16 KB write buffer.
  const words = Array.from({ length: 100 }, (_, index) => `word${index} `);
  const sse = `${frame({ role: "assistant", content: "" })}${words.map((content) => frame({ content })).join("")}${frame({}, "stop")}data: [DONE]\n\n`;
  const upstream = await listen(
    createServer((req, res) => {
      let body = "";
      req.on("data", (part: Buffer) => {
        body += part;
      });
      req.on("end", () => {
        if (JSON.parse(body).stream) {
          res.writeHead(200, { "content-type": "text/event-stream" });
          res.end(sse);
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(completion));
      });
    }),
  );
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({ baseURL: `${upstream}/v1`, fetch: nodeFetch() }),
  });
  let writes = 0;
  const server = createServer(toNodeHandler(handler));
  server.on("connection", (socket: Socket) => {
    const internals = socket as unknown as Record<"_write" | "_writev", (...args: unknown[]) => unknown>;
    for (const method of ["_write", "_writev"] as const) {
      const original = internals[method];
      internals[method] = function (this: Socket, ...args: unknown[]) {
        writes++;
        return original.apply(this, args);
      };
    }
  });
  return { url: await listen(server), writes: () => writes };
}

describe("writeResult", () => {
  it("sends the end of a stream with its last events, even when they filled the socket buffer", async () => {
    const { url, writes } = await bridge();
    const response = await fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi", stream: true }),
    });
    const text = await response.text();
    expect(text.startsWith("event: response.created\n")).toBe(true);
    expect(text).toContain('"delta":"word99 "');
    expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^event: response\.completed\n/);
    // The upstream answered before the first events were ready, and its reply came in one read: one
    // write for all of it (a wait for the buffer to drain before ending would make it two).
    expect(writes()).toBe(1);
  });

  it("sends a JSON answer in one write", async () => {
    const { url, writes } = await bridge();
    const response = await fetch(`${url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi" }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: Array<{ content?: Array<{ text?: string }> }> };
    expect(body.output[0]?.content?.[0]?.text).toBe("Hello");
    expect(writes()).toBe(1);
  });
});
