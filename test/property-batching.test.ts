// Property of the byte pipeline (packages/core/src/stream/): the batched path (the built-in upstream
// reads the SSE body, groups the chunks of each network read, the handler translates and writes each
// group at once, holds the final read for the closing events) sends exactly the bytes of the per-chunk
// path (an upstream that yields plain chunks one by one, encoded with JSON.stringify through an `onEvent`
// hook), for arbitrary chunk streams and arbitrary read boundaries.

import { type ChatUpstream, createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import type { UpstreamFetch } from "@responses-bridge/core/http";
import fc from "fast-check";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { byteStream, reply, sseText, streamOf } from "./utils/chat-chunk-arbitraries.js";
import { configurePropertySeed } from "./utils/property-seed.js";

configurePropertySeed();

/** Deterministic ids (`msg_1`, `fc_1`... per prefix) and a fixed clock, fresh per handler. */
function deterministic() {
  const counters = new Map<string, number>();
  return {
    generateId(prefix: string) {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}_${next}`;
    },
    now: () => 1_700_000_000_000,
  };
}

const body = JSON.stringify({ model: "m", input: "hi", stream: true });

async function answer(
  upstream: ChatUpstream,
  onEvent?: () => void,
): Promise<{ text: string; writes: number }> {
  const handler = createResponsesHandler({
    upstream,
    keepAliveMs: 0,
    ...deterministic(),
    ...(onEvent ? { onEvent } : {}),
  });
  const response = await handler.fetch(
    new Request("http://bridge.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    }),
  );
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let writes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    writes++;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), writes };
}

/** The per-chunk reference: a custom upstream (no batching) yielding each chunk on its own. */
function perChunkUpstream(chunks: readonly ChatCompletionChunk[]): ChatUpstream {
  return {
    create: () => Promise.reject(new Error("not used")),
    async stream() {
      return (async function* () {
        for (const chunk of chunks) yield structuredClone(chunk);
      })();
    },
  };
}

/** The batched path: the built-in upstream over an SSE body whose reads end at `cuts`. */
function batchedUpstream(bytes: Uint8Array, cuts: readonly number[]): ChatUpstream {
  const fetch: UpstreamFetch = async () =>
    new Response(byteStream(bytes, cuts), { headers: { "content-type": "text/event-stream" } });
  return openAICompatibleUpstream({ baseURL: "http://upstream.test/v1", fetch });
}

describe("property: batched stream output = per-chunk stream output", () => {
  it("any chunk stream, any read boundaries, with or without [DONE]: the same bytes", async () => {
    await fc.assert(
      fc.asyncProperty(
        reply,
        fc.array(fc.nat(200), { maxLength: 12 }),
        fc.array(fc.nat(5), { maxLength: 10 }),
        fc.array(fc.nat(100_000), { maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        async (value, pieceCuts, interleave, readCuts, withDone, comments) => {
          const chunks = streamOf(value, pieceCuts, interleave);
          let sse = sseText(chunks, { crlf: false, comments });
          // A body that ends after the finish chunk without `[DONE]` (older llama.cpp) ends the stream too.
          if (!withDone) sse = sse.slice(0, sse.lastIndexOf("data: [DONE]"));
          const bytes = new TextEncoder().encode(sse);
          const reference = await answer(perChunkUpstream(chunks), () => {});
          const batched = await answer(batchedUpstream(bytes, readCuts));
          expect(batched.text).toBe(reference.text);
          // One write per read at most (plus the opening one), never more than per chunk.
          expect(batched.writes).toBeLessThanOrEqual(reference.writes);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the whole body in one read is written in two pieces: the opening events, then the rest", async () => {
    const chunks = streamOf(
      {
        reasoning: "think",
        reasoningField: "reasoning_content",
        text: "Hello there",
        refusal: "",
        toolCalls: [{ id: "call_1", name: "f", arguments: '{"a":1}' }],
        finishReason: "tool_calls",
        usage: { prompt_tokens: 3, completion_tokens: 4 },
        usageOnFinishChunk: false,
        unindexed: false,
        noise: false,
      },
      [2, 7],
      [0],
    );
    const bytes = new TextEncoder().encode(sseText(chunks, { crlf: false, comments: false }));
    const reference = await answer(perChunkUpstream(chunks), () => {});
    const batched = await answer(batchedUpstream(bytes, []));
    expect(batched.text).toBe(reference.text);
    expect(batched.writes).toBe(2);
    expect(reference.writes).toBeGreaterThan(2);
  });
});
