// Streaming behaviour every adapter must share: headers and the first events go out before the
// upstream finishes, a client that leaves aborts the upstream (also before its first byte), and a
// client that stops reading makes the bridge stop pulling the upstream (bounded memory).
import { type ClientRequest, type IncomingMessage, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, MOUNTS, startHarness } from "./utils/harness.js";

/** POSTs a streaming request with node:http and resolves with the response, unread and paused. */
function postStream(
  url: string,
  body: unknown,
): Promise<{ request: ClientRequest; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    outgoing.once("response", (response) => {
      response.pause();
      resolve({ request: outgoing, response });
    });
    outgoing.once("error", reject);
    outgoing.end(JSON.stringify({ model: "m", input: "go", stream: true, ...(body as object) }));
  });
}

/** Reads the paused response until `text` appeared; resolves with what was read. */
function readUntil(response: IncomingMessage, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      // Only the tail is searched (and kept), so megabytes of events stay linear.
      seen = (seen.slice(-text.length) + chunk.toString()).slice(-1_000_000);
      if (!seen.includes(text)) return;
      response.off("data", onData);
      response.pause();
      resolve(seen);
    };
    response.on("data", onData);
    response.once("end", () => reject(new Error(`the stream ended without ${text}:\n${seen}`)));
    response.resume();
  });
}

describe.each(MOUNTS)("streaming through the %s mount", (mount) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("sends headers and the first events while the upstream is still streaming", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "slow and steady", chunkSize: 1, delayMs: 30 });
    const { response } = await postStream(harness.url, {});
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/event-stream");
    await readUntil(response, "response.output_text.delta");
    expect(harness.backend.requests.at(-1)?.completed).toBe(false);
    await readUntil(response, "response.completed");
  });

  it("a client that disconnects mid-stream aborts the upstream", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "x".repeat(500), chunkSize: 1, delayMs: 10 });
    const { request: outgoing, response } = await postStream(harness.url, {});
    await readUntil(response, "response.output_text.delta");
    outgoing.destroy();
    await eventually(() => harness?.backend.requests.at(-1)?.aborted === true);
    expect(harness.backend.requests.at(-1)?.completed).toBe(false);
  });

  it("a client that disconnects before the upstream's first byte aborts the upstream", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "too late", firstByteDelayMs: 3000 });
    const outgoing = request(`${harness.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    outgoing.on("error", () => {});
    outgoing.end(JSON.stringify({ model: "m", input: "go", stream: true }));
    await eventually(() => harness?.backend.requests.length === 1);
    outgoing.destroy();
    await eventually(() => harness?.backend.requests.at(-1)?.aborted === true);
  });

  it("a client that stops reading makes the bridge stop pulling the upstream", async () => {
    harness = await startHarness(mount);
    // About 48 MB of deltas: far more than the socket buffers on both hops can hold.
    const frames = 3000;
    harness.backend.enqueue({ text: "y".repeat(frames * 16_384), chunkSize: 16_384, usage: null });
    const { request: outgoing } = await postStream(harness.url, {});
    const record = () => harness!.backend.requests.at(-1)!;
    // Wait until the upstream stalls: no frame pulled for a whole second.
    let last = -1;
    let unchanged = 0;
    for (let round = 0; round < 80 && unchanged < 4 && !record().completed; round++) {
      unchanged = record().chunksSent === last ? unchanged + 1 : 0;
      last = record().chunksSent;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(record().completed).toBe(false);
    expect(record().chunksSent).toBeLessThan(frames / 2);
    // The stalled stream still ends cleanly: leaving aborts the upstream.
    outgoing.destroy();
    await eventually(() => record().aborted);
  }, 60_000);
});
