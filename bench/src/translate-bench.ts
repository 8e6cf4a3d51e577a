// Micro-benchmark: the core's per-chunk translation cost against the floor of parsing the chunk and
// serialising one event, on the same 200-chunk stream the upstream sends.
import {
  createResponseObject,
  createResponsesHandler,
  openAICompatibleUpstream,
  parseResponsesRequest,
} from "@responses-bridge/core";
import type { UpstreamResponse } from "@responses-bridge/core/http";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
// The core's internals this micro-benchmark measures are not public: read from the sources.
import { generateId } from "../../packages/core/src/ids.js";
import { chatChunkStream } from "../../packages/core/src/stream/chat-chunk-stream.js";
import { encodeTranslatorEvent } from "../../packages/core/src/stream/encode-sse-event.js";
import { readChatStreamBatches } from "../../packages/core/src/stream/read-chat-stream.js";
import { translateChatStream } from "../../packages/core/src/stream/translate-batches.js";
import { ChatStreamTranslator } from "../../packages/core/src/translate/chat-stream-to-events.js";
import { responsesBody, textCompletion, textStreamChunks, toFrames } from "./fixtures.js";
import { median } from "./stats.js";

export interface TranslationResult {
  chunks: number;
  /** µs per chunk: `JSON.parse(chunk)` + `JSON.stringify(one delta event)`. */
  floorMicros: number;
  /** µs per chunk: `JSON.parse(chunk)`, `ChatStreamTranslator.push`, `encodeTranslatorEvent` (what the handler writes with) of every event (whole stream, amortised). */
  translatorMicros: number;
  /** µs per chunk of the whole async path: SSE bytes -> `readChatStreamBatches` -> `translateChatStream` -> SSE text (as the handler runs it). */
  pipelineMicros: number;
  /** translatorMicros / floorMicros. */
  ratio: number;
  pipelineRatio: number;
}

let sink = 0;

function newTranslator() {
  const request = parseResponsesRequest(JSON.parse(responsesBody({ stream: true })));
  const response = createResponseObject(request, { id: generateId("resp"), createdAt: 1_700_000_000 });
  return {
    response,
    translator: new ChatStreamTranslator({ response, environment: { generateId, now: Date.now } }),
  };
}

function floorOnce(texts: readonly string[], event: Record<string, unknown>): void {
  for (const text of texts) {
    const chunk = JSON.parse(text) as ChatCompletionChunk;
    event.delta = chunk.choices[0]?.delta?.content ?? "";
    sink += JSON.stringify(event).length;
  }
}

function translatorOnce(texts: readonly string[]): void {
  const { translator } = newTranslator();
  let out: ResponseStreamEvent[] = [];
  translator.start(out);
  for (const event of out) sink += encodeTranslatorEvent(event).length;
  for (const text of texts) {
    out = [];
    translator.push(JSON.parse(text) as ChatCompletionChunk, out);
    let piece = "";
    for (const event of out) piece += encodeTranslatorEvent(event);
    sink += piece.length;
  }
  out = [];
  const final = translator.finish(out);
  translator.end(final, out);
  for (const event of out) sink += encodeTranslatorEvent(event).length;
}

async function pipelineOnce(bytes: Uint8Array): Promise<void> {
  const { response } = newTranslator();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  // As the built-in upstreams hand chunks to the handler: grouped per read of the body.
  const batches = translateChatStream(chatChunkStream(readChatStreamBatches(body)), {
    response,
    environment: { generateId, now: Date.now },
  });
  for await (const batch of batches) {
    let piece = "";
    for (const event of batch) piece += encodeTranslatorEvent(event);
    sink += piece.length;
  }
}

function timeSync(iterations: number, run: () => void): number {
  const started = performance.now();
  for (let index = 0; index < iterations; index++) run();
  return performance.now() - started;
}

async function timeAsync(iterations: number, run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < iterations; index++) await run();
  return performance.now() - started;
}

/** Runs the three measurements interleaved, `rounds` times, and keeps the median of each. */
export async function benchTranslation(options: {
  rounds: number;
  iterations: number;
}): Promise<TranslationResult> {
  const chunks = textStreamChunks();
  const texts = chunks.map((chunk) => JSON.stringify(chunk));
  const bytes = new TextEncoder().encode(toFrames(chunks).join(""));
  const event: Record<string, unknown> = {
    type: "response.output_text.delta",
    sequence_number: 7,
    item_id: `msg_${"0".repeat(48)}`,
    output_index: 0,
    content_index: 0,
    delta: "",
    logprobs: [],
  };
  // Warm up every path so the JIT has settled before timing.
  for (let index = 0; index < 200; index++) {
    floorOnce(texts, event);
    translatorOnce(texts);
    await pipelineOnce(bytes);
  }
  const floor: number[] = [];
  const translator: number[] = [];
  const pipeline: number[] = [];
  const perChunk = (ms: number) => (ms * 1000) / (options.iterations * texts.length);
  for (let round = 0; round < options.rounds; round++) {
    floor.push(perChunk(timeSync(options.iterations, () => floorOnce(texts, event))));
    translator.push(perChunk(timeSync(options.iterations, () => translatorOnce(texts))));
    pipeline.push(perChunk(await timeAsync(options.iterations, () => pipelineOnce(bytes))));
  }
  if (sink === 0) throw new Error("unreachable");
  const floorMicros = median(floor);
  const translatorMicros = median(translator);
  const pipelineMicros = median(pipeline);
  return {
    chunks: texts.length,
    floorMicros,
    translatorMicros,
    pipelineMicros,
    ratio: translatorMicros / floorMicros,
    pipelineRatio: pipelineMicros / floorMicros,
  };
}

export interface HandlerCost {
  /** CPU µs per non-streamed request through `handler.handle`, upstream answered in memory. */
  jsonMicros: number;
  /** CPU µs per 200-chunk streamed request (the SSE text read to its end), the upstream body in one read. */
  streamMicros: number;
  /** The same stream with each chunk in its own read, as models stream tokens. */
  pacedStreamMicros: number;
}

/**
 * The core's own cost per request, without sockets: `handler.handle` over an upstream whose `fetch`
 * answers from memory with the smallest response object the upstream reads (no Request/Response).
 */
export async function benchHandler(options: { requests: number }): Promise<HandlerCost> {
  const encoder = new TextEncoder();
  const completion = encoder.encode(JSON.stringify(textCompletion()));
  const sseFrames = toFrames(textStreamChunks());
  const frames = sseFrames.map((frame) => encoder.encode(frame));
  const sse = encoder.encode(sseFrames.join(""));
  // The smallest response object `openAICompatibleUpstream` reads: what is measured is the core.
  const answer = (parts: Uint8Array[]): UpstreamResponse => ({
    ok: true,
    status: 200,
    statusText: "OK",
    headers: { get: () => null },
    body: (async function* () {
      for (const part of parts) yield part;
    })(),
    text: async () => new TextDecoder().decode(parts[0]),
  });
  let paced = false;
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({
      baseURL: "http://in-memory.test/v1",
      fetch: async (_url, init) =>
        answer(
          typeof init.body === "string" && init.body.includes('"stream":true')
            ? paced
              ? frames
              : [sse]
            : [completion],
        ),
    }),
  });
  const bodies = {
    json: JSON.parse(responsesBody({ stream: false })) as unknown,
    stream: JSON.parse(responsesBody({ stream: true })) as unknown,
  };
  const one = async (kind: "json" | "stream") => {
    const result = await handler.handle({
      method: "POST",
      path: "/v1/responses",
      headers: new Headers(),
      body: bodies[kind],
      signal: new AbortController().signal,
    });
    if (result.kind === "stream") for await (const piece of result.body) sink += piece.length;
    else sink += JSON.stringify(result.body).length;
  };
  const measure = async (kind: "json" | "stream", count: number) => {
    // Warm up long enough for the optimising compilers, as a server that has run a while is.
    for (let index = 0; index < Math.min(2_000, count); index++) await one(kind);
    const before = process.cpuUsage();
    for (let index = 0; index < count; index++) await one(kind);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / count;
  };
  const jsonMicros = await measure("json", options.requests);
  const streamMicros = await measure("stream", Math.ceil(options.requests / 5));
  paced = true;
  const pacedStreamMicros = await measure("stream", Math.ceil(options.requests / 5));
  return { jsonMicros, streamMicros, pacedStreamMicros };
}
