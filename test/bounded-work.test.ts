// Bounded work per request (issue 17): whatever a body holds, validation stops at its first problem,
// counts no real client reaches are refused up front with a 400 naming the cap, and one hostile body
// does not stall the other clients of the same process.

import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesHandler,
} from "@responses-bridge/core";
import { nodeFetch, toNodeHandler } from "@responses-bridge/node";
import { createScriptedBackend } from "@responses-bridge/testkit";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { spawnChild, TSX_LOADER } from "./e2e/support/cli-process.js";
import { listen, MOUNTS, mountBridge } from "./utils/harness.js";

/** An upstream that answers every chat request with one short reply, without reading the request. */
const tinyUpstream = openAICompatibleUpstream({
  baseURL: "http://upstream.test/v1",
  apiKey: "k",
  fetch: async () =>
    new Response(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "ok" } }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
      { headers: { "content-type": "application/json" } },
    ),
});

function handlerWith(options: Partial<Parameters<typeof createResponsesHandler>[0]> = {}): ResponsesHandler {
  return createResponsesHandler({ upstream: tinyUpstream, keepAliveMs: 0, ...options });
}

async function postJson(url: string, body: string | Uint8Array): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: body as BodyInit,
  });
  return { status: response.status, body: await response.json() };
}

const many = (count: number, value: unknown) => JSON.stringify(new Array(count).fill(value));

/**
 * Posts bodies from another process, as a real client would: its own work on a body of many megabytes
 * (reading, copying, writing it to the socket) and its memory stay off the process being measured.
 * Each body is written to a file up front; a line naming the file makes the client post it and answer
 * with the status.
 */
async function bigBodyClient(url: string, bodies: readonly string[]) {
  const directory = await mkdtemp(join(tmpdir(), "bounded-work-"));
  const files: string[] = [];
  for (const [index, body] of bodies.entries()) {
    files.push(join(directory, `${index}.json`));
    await writeFile(files[index]!, body);
  }
  const child = spawn(
    process.execPath,
    [
      "-e",
      `const { readFileSync } = require("node:fs");
       const lines = require("node:readline").createInterface({ input: process.stdin });
       lines.on("line", async (file) => {
         const response = await fetch(${JSON.stringify(`${url}/responses`)}, {
           method: "POST", headers: { "content-type": "application/json" }, body: readFileSync(file),
         }).catch(() => undefined);
         if (response) await response.arrayBuffer();
         process.stdout.write((response ? response.status : 0) + "\\n");
       });`,
    ],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const statuses = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async post(index: number): Promise<number> {
      child.stdin!.write(`${files[index]}\n`);
      const line = await statuses.next();
      return Number(line.value);
    },
    async close() {
      child.kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * The testkit's scripted upstream in a process of its own (`fixtures/processes/scripted-upstream.ts`):
 * the bridge sends it every byte of a large chat request over loopback, as it would a real backend,
 * while its own work on the request stays off the process being measured.
 */
async function scriptedUpstreamProcess(): Promise<{ url: string; close(): Promise<unknown> }> {
  const run = spawnChild(process.execPath, [
    "--conditions=@responses-bridge/source",
    "--import",
    TSX_LOADER,
    join(import.meta.dirname, "fixtures/processes/scripted-upstream.ts"),
  ]);
  const [, url] = await run.waitForOutput(/^listening (\S+)/m);
  return { url: url!, close: () => run.stop("SIGTERM") };
}

describe.each(MOUNTS)("bad input is a 400, never a 5xx, on %s", (mount) => {
  it("130,000+ invalid elements in tools, include or input; an empty model; a NUL in an id; counts over a cap", async () => {
    // Caps raised far above the arrays, so the early stop of validation itself is what answers.
    const bridge = await mountBridge(
      mount,
      handlerWith({ limits: { maxTools: 1e7, maxInclude: 1e7, maxInputItems: 1e7 } }),
    );
    try {
      for (const field of ["tools", "include", "input"]) {
        const body = `{"model":"m","${field}":${many(140_000, 7)}}`;
        const answer = await postJson(bridge.url, body);
        expect(answer.status, field).toBe(400);
        expect(answer.body.error.param, field).toBe(`${field}.0`);
      }
      const empty = await postJson(bridge.url, JSON.stringify({ model: "", input: "hi" }));
      expect(empty.status).toBe(400);
      expect(empty.body.error.param).toBe("model");
      const nul = await postJson(
        bridge.url,
        JSON.stringify({ model: "m", input: [{ type: "item_reference", id: "acme\u0000msg_1" }] }),
      );
      expect(nul.status).toBe(400);
      expect(nul.body.error).toMatchObject({ param: "input.0.id", type: "invalid_request_error" });
    } finally {
      await bridge.close();
    }
    const capped = await mountBridge(mount, handlerWith());
    try {
      const answer = await postJson(
        capped.url,
        `{"model":"m","input":${many(10_001, { role: "user", content: "x" })}}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ param: "input", code: "array_above_max_length" });
      expect(answer.body.error.message).toContain("10000");
      expect(answer.body.error.message).toContain("maxInputItems");
    } finally {
      await capped.close();
    }
  });
});

describe("caps are configurable and each names its field", () => {
  it.each([
    ["tools", { maxTools: 2 }, { tools: new Array(3).fill({ type: "function", name: "f" }) }, "tools"],
    ["include", { maxInclude: 1 }, { include: ["a", "b"] }, "include"],
    [
      "content parts",
      { maxContentParts: 1 },
      {
        input: [
          {
            role: "user",
            content: [
              { type: "input_text", text: "a" },
              { type: "input_text", text: "b" },
            ],
          },
        ],
      },
      "input.0.content",
    ],
    [
      "input items",
      { maxInputItems: 1 },
      {
        input: [
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ],
      },
      "input",
    ],
    ["metadata keys", { maxMetadataKeys: 1 }, { metadata: { a: "1", b: "2" } }, "metadata"],
  ])("%s", async (_name, limits, fields, param) => {
    const handler = handlerWith({ limits });
    const response = await handler.fetch(
      new Request("http://bridge.test/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", ...fields }),
      }),
    );
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { param: string; message: string } };
    expect(error.param).toBe(param);
    expect(error.message).toMatch(/maximum length 1\b|at most 1 properties|maximum length 2\b/);
  });
});

describe("a turn of thousands of items, handled in slices", () => {
  it("reaches the upstream, is stored and continues exactly as a short one", async () => {
    const backend = createScriptedBackend();
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://upstream.test/v1", fetch: backend.fetch }),
      keepAliveMs: 0,
    });
    const bridge = await listen(createServer(toNodeHandler(handler)));
    const client = new OpenAI({ baseURL: bridge.url, apiKey: "k", maxRetries: 0 });
    // 2,000 items (over every sliced threshold): questions, answers, parallel calls and their outputs.
    const input: OpenAI.Responses.ResponseInputItem[] = [];
    for (let turn = 0; turn < 400; turn++) {
      input.push({ role: "user", content: `question ${turn} ${"é😀".repeat(turn % 50)}` });
      input.push({
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: `a${turn}`, annotations: [] }],
      } as never);
      input.push({ type: "function_call", call_id: `call_${turn}`, name: "f", arguments: `{"n":${turn}}` });
      input.push({ type: "function_call_output", call_id: `call_${turn}`, output: `out ${turn}` });
      input.push({ role: "user", content: [{ type: "input_text", text: `more ${turn}` }] });
    }
    backend.enqueue({ text: "first" }, { text: "second" });
    const tools = [{ type: "function" as const, name: "f", parameters: { type: "object" }, strict: false }];
    const first = await client.responses.create({ model: "m", input, tools, instructions: "be brief" });
    expect(first.output_text).toBe("first");
    const sent = backend.requests[0]!.body!.messages;
    // The system message, then per turn: user, assistant text with its call, the tool output, user.
    expect(sent.length).toBe(1 + 400 * 4);
    expect(sent[0]).toEqual({ role: "system", content: "be brief" });
    expect(sent[2]).toEqual({
      role: "assistant",
      content: "a0",
      tool_calls: [{ id: "call_0", type: "function", function: { name: "f", arguments: '{"n":0}' } }],
    });
    expect(sent.at(-1)).toEqual({ role: "user", content: "more 399" });
    // Stored with an id per item, in order.
    const page = await client.responses.inputItems.list(first.id, { order: "asc", limit: 100 });
    expect(page.data.length).toBe(100);
    expect(page.data.every((item) => typeof item.id === "string" && item.id !== "")).toBe(true);
    expect(page.data[0]).toMatchObject({ type: "message", role: "user", status: "completed" });
    // Continued: the whole stored turn, its reply, then the new input.
    const second = await client.responses.create({
      model: "m",
      previous_response_id: first.id,
      input: "next",
      tools,
    });
    expect(second.output_text).toBe("second");
    const history = backend.requests[1]!.body!.messages;
    expect(history.length).toBe(400 * 4 + 2);
    expect(history.slice(0, -2)).toEqual(sent.slice(1));
    expect(history.slice(-2)).toEqual([
      { role: "assistant", content: "first" },
      { role: "user", content: "next" },
    ]);
    await bridge.close();
  });
});

describe("one hostile body does not stall the other clients", () => {
  it("small requests wait at most 50 ms more (scaled by the load) while near-limit bodies are handled; peak RSS stays a small multiple of the body", async () => {
    // The near-limit bodies go to a bridge whose upstream is a real loopback server reached through
    // `nodeFetch()`, as the CLI runs: every byte of the chat request is serialised, encoded and sent. The
    // small requests go to a second bridge in the same process (same event loop), whose upstream answers
    // at once, so their latency is the wait the large bodies cause and nothing the upstream does.
    const upstream = await scriptedUpstreamProcess();
    const bridge = await listen(
      createServer(
        toNodeHandler(
          handlerWith({
            upstream: openAICompatibleUpstream({ baseURL: upstream.url, apiKey: "k", fetch: nodeFetch() }),
          }),
        ),
      ),
    );
    const smallBridge = await listen(createServer(toNodeHandler(handlerWith())));
    const item = { role: "user", content: "hello there, this is one of very many input items" };
    const bodies = [
      // 600,000 items (about 18 MB): over the input cap.
      `{"model":"m","input":${many(600_000, { role: "user", content: "x" })}}`,
      // 2,000,000 invalid elements (about 4 MB) in an array with no cap of its own.
      `{"model":"m","input":[{"role":"user","content":"x"}],"include":${many(2_000_000, 1)}}`,
      `{"model":"m","tools":[{"type":"namespace","name":"n","tools":${many(2_000_000, 1)}}]}`,
      // The largest accepted count, near the body limit: 10,000 items padded to about 18 MB.
      `{"model":"m","input":${many(10_000, { ...item, content: "y".repeat(1_800) })}}`,
    ];
    const largest = Math.max(...bodies.map((body) => body.length));
    const client = await bigBodyClient(bridge.url, bodies);
    const small = JSON.stringify({ model: "m", input: "hi", store: false });
    try {
      // Warm up (schema built, connections open).
      expect((await postJson(smallBridge.url, small)).status).toBe(200);
      expect((await postJson(bridge.url, small)).status).toBe(200);
      /** One pass: a control window of small requests alone, then the same while each body is handled. */
      const pass = async () => {
        const latencies: number[] = [];
        let done = false;
        const smallStream = (async () => {
          while (!done) {
            const started = performance.now();
            const answer = await postJson(smallBridge.url, small);
            latencies.push(performance.now() - started);
            expect(answer.status).toBe(200);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })();
        // Control: the same small requests with no large body in flight, for the machine's own noise.
        const controlEnd = performance.now() + 1_000;
        while (performance.now() < controlEnd || latencies.length < 20) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const control = Math.max(...latencies.slice(3));
        // The longest the event loop was held while the bodies were handled (any one step, or a pause of
        // the garbage collector).
        const loopDelay = monitorEventLoopDelay({ resolution: 2 });
        loopDelay.enable();
        const statuses: number[] = [];
        /** Per body: the slowest small request that finished while it (or the one before) was handled. */
        const worst: number[] = [];
        for (const [index, body] of bodies.entries()) {
          const mark = latencies.length;
          const started = performance.now();
          statuses.push(await client.post(index));
          // Let the small request in flight finish: it waited on this body.
          const settled = latencies.length;
          while (latencies.length === settled && performance.now() - started < 10_000) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          worst.push(Math.max(0, ...latencies.slice(mark)));
          console.log(
            `body ${(body.length / 2 ** 20).toFixed(1)} MiB: ${(performance.now() - started).toFixed(0)} ms, small max ${worst.at(-1)!.toFixed(0)} ms`,
          );
        }
        loopDelay.disable();
        done = true;
        await smallStream;
        // The goal (issue 17): no other client waits more than 50 ms because of any body up to the
        // limit. Every step of a body over 1 MiB whose work grows with it (decoding, the JSON guard,
        // parsing, validation, translation, item ids, serialising and encoding the chat request, the
        // store's encoding and indexing) runs in slices of a few milliseconds; what remains are the
        // collector's pauses. "Because of it" is the slowest small request beyond the slowest of the
        // control. On a machine running more processes than it has cores, every CPU-bound step (and the
        // wait for a core) stretches by that factor, so the bound does too.
        const oversubscribed = Math.max(1, loadavg()[0]! / availableParallelism());
        const result = {
          statuses,
          count: latencies.length,
          extraWait: Math.max(...worst) - control,
          longestHold: loopDelay.max / 1e6,
          bound: 50 * oversubscribed,
        };
        const median = [...latencies].sort((a, b) => a - b)[latencies.length >> 1]!;
        console.log(
          `bounded work: ${latencies.length} small requests, median ${median.toFixed(1)} ms, control max ${control.toFixed(0)} ms, ` +
            `max while the bodies ran ${Math.max(...worst).toFixed(0)} ms, longest event-loop hold ${result.longestHold.toFixed(0)} ms; ` +
            `load per core ${oversubscribed.toFixed(1)}, bound ${result.bound.toFixed(0)} ms; statuses ${statuses.join(",")}`,
        );
        return result;
      };
      const rssBefore = process.resourceUsage().maxRSS * 1024;
      let result = await pass();
      const rssGrowth = process.resourceUsage().maxRSS * 1024 - rssBefore;
      console.log(
        `bounded work: peak RSS growth ${(rssGrowth / 2 ** 20).toFixed(0)} MiB for a largest body of ${(largest / 2 ** 20).toFixed(1)} MiB`,
      );
      // A bound missed once is measured again: a stall of the bridge's own making repeats, while another
      // process taking the core for a moment (this machine is shared) does not (logged: one pass in 14 held
      // the loop 62 ms, every other 18-33 ms, at a load of 1 per core).
      if (Math.max(result.extraWait, result.longestHold) >= result.bound) result = await pass();
      expect(result.statuses).toEqual([400, 400, 400, 200]);
      expect(result.count).toBeGreaterThan(25);
      expect(result.extraWait).toBeLessThan(result.bound);
      expect(result.longestHold).toBeLessThan(result.bound);
      // Peak RSS: the body's bytes, its text, the parsed values, the chat request's bytes and the stored
      // turn each hold about one body's worth, and the garbage of the four bodies waits for the collector
      // (logged: 101-147 MiB for 17.4 MiB at a load of 1 per core).
      expect(rssGrowth).toBeLessThan(largest * 16);
    } finally {
      await client.close();
      await Promise.all([bridge.close(), smallBridge.close(), upstream.close()]);
    }
  }, 60_000);
});
