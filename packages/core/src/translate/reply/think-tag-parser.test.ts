import { describe, expect, it } from "vitest";
import { ThinkTagParser } from "./think-tag-parser.js";

function parse(pieces: readonly string[]) {
  const parser = new ThinkTagParser();
  const out = { reasoning: "", text: "", calls: [] as string[] };
  const sink = {
    reasoning: (text: string) => {
      expect(text.length).toBeGreaterThan(0);
      out.reasoning += text;
      out.calls.push(`r:${text}`);
    },
    text: (text: string) => {
      expect(text.length).toBeGreaterThan(0);
      out.text += text;
      out.calls.push(`t:${text}`);
    },
  };
  for (const piece of pieces) parser.push(piece, sink);
  parser.end(sink);
  return out;
}

const cases: Array<[string, string, { reasoning: string; text: string }]> = [
  ["a leading think block", "<think>plan a</think>answer", { reasoning: "plan a", text: "answer" }],
  ["whitespace before the block", "\n <think>x</think>\n\nHi", { reasoning: "x", text: "\n\nHi" }],
  [
    "no think block",
    "Hello <think>not reasoning</think>",
    { reasoning: "", text: "Hello <think>not reasoning</think>" },
  ],
  ["an unclosed block at the end", "<think>still thinking", { reasoning: "still thinking", text: "" }],
  ["an unclosed block ending in a partial tag", "<think>abc</thi", { reasoning: "abc</thi", text: "" }],
  ["a partial opening tag only", "<thi", { reasoning: "", text: "<thi" }],
  ["a near miss of the opening tag", "<thinking>x", { reasoning: "", text: "<thinking>x" }],
  ["only whitespace", "  \n", { reasoning: "", text: "  \n" }],
  ["an empty block", "<think></think>text", { reasoning: "", text: "text" }],
  [
    "a second block later",
    "<think>a</think>b<think>c</think>",
    { reasoning: "a", text: "b<think>c</think>" },
  ],
  ["angle brackets inside the block", "<think>a < b </ c </think>d", { reasoning: "a < b </ c ", text: "d" }],
  ["whitespace after the opening tag", "<think>\n \nplan\n</think>x", { reasoning: "plan\n", text: "x" }],
  ["only whitespace in the block", "<think>\n\n</think>\nx", { reasoning: "", text: "\nx" }],
  ["a surrogate pair next to the tags", "<think>😀</think>😀", { reasoning: "😀", text: "😀" }],
];

describe("ThinkTagParser", () => {
  it.each(cases)("splits %s, whatever the pieces (every 2- and 3-way split)", (_name, content, expected) => {
    expect(parse([content])).toMatchObject(expected);
    for (let first = 0; first <= content.length; first++) {
      expect(parse([content.slice(0, first), content.slice(first)])).toMatchObject(expected);
      for (let second = first; second <= content.length; second++) {
        const pieces = [content.slice(0, first), content.slice(first, second), content.slice(second)];
        expect(parse(pieces)).toMatchObject(expected);
      }
    }
    expect(parse([...content])).toMatchObject(expected);
  });

  it("emits reasoning as it arrives, holding back only a possible closing tag", () => {
    const { calls } = parse(["<think>abc<", "/thi", "nk>def"]);
    expect(calls).toEqual(["r:abc", "t:def"]);
    expect(parse(["<think>ab", "cd", "</think>"]).calls).toEqual(["r:ab", "r:cd"]);
  });

  it("passes text through once no think block is possible", () => {
    expect(parse(["Hi", " there", " <think>"]).calls).toEqual(["t:Hi", "t: there", "t: <think>"]);
  });
});
