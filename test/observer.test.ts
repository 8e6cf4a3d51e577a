// The core observer hook: what an observer sees of each request, with the real openai SDK as client.

import type { BridgeObserver, ObservedRequest, RequestObserver } from "@responses-bridge/core";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "./utils/harness.js";

interface Seen {
  request: ObservedRequest;
  calls: string[];
  ends: Parameters<RequestObserver["end"]>[0][];
}

function recorder(options: { headers?: Record<string, string> } = {}) {
  const seen: Seen[] = [];
  const observer: BridgeObserver = {
    request(request) {
      const entry: Seen = { request, calls: [], ends: [] };
      seen.push(entry);
      return {
        parsed: (body) => entry.calls.push(`parsed:${body.model}`),
        upstreamRequest: ({ model, attempt }) => {
          entry.calls.push(`upstreamRequest:${model}:${attempt}`);
          return options.headers;
        },
        upstreamResponse: ({ ok, error }) =>
          entry.calls.push(`upstreamResponse:${ok}${error ? `:${error.status}` : ""}`),
        upstreamChunk: () => entry.calls.push("chunk"),
        upstreamCompletion: () => entry.calls.push("completion"),
        event: (event) => entry.calls.push(event.type),
        end: (outcome) => {
          entry.calls.push("end");
          entry.ends.push(outcome);
        },
      };
    },
  };
  return { seen, observer };
}

/** Collapses runs of the same call ("chunk", deltas) so orders compare readably. */
function squash(calls: string[]): string[] {
  return calls.filter((call, index) => call !== calls[index - 1]);
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("observer hook", () => {
  it("sees a streamed turn in order and ends it exactly once", async () => {
    const { seen, observer } = recorder();
    harness = await startHarness("node", { handler: { observer } });
    harness.backend.enqueue({
      text: "Hello there, friend",
      usage: { prompt_tokens: 5, completion_tokens: 4 },
    });
    const stream = await harness.client.responses.create({ model: "m1", input: "hi", stream: true });
    for await (const _event of stream) {
      // read to the end
    }
    await eventually(() => seen[0]?.ends.length === 1);
    const [entry] = seen;
    expect(entry!.request).toMatchObject({ method: "POST", path: "/v1/responses", route: "responses" });
    expect(entry!.request.headers.get("authorization")).toBe("Bearer client-key");
    const calls = squash(entry!.calls);
    expect(calls.slice(0, 4)).toEqual([
      "parsed:m1",
      "upstreamRequest:m1:1",
      "upstreamResponse:true",
      "response.created",
    ]);
    expect(calls).toContain("chunk");
    expect(calls.indexOf("response.output_text.delta")).toBeGreaterThan(calls.indexOf("chunk"));
    expect(calls.slice(-2)).toEqual(["response.completed", "end"]);
    expect(entry!.ends).toHaveLength(1);
    expect(entry!.ends[0]).toMatchObject({ status: 200, response: { status: "completed" } });
    expect(entry!.ends[0]!.response!.usage).toMatchObject({ input_tokens: 5, output_tokens: 4 });
    expect(entry!.ends[0]!.aborted).toBeUndefined();
  });

  it("calls firstToken once per stream, before the first delta event, and never for JSON", async () => {
    const calls: string[] = [];
    let watchEvents = false;
    const observer: BridgeObserver = {
      request: () => ({
        upstreamResponse: () => calls.push("upstreamResponse"),
        firstToken: () => calls.push("firstToken"),
        ...(watchEvents ? { event: (event) => calls.push(event.type) } : {}),
        end: () => calls.push("end"),
      }),
    };
    harness = await startHarness("node", { handler: { observer } });
    const streamed = async () => {
      calls.length = 0;
      harness!.backend.enqueue({ reasoning: "think", text: "Hello there, friend" });
      const stream = await harness!.client.responses.create({ model: "m1", input: "hi", stream: true });
      for await (const _event of stream) {
        // read to the end
      }
      await eventually(() => calls.includes("end"));
    };
    await streamed();
    expect(calls).toEqual(["upstreamResponse", "firstToken", "end"]);
    // Beside `event`: once, just before the first delta (a reasoning one here).
    watchEvents = true;
    await streamed();
    expect(calls.filter((call) => call === "firstToken")).toHaveLength(1);
    // It comes with the write that carries the first delta: after `response.created`, before any delta.
    const first = calls.findIndex((call) => call.endsWith(".delta"));
    expect(calls[first]).toBe("response.reasoning_text.delta");
    expect(calls.indexOf("firstToken")).toBeLessThan(first);
    expect(calls.indexOf("firstToken")).toBeGreaterThan(calls.indexOf("response.created"));

    watchEvents = false;
    calls.length = 0;
    harness.backend.enqueue({ text: "ok" });
    await harness.client.responses.create({ model: "m1", input: "hi" });
    await eventually(() => calls.includes("end"));
    expect(calls).toEqual(["upstreamResponse", "end"]);
  });

  it("sees a non-streamed turn and the models route", async () => {
    const { seen, observer } = recorder();
    harness = await startHarness("node", { handler: { observer } });
    harness.backend.enqueue({ text: "ok" });
    const response = await harness.client.responses.create({ model: "m1", input: "hi" });
    await harness.client.models.list();
    expect(seen.map((entry) => entry.request.route)).toEqual(["responses", "models"]);
    expect(seen[0]!.calls).toEqual([
      "parsed:m1",
      "upstreamRequest:m1:1",
      "upstreamResponse:true",
      "completion",
      "end",
    ]);
    expect(seen[0]!.ends[0]).toMatchObject({ status: 200, response: { id: response.id } });
    expect(seen[1]!.ends).toEqual([expect.objectContaining({ status: 200 })]);
  });

  it("reports an upstream failure once, with its status", async () => {
    const { seen, observer } = recorder();
    harness = await startHarness("node", { handler: { observer } });
    harness.backend.enqueue({ error: { status: 503 } });
    await expect(harness.client.responses.create({ model: "m1", input: "hi" })).rejects.toMatchObject({
      status: 503,
    });
    expect(seen[0]!.calls).toEqual([
      "parsed:m1",
      "upstreamRequest:m1:1",
      "upstreamResponse:false:503",
      "end",
    ]);
    expect(seen[0]!.ends).toEqual([expect.objectContaining({ status: 503, error: expect.anything() })]);
  });

  it("marks a stream the client abandoned as aborted, once", async () => {
    const { seen, observer } = recorder();
    harness = await startHarness("node", { handler: { observer } });
    harness.backend.enqueue({ text: "x".repeat(400), chunkSize: 1, delayMs: 20 });
    const controller = new AbortController();
    const stream = await harness.client.responses.create(
      { model: "m1", input: "hi", stream: true },
      { signal: controller.signal },
    );
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta" && ++deltas === 3) controller.abort();
    }
    expect(deltas).toBe(3);
    await eventually(() => (seen[0]?.ends.length ?? 0) > 0);
    // Give a second `end` the chance to happen, then check there was none.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen[0]!.ends).toHaveLength(1);
    expect(seen[0]!.ends[0]).toMatchObject({ status: 200, aborted: true });
  });

  it("adds the headers upstreamRequest returns to the upstream HTTP request", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const { observer } = recorder({ headers: { traceparent } });
    harness = await startHarness("node", { handler: { observer } });
    harness.backend.enqueue({ text: "a" }, { text: "b" });
    await harness.client.responses.create({ model: "m1", input: "hi" });
    const stream = await harness.client.responses.create({ model: "m1", input: "hi", stream: true });
    for await (const _event of stream) {
      // drain
    }
    expect(harness.backend.requests.map((request) => request.headers.traceparent)).toEqual([
      traceparent,
      traceparent,
    ]);
  });

  it("ignores a request when the observer returns nothing or throws", async () => {
    let calls = 0;
    harness = await startHarness("node", {
      handler: {
        observer: {
          request() {
            calls++;
            if (calls === 1) return undefined;
            throw new Error("observer bug");
          },
        },
      },
    });
    harness.backend.enqueue({ text: "a" }, { text: "b" });
    expect((await harness.client.responses.create({ model: "m1", input: "hi" })).output_text).toBe("a");
    expect((await harness.client.responses.create({ model: "m1", input: "hi" })).output_text).toBe("b");
    expect(calls).toBe(2);
  });

  it("sees keep-alive comments and translation warnings", async () => {
    let keepAlives = 0;
    const warnings: string[] = [];
    let ended = 0;
    harness = await startHarness("node", {
      handler: {
        keepAliveMs: 40,
        observer: {
          request: () => ({
            keepAlive: () => keepAlives++,
            warning: (warning) => warnings.push(warning.code),
            end: () => ended++,
          }),
        },
      },
    });
    harness.backend.enqueue({ text: "late", firstByteDelayMs: 400 });
    const stream = await harness.client.responses.create({
      model: "m1",
      input: "hi",
      stream: true,
      tools: [{ type: "web_search" }],
    });
    for await (const _event of stream) {
      // drain
    }
    await eventually(() => ended === 1);
    expect(keepAlives).toBeGreaterThan(0);
    expect(warnings.length).toBeGreaterThan(0);
  });
});
