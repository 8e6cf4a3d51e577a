import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { chatChunkStream, chunkBatches } from "./chat-chunk-stream.js";

const chunk = (content: string) =>
  ({
    id: "c",
    object: "chat.completion.chunk",
    created: 0,
    model: "m",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  }) as ChatCompletionChunk;

async function* batches(fail?: Error) {
  yield [chunk("a"), chunk("b")];
  if (fail) throw fail;
  yield [chunk("c")];
}

const contents = (list: ChatCompletionChunk[]) => list.map((item) => item.choices[0]!.delta.content);

describe("chatChunkStream", () => {
  it("reads batch by batch or chunk by chunk, and calls onEnd once at the end", async () => {
    let ends = 0;
    const grouped = chatChunkStream(batches(), () => ends++);
    const seen: string[][] = [];
    for await (const batch of chunkBatches(grouped)) seen.push(contents(batch) as string[]);
    expect(seen).toEqual([["a", "b"], ["c"]]);
    expect(ends).toBe(1);

    const flat: ChatCompletionChunk[] = [];
    for await (const item of chatChunkStream(batches(), () => ends++)) flat.push(item);
    expect(contents(flat)).toEqual(["a", "b", "c"]);
    expect(ends).toBe(2);
  });

  it("calls onEnd once when the source fails", async () => {
    let ends = 0;
    const stream = chatChunkStream(batches(new Error("cut")), () => ends++);
    const iterator = chunkBatches(stream)[Symbol.asyncIterator]();
    await iterator.next();
    await expect(iterator.next()).rejects.toThrow("cut");
    await iterator.return?.();
    expect(ends).toBe(1);
  });

  it("calls onEnd and ends the source when returned early, even before the first read", async () => {
    let ends = 0;
    let sourceEnded = false;
    async function* source() {
      try {
        yield [chunk("a")];
        yield [chunk("b")];
      } finally {
        sourceEnded = true;
      }
    }
    const early = chunkBatches(chatChunkStream(source(), () => ends++))[Symbol.asyncIterator]();
    await early.next();
    await early.return?.();
    expect(sourceEnded).toBe(true);
    expect(ends).toBe(1);

    const unread = chunkBatches(chatChunkStream(source(), () => ends++))[Symbol.asyncIterator]();
    await unread.return?.();
    expect(ends).toBe(2);
  });

  it("keeps the grouping private: nothing enumerable, and a plain iterable is read chunk by chunk", async () => {
    const stream = chatChunkStream(batches());
    expect(Object.keys(stream)).toEqual([]);
    expect("batches" in stream).toBe(false);
    async function* plain() {
      yield chunk("a");
      yield chunk("b");
    }
    const seen: string[][] = [];
    for await (const batch of chunkBatches(plain())) seen.push(contents(batch) as string[]);
    expect(seen).toEqual([["a"], ["b"]]);
  });
});
