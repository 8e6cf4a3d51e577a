import { afterEach, describe, expect, it, vi } from "vitest";
import { ChunkParser } from "./chunk-parser.js";

const head =
  '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,';
const text = (content: string) =>
  `${head}"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}`;
const args = (piece: string) =>
  `${head}"delta":{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(piece)}}}]},"finish_reason":null}]}`;

/** Parses every text with one parser, counting the `JSON.parse` calls that were given a whole chunk. */
function parseAll(texts: readonly string[]): { chunks: unknown[]; wholeParses: number } {
  const parser = new ChunkParser();
  const spy = vi.spyOn(JSON, "parse");
  const chunks = texts.map((data) => parser.parse(data));
  const wholeParses = spy.mock.calls.filter(([input]) => String(input).startsWith("{")).length;
  spy.mockRestore();
  return { chunks, wholeParses };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("ChunkParser", () => {
  it("parses only the changed string of chunks shaped like the one before, with the same result as JSON.parse", () => {
    const texts = [
      text(""),
      ...Array.from({ length: 50 }, (_, index) => text(`tok${index} "é" \\ 😀`)),
      ...Array.from({ length: 30 }, (_, index) => args(`{"a":${index}`)),
    ];
    const { chunks, wholeParses } = parseAll(texts);
    expect(JSON.stringify(chunks)).toBe(JSON.stringify(texts.map((data) => JSON.parse(data))));
    // The empty first delta, the first text chunk (learned and checked), the first arguments chunk
    // (learned and checked): everything else from its template.
    expect(wholeParses).toBe(5);
  });

  it("gives every chunk objects of its own: changing one changes no other chunk, before or after it", () => {
    type Parsed = { model: string; extra?: boolean; choices: [{ delta: { content: string } }] };
    const parser = new ChunkParser();
    const first = parser.parse(text("a")) as Parsed;
    const second = parser.parse(text("b")) as Parsed;
    // The chunk a template was learned from, and one made from it, changed by their reader.
    for (const changed of [first, second]) {
      changed.model = "changed";
      changed.extra = true;
      changed.choices[0].delta.content = "changed";
    }
    const third = parser.parse(text("c")) as Parsed;
    expect(third).toEqual(JSON.parse(text("c")));
    expect(third.choices).not.toBe(second.choices);
  });

  it("is not fooled by an equal string under an escaped key", () => {
    // The delta's key is written with an escape, so the only plain `"content":` in the text belongs to
    // another key; its value equals the delta's in the first chunk and differs in the second.
    const decoy = (value: string) =>
      `{"decoy\\"content":${JSON.stringify(value)},"choices":[{"index":0,"delta":{"\\u0063ontent":"same"}}]}`;
    const rootKey = (value: string) =>
      `{"choices":[{"index":0,"delta":{"\\u0063ontent":"same"}}],"content":${JSON.stringify(value)}}`;
    for (const shape of [decoy, rootKey]) {
      const texts = [shape("same"), shape("other"), shape("third")];
      expect(parseAll(texts).chunks).toEqual(texts.map((data) => JSON.parse(data)));
    }
  });

  it("throws what JSON.parse throws for a chunk that only looks like its template", () => {
    const parser = new ChunkParser();
    parser.parse(text("a"));
    parser.parse(text("b"));
    const broken = [
      `${head}"delta":{"content":"unterminated},"logprobs":null,"finish_reason":null}]}`,
      `${head}"delta":{"content":"a","content":"b"},"logprobs":null,"finish_reason":null}]}`.replace(
        '"a","content":"b"',
        '"a" "b"',
      ),
    ];
    for (const data of broken) {
      expect(() => JSON.parse(data)).toThrow(SyntaxError);
      expect(() => parser.parse(data)).toThrow(SyntaxError);
    }
    // A valid chunk whose slot holds a string with more JSON after it is parsed whole, correctly.
    const twoKeys = `${head}"delta":{"content":"a","role":"assistant"},"logprobs":null,"finish_reason":null}]}`;
    expect(parser.parse(twoKeys)).toEqual(JSON.parse(twoKeys));
  });

  it("reads a changed string exactly as JSON.parse does: escapes decoded, raw control characters refused", () => {
    const parser = new ChunkParser();
    parser.parse(text("a"));
    parser.parse(text("b"));
    const chunkWith = (jsonText: string) =>
      `${head}"delta":{"content":${jsonText}},"logprobs":null,"finish_reason":null}]}`;
    // Strings as JSON.stringify writes them, and escapes some servers write for any character.
    const valid = [
      ...["", " the", 'say "hi"', "back\\slash", "tab\tnew\nline", "😀 中文", "\u2028", "\ud83d"].map(
        (value) => JSON.stringify(value),
      ),
      String.raw`"\ud83d\ude00"`,
      String.raw`"\/"`,
      String.raw`"\u0041\u00e9"`,
    ];
    for (const jsonText of valid) {
      expect(parser.parse(chunkWith(jsonText))).toEqual(JSON.parse(chunkWith(jsonText)));
    }
    // A raw control character inside the string is not JSON: both throw.
    for (const control of ["\t", "\n", "\u0000", "\u001f"]) {
      const data = chunkWith(`"a${control}b"`);
      expect(() => JSON.parse(data)).toThrow(SyntaxError);
      expect(() => parser.parse(data)).toThrow(SyntaxError);
    }
  });

  it("stops learning when no chunk ever matches its template (a field that changes in every chunk)", () => {
    const texts = Array.from(
      { length: 60 },
      (_, index) =>
        `${head}"delta":{"content":"t${index}"},"finish_reason":null}],"obfuscation":"o${index * 7919}"}`,
    );
    const { chunks, wholeParses } = parseAll(texts);
    expect(chunks).toEqual(texts.map((data) => JSON.parse(data)));
    // One parse per chunk, plus one check per template learned: at most eight before it gives up.
    expect(wholeParses).toBeLessThanOrEqual(60 + 8);
  });
});
