import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { readChatStream } from "./read-chat-stream.js";

const encoder = new TextEncoder();

function body(parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

async function read(parts: string[]) {
  const out: unknown[] = [];
  for await (const chunk of readChatStream(body(parts))) out.push(chunk);
  return out;
}

const c1 = {
  id: "x",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta: { content: "hé" }, finish_reason: null }],
};
const c2 = {
  id: "x",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
};
const wire = `data: ${JSON.stringify(c1)}\n\n: keep-alive\n\ndata: ${JSON.stringify(c2)}\r\n\r\ndata: [DONE]\n\n`;

describe("readChatStream", () => {
  it("parses every chunk whatever the byte boundaries (including inside a multi-byte character)", async () => {
    const bytes = encoder.encode(wire);
    for (let split = 0; split <= bytes.length; split += 1) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, split));
          controller.enqueue(bytes.slice(split));
          controller.close();
        },
      });
      const out: unknown[] = [];
      for await (const chunk of readChatStream(stream)) out.push(chunk);
      expect(out).toEqual([c1, c2]);
    }
  });

  it("accepts a stream without [DONE] once a finish_reason arrived", async () => {
    expect(await read([`data: ${JSON.stringify(c1)}\n\ndata: ${JSON.stringify(c2)}\n\n`])).toEqual([c1, c2]);
  });

  it.each([
    ["a stream cut before any finish_reason", [`data: ${JSON.stringify(c1)}\n\n`], 502, "ended before"],
    ["malformed JSON", ["data: {not json\n\n"], 502, "malformed"],
    [
      "an in-band error payload",
      [`data: ${JSON.stringify({ error: { message: "model overloaded", code: "overloaded" } })}\n\n`],
      502,
      "model overloaded",
    ],
  ])("throws a bridge error for %s", async (_name, parts, status, text) => {
    const error = await read(parts).catch((caught: unknown) => caught);
    expect(ResponsesBridgeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status });
    expect((error as Error).message).toContain(text);
  });

  it("skips SSE comments and events without data, and accepts a padded [DONE]", async () => {
    const parts = [
      ": OPENROUTER PROCESSING\n\n",
      "data:\n\n",
      `data:${JSON.stringify(c1)}\n\n`,
      ": keep-alive\n\n",
      `data: ${JSON.stringify(c2)}\n\n`,
      "data:  [DONE] \n\n",
      `data: ${JSON.stringify(c1)}\n\n`,
    ];
    expect(await read(parts)).toEqual([c1, c2]);
  });

  it("only counts the finish of choice 0 when the stream ends without [DONE]", async () => {
    const other = { ...c2, choices: [{ index: 1, delta: {}, finish_reason: "stop" }] };
    const error = await read([`data: ${JSON.stringify(c1)}\n\ndata: ${JSON.stringify(other)}\n\n`]).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ status: 502 });
    expect((error as Error).message).toContain("ended before");
  });

  it("throws for an `event: error` frame", async () => {
    const error = await read([
      `data: ${JSON.stringify(c1)}\n\nevent: error\ndata: {"message":"boom"}\n\n`,
    ]).catch((caught: unknown) => caught);
    expect(ResponsesBridgeError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("boom");
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(c1)}\n\n`));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _chunk of readChatStream(stream)) break;
    expect(cancelled).toBe(true);
  });

  it("decodes an async iterable body with the decoder it offers, when it offers one", async () => {
    const decoded: string[] = [];
    const bytes = encoder.encode(
      `data: ${JSON.stringify(c1)}\n\ndata: ${JSON.stringify(c2)}\n\ndata: [DONE]\n\n`,
    );
    const iterable = {
      async *[Symbol.asyncIterator]() {
        yield bytes.subarray(0, 20);
        yield bytes.subarray(20);
      },
      textDecoder() {
        const inner = new TextDecoder();
        return {
          decode(input?: Uint8Array, options?: { stream?: boolean }) {
            const text = inner.decode(input, options);
            decoded.push(text);
            return text;
          },
        };
      },
    };
    const out: unknown[] = [];
    for await (const chunk of readChatStream(iterable)) out.push(chunk);
    expect(out).toEqual([c1, c2]);
    expect(decoded.join("")).toBe(new TextDecoder().decode(bytes));
  });
});
