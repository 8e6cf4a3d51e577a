import { describe, expect, it } from "vitest";
import { JsonStringDecoder } from "./json-string-decoder.js";

/** Decodes the JSON string literal `literal` (with quotes) fed in `pieces`; returns the text and the tail. */
function decode(pieces: readonly string[]) {
  const decoder = new JsonStringDecoder();
  let text = "";
  let tail = "";
  let started = false;
  let closed = false;
  for (const piece of pieces) {
    let start = 0;
    if (closed) {
      tail += piece;
      continue;
    }
    if (!started) {
      if (piece.length === 0) continue;
      expect(piece[0]).toBe('"');
      started = true;
      start = 1;
    }
    const result = decoder.decode(piece, start);
    // Never a lone high surrogate at the end of an emitted piece.
    const last = result.text.charCodeAt(result.text.length - 1);
    if (result.end < 0) expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
    text += result.text;
    if (result.end >= 0) {
      closed = true;
      tail += piece.slice(result.end);
    }
  }
  if (!closed) text += decoder.flush();
  return { text, tail, closed };
}

const values = [
  "plain",
  'quote " backslash \\ slash /',
  "controls \b\f\n\r\t and \u0001",
  "unicode é ü 日本 😀 𝄞",
  '*** Begin Patch\n*** Add File: a\\b.txt\n+\t"x"\n*** End Patch\n',
];

describe("JsonStringDecoder", () => {
  it.each(values)("decodes %j split at every position (standard and \\u-escaped forms)", (value) => {
    const forms = [
      JSON.stringify(value),
      // Every UTF-16 code unit written as \uXXXX (surrogate pairs as two escapes).
      `"${Array.from(
        { length: value.length },
        (_, index) => `\\u${value.charCodeAt(index).toString(16).padStart(4, "0")}`,
      ).join("")}"`,
    ];
    for (const literal of forms) {
      const source = `${literal} , "rest"`;
      for (let split = 0; split <= source.length; split++) {
        const result = decode([source.slice(0, split), source.slice(split)]);
        expect(result.text).toBe(value);
        expect(result.closed).toBe(true);
        expect(result.tail).toBe(' , "rest"');
      }
      expect(decode([...source]).text).toBe(value);
    }
  });

  it("combines a surrogate pair written as two escapes split between pieces", () => {
    const result = decode(['"a\\ud83d', '\\ude00b"']);
    expect(result.text).toBe("a😀b");
  });

  it("is lenient: raw newlines are kept, unknown escapes yield the character", () => {
    expect(decode(['"line\nnext \\q"']).text).toBe("line\nnext q");
  });

  it("reports an unterminated string as open and flushes a held high surrogate", () => {
    const result = decode(['"abc\\ud83d']);
    expect(result.closed).toBe(false);
    expect(result.text).toBe("abc\ud83d");
  });
});
