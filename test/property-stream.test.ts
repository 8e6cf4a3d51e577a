// Properties of the streaming path:
// - arbitrary chat chunk streams (reasoning, text with or without a <think> block, refusals, parallel
//   tool calls whose arguments interleave and split anywhere, usage, every finish reason) give event
//   streams that pass the Open Responses schema and the testkit validator, and fold (with the openai
//   SDK's `accumulateResponse`, terminal event excluded) to the Response that `convertChatToResponse`
//   gives for the equivalent non-streaming completion;
// - any byte chunking of the same upstream SSE body (split inside UTF-8 sequences, CRLF line ends,
//   comment lines) gives the same chunks from `readChatStream`.

import {
  convertChatStreamToEvents,
  convertChatToResponse,
  createResponseObject,
  parseResponsesRequest,
  type ResponseObject,
} from "@responses-bridge/core";
import { encodeSSEEvent, readChatStream, type TranslationEnvironment } from "@responses-bridge/core/http";
import * as testkit from "@responses-bridge/testkit";
import fc from "fast-check";
import type OpenAI from "openai";
import { accumulateResponse } from "openai/lib/responses/ResponseAccumulator";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { encodeTranslatorEvent } from "../packages/core/src/stream/encode-sse-event.js";
import {
  byteStream,
  chunk,
  completionOf,
  piece,
  type Reply,
  reply,
  sseText,
  streamOf,
} from "./utils/chat-chunk-arbitraries.js";
import { assertValidEventStream } from "./utils/openresponses-schema.js";
import { configurePropertySeed } from "./utils/property-seed.js";

configurePropertySeed();

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Deterministic ids (`msg_1`, `fc_1`... per prefix) and a fixed clock. */
function environment(): TranslationEnvironment {
  const counters = new Map<string, number>();
  return {
    generateId(prefix) {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}_${next}`;
    },
    now: () => 1_700_000_000_000,
  };
}

function responseObject(): ResponseObject {
  const request = parseResponsesRequest({ model: "m", input: "hi", stream: true });
  return createResponseObject(request, { id: "resp_property", createdAt: 1_700_000_000 });
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** `validateResponseEvents` from the testkit when it exists (a colleague adds it); else nothing. */
function testkitProblems(events: readonly unknown[]): string[] {
  const validate = (
    testkit as { validateResponseEvents?: (e: readonly unknown[]) => { valid: boolean; problems: string[] } }
  ).validateResponseEvents;
  if (typeof validate !== "function") return [];
  const report = validate(events);
  return report.valid ? [] : report.problems;
}

/** Folds every event before the terminal one with the SDK's accumulator. */
function foldOutput(events: readonly ResponseStreamEvent[]): unknown[] {
  let snapshot: OpenAI.Responses.Response | undefined;
  for (const event of events.slice(0, -1)) snapshot = accumulateResponse(event, snapshot);
  return JSON.parse(JSON.stringify(snapshot?.output ?? []));
}

// ---------------------------------------------------------------------------------------------
// Arbitrary replies, and the chunk streams that carry them
// ---------------------------------------------------------------------------------------------

async function checkStream(
  chunks: ChatCompletionChunk[],
  completion: ChatCompletion,
): Promise<ResponseStreamEvent[]> {
  const response = responseObject();
  const events = await collect(
    convertChatStreamToEvents(iterate(chunks), { response, environment: environment() }),
  );
  const expected = JSON.parse(
    JSON.stringify(
      convertChatToResponse(completion, { response: responseObject(), environment: environment() }),
    ),
  );
  assertValidEventStream(events);
  expect(testkitProblems(events)).toEqual([]);
  // The handler's template encoder writes exactly what JSON.stringify writes, for every event.
  for (const event of events) expect(encodeTranslatorEvent(event)).toBe(encodeSSEEvent(event));
  const terminal = events.at(-1) as unknown as { type: string; response: ResponseObject };
  expect(["response.completed", "response.incomplete"]).toContain(terminal.type);
  expect(JSON.parse(JSON.stringify(terminal.response))).toEqual(expected);
  expect(foldOutput(events)).toEqual(expected.output);
  return events;
}

// ---------------------------------------------------------------------------------------------
// Chunk streams -> events
// ---------------------------------------------------------------------------------------------

describe("property: chat chunk streams -> Responses events", () => {
  it("any reply, chunked anywhere, gives valid events that fold to the non-streaming Response", async () => {
    await fc.assert(
      fc.asyncProperty(
        reply,
        fc.array(fc.nat(200), { maxLength: 12 }),
        fc.array(fc.nat(5), { maxLength: 10 }),
        async (value, cuts, interleave) => {
          await checkStream(streamOf(value, cuts, interleave), completionOf(value));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the same reply gives the same events whatever the chunking (up to ids' order)", async () => {
    await fc.assert(
      fc.asyncProperty(reply, fc.array(fc.nat(200), { maxLength: 12 }), async (value, cuts) => {
        const one = await collect(
          convertChatStreamToEvents(iterate(streamOf(value, [], [])), {
            response: responseObject(),
            environment: environment(),
          }),
        );
        const many = await collect(
          convertChatStreamToEvents(iterate(streamOf(value, cuts, [0])), {
            response: responseObject(),
            environment: environment(),
          }),
        );
        // Delta events differ in number; everything else (items, done events, terminal) is identical.
        const stable = (events: ResponseStreamEvent[]) =>
          events
            .filter((event) => !event.type.endsWith(".delta"))
            .map(({ sequence_number: _s, ...rest }) => rest);
        expect(stable(many)).toEqual(stable(one));
      }),
      { numRuns: 150 },
    );
  });

  it("function call arguments split at every position (one call, and two interleaved calls)", async () => {
    const args = ['{"city":"Zürich","note":"a \\"quoted\\" 😀 word","days":[1,2,3]}', '{"q":"x"}'];
    for (let cut = 0; cut <= args[0]!.length; cut++) {
      const value: Reply = {
        reasoning: "",
        reasoningField: "reasoning_content",
        text: "",
        refusal: "",
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: args[0]! },
          { id: "call_b", name: "search", arguments: args[1]! },
        ],
        finishReason: "tool_calls",
        usage: null,
        usageOnFinishChunk: false,
        unindexed: false,
        noise: false,
      };
      await checkStream(
        streamOf({ ...value, toolCalls: value.toolCalls.slice(0, 1) }, [cut], []),
        completionOf({ ...value, toolCalls: value.toolCalls.slice(0, 1) }),
      );
      await checkStream(streamOf(value, [cut, cut + 3], [0, 1, 1, 0]), completionOf(value));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// SSE bytes -> chunks
// ---------------------------------------------------------------------------------------------

describe("property: SSE byte chunkings -> readChatStream", () => {
  it("every chunking of the same bytes (inside UTF-8 sequences too) gives the same chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        reply,
        fc.array(fc.nat(100_000), { maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        async (value, cuts, crlf, comments) => {
          const chunks = streamOf(value, [3, 9], [1]);
          const bytes = new TextEncoder().encode(sseText(chunks, { crlf, comments }));
          const read = await collect(readChatStream(byteStream(bytes, cuts)));
          expect(read).toEqual(JSON.parse(JSON.stringify(chunks)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("one byte at a time gives the same chunks as one piece", async () => {
    const value: Reply = {
      reasoning: "think 🤔",
      reasoningField: "reasoning",
      text: "Grüße, 世界!",
      refusal: "",
      toolCalls: [{ id: "call_1", name: "f", arguments: '{"a":"é"}' }],
      finishReason: "tool_calls",
      usage: { prompt_tokens: 3, completion_tokens: 4 },
      usageOnFinishChunk: false,
      unindexed: false,
      noise: true,
    };
    const chunks = streamOf(value, [2, 5], [0]);
    const bytes = new TextEncoder().encode(sseText(chunks, { crlf: true, comments: true }));
    const everyByte = Array.from({ length: bytes.length }, (_, index) => index);
    expect(await collect(readChatStream(byteStream(bytes, everyByte)))).toEqual(
      JSON.parse(JSON.stringify(chunks)),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Chunk texts as servers write them -> readChatStream gives exactly `JSON.parse` of each
// ---------------------------------------------------------------------------------------------

/** How a server writes JSON: separators, escapes, key order, and fields that change in every chunk. */
interface ServerStyle {
  /** `": "` and `", "` (Python's `json.dumps`) instead of compact separators. */
  spaced: boolean;
  /** Every non-ASCII character as `\uXXXX` (Python's `ensure_ascii`). */
  asciiOnly: boolean;
  /** `/` written as `\/` (PHP, some Go encoders). */
  escapedSlash: boolean;
  /** `choices` before the other keys (llama.cpp). */
  choicesFirst: boolean;
  /** A field whose value changes in every chunk (OpenAI's `obfuscation`), or none. */
  varying: "none" | "string" | "object";
  /** An object that is the same in every chunk (`x_groq`-like metadata). */
  constantObject: boolean;
}

/** A JSON writer with the given style: the same values `JSON.stringify` writes, in other text. */
function writeJson(value: unknown, style: ServerStyle): string {
  if (typeof value === "string") {
    let text = JSON.stringify(value);
    if (style.asciiOnly) {
      text = text.replace(
        /[^\x20-\x7e]/g,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
      );
    }
    return style.escapedSlash ? text.replaceAll("/", "\\/") : text;
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => writeJson(item, style)).join(style.spaced ? ", " : ",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(
      ([key, item]) => `${writeJson(key, style)}${style.spaced ? ": " : ":"}${writeJson(item, style)}`,
    );
    return `{${entries.join(style.spaced ? ", " : ",")}}`;
  }
  return JSON.stringify(value);
}

const serverStyle: fc.Arbitrary<ServerStyle> = fc.record({
  spaced: fc.boolean(),
  asciiOnly: fc.boolean(),
  escapedSlash: fc.boolean(),
  choicesFirst: fc.boolean(),
  varying: fc.constantFrom("none" as const, "none" as const, "string" as const, "object" as const),
  constantObject: fc.boolean(),
});

/** Deltas whose text looks like JSON, keys and escapes included, as a model may well write. */
const trickyPiece = fc.oneof(
  piece,
  fc.constantFrom(
    '"content":"x"',
    '\\"content\\":',
    '"},"logprobs":null',
    "}]}",
    "\\u0022",
    "/",
    "\u2028",
    "\u0000",
  ),
);

type DeltaSlot = "content" | "reasoning_content" | "reasoning" | "arguments";

function deltaWith(slot: DeltaSlot, text: string): Record<string, unknown> {
  if (slot === "arguments") return { tool_calls: [{ index: 0, function: { arguments: text } }] };
  return { [slot]: text };
}

/** Edits that may or may not leave valid JSON: a character put in or taken out at `at` (raw control characters too). */
const corruption = fc.option(
  fc.record({
    chunk: fc.nat(),
    at: fc.nat(),
    insert: fc.constantFrom('"', "\\", ",", "}", " ", "x", "", "\\u00", "\t", "\u0001"),
  }),
  { nil: undefined, freq: 3 },
);

/** Every object reachable from `value` is met only once (no chunk shares one with another). */
function collectObjects(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value !== "object") return true;
  if (seen.has(value)) return false;
  seen.add(value);
  return Object.values(value).every((item) => collectObjects(item, seen));
}

describe("property: chunk texts as servers write them -> readChatStream", () => {
  it("gives exactly what JSON.parse gives for each event (key order included, nothing shared), and fails where it fails", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            slot: fc.constantFrom<DeltaSlot>("content", "reasoning_content", "reasoning", "arguments"),
            texts: fc.array(trickyPiece, { minLength: 1, maxLength: 12 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        serverStyle,
        corruption,
        async (runs, style, corrupt) => {
          const values: ChatCompletionChunk[] = [chunk({ role: "assistant", content: "" })];
          for (const run of runs) for (const text of run.texts) values.push(chunk(deltaWith(run.slot, text)));
          values.push(chunk({}, "stop"));
          const texts = values.map((value, index) => {
            let shaped: Record<string, unknown> = { ...value };
            if (style.choicesFirst) {
              const { choices, ...rest } = shaped;
              shaped = { choices, ...rest };
            }
            if (style.varying === "string") shaped.obfuscation = "x".repeat(index % 7);
            if (style.varying === "object") shaped.timings = { predicted_n: index };
            if (style.constantObject) shaped.x_meta = { region: "eu" };
            return writeJson(shaped, style);
          });
          if (corrupt) {
            const index = corrupt.chunk % texts.length;
            const text = texts[index]!;
            const at = corrupt.at % (text.length + 1);
            const edited =
              corrupt.insert === ""
                ? text.slice(0, at) + text.slice(at + 1)
                : text.slice(0, at) + corrupt.insert + text.slice(at);
            // What reaches the wire: an edit inside a surrogate pair leaves U+FFFD in the UTF-8 bytes.
            texts[index] = new TextDecoder().decode(new TextEncoder().encode(edited));
          }
          const expected: unknown[] = [];
          let failsAt = -1;
          for (const [index, text] of texts.entries()) {
            try {
              expected.push(JSON.parse(text));
            } catch {
              failsAt = index;
              break;
            }
          }
          // Valid JSON that is not an object is refused too.
          const objects = expected.findIndex((value) => value === null || typeof value !== "object");
          if (objects !== -1) {
            failsAt = objects;
            expected.length = objects;
          }
          const sse = `${texts.map((text) => `data: ${text}\n\n`).join("")}data: [DONE]\n\n`;
          const read: unknown[] = [];
          let failure: unknown;
          try {
            for await (const value of readChatStream(byteStream(new TextEncoder().encode(sse), []))) {
              read.push(value);
            }
          } catch (error) {
            failure = error;
          }
          if (failsAt === -1) expect(failure).toBeUndefined();
          else expect(String((failure as Error | undefined)?.message)).toMatch(/malformed stream chunk/);
          // A failure ends the stream before the chunks of its network read were handed out.
          if (failsAt !== -1) expected.length = read.length;
          expect(JSON.stringify(read)).toBe(JSON.stringify(expected));
          expect(read).toEqual(expected);
          expect(collectObjects(read, new Set())).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });
});
