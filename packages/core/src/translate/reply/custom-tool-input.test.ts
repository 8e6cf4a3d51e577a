import { describe, expect, it } from "vitest";
import { CustomToolInputExtractor, decideCustomToolInput } from "./custom-tool-input.js";

/** The patch Codex applied in shared/fixtures/codex/patch-turn1-response.sse (apply_patch, custom tool). */
const CODEX_PATCH =
  "*** Begin Patch\n*** Update File: codex-e2e-patch.txt\n@@\n-before\n+after\n*** End Patch\n";
/** A harder patch: quotes, backslashes, tabs, non-ASCII, an astral character, CRLF. */
const HARD_PATCH =
  '*** Begin Patch\n*** Add File: src/ü.ts\n+const s = "a\\\\b \\"q\\"";\n+\tconst e = "😀 日本";\r\n*** End Patch\n';

function extract(pieces: readonly string[]) {
  const extractor = new CustomToolInputExtractor();
  let streamed = "";
  for (const piece of pieces) streamed += extractor.push(piece);
  const { input, remainder } = extractor.finish(pieces.join(""));
  return { input, streamed: streamed + remainder, early: streamed };
}

/** Arguments shapes models actually send for a custom tool, and the input each means. */
function shapes(patch: string): Array<[string, string, string, boolean]> {
  const json = JSON.stringify(patch);
  return [
    ["{input}", `{"input": ${json}}`, patch, true],
    ["{input} compact", `{"input":${json}}`, patch, true],
    ["{content}", `{"content": ${json}}`, patch, true],
    ["{patch}", `{"patch":${json}}`, patch, true],
    ["{path, patch}", `{"path": "x.txt", "patch": ${json}}`, patch, true],
    ["{input} then another key", `{"input": ${json}, "reason": "fix"}`, patch, true],
    ["an unknown single key", `{"diff": ${json}}`, patch, false],
    ["a bare JSON string", json, patch, true],
    ["surrounding whitespace", `\n  {"input" : ${json} }  \n`, patch, true],
    ["raw text", patch, patch, true],
    ["raw text with leading whitespace", `  ${patch}`, `  ${patch}`, true],
  ];
}

describe("CustomToolInputExtractor", () => {
  for (const [label, patch] of [
    ["the Codex patch", CODEX_PATCH],
    ["a hard patch", HARD_PATCH],
  ] as const) {
    it.each(shapes(patch))(
      `${label}: %s gives the patch byte for byte at every split`,
      (_shape, args, expected, streams) => {
        for (let split = 0; split <= args.length; split++) {
          const result = extract([args.slice(0, split), args.slice(split)]);
          expect(result.input).toBe(expected);
          expect(result.streamed).toBe(expected);
        }
        const characters = extract([...args]);
        expect(characters.input).toBe(expected);
        expect(characters.streamed).toBe(expected);
        // Shapes recognised early stream most of the input before the arguments end.
        if (streams) expect(characters.early.length).toBeGreaterThan(expected.length - 4);
        else expect(characters.early).toBe("");
      },
    );
  }

  it("streams decoded text as soon as it is certain, holding back a split escape", () => {
    const extractor = new CustomToolInputExtractor();
    expect(extractor.push('{"input": "a\\')).toBe("a");
    expect(extractor.push("nb\\u00")).toBe("\nb");
    expect(extractor.push("e9\\ud83d")).toBe("é");
    expect(extractor.push('\\ude00"}')).toBe("😀");
    expect(extractor.finish('{"input": "a\\nb\\u00e9\\ud83d\\ude00"}')).toEqual({
      input: "a\nbé😀",
      remainder: "",
    });
  });

  it("keeps a lone high surrogate of a cut-off value", () => {
    const extractor = new CustomToolInputExtractor();
    const args = '{"input": "x\\ud83d';
    expect(extractor.push(args)).toBe("x");
    expect(extractor.finish(args)).toEqual({ input: "x\ud83d", remainder: "\ud83d" });
  });
});

describe("decideCustomToolInput", () => {
  it.each([
    ["{input}", '{"input":"p"}', "p"],
    ["the first input key wins over a later one", '{"content":"c","input":"i"}', "c"],
    ["input keys win over other strings", '{"path":"a","patch":"p"}', "p"],
    ["a single string property", '{"diff":"d"}', "d"],
    ["two unknown string properties → raw", '{"a":"1","b":"2"}', '{"a":"1","b":"2"}'],
    ["an empty object → raw", "{}", "{}"],
    ["a non-string value → raw", '{"input":{"patch":"p"}}', '{"input":{"patch":"p"}}'],
    ["raw newlines inside the string are repaired", '{"path":"a","patch":"line1\nline2"}', "line1\nline2"],
    ["not JSON although it starts with a brace", "{ const x = 1; }", "{ const x = 1; }"],
    ["a number → raw", "42", "42"],
    ["empty arguments", "", ""],
  ])("%s", (_name, args, expected) => {
    expect(decideCustomToolInput(args)).toBe(expected);
  });

  it("uses the streamed value when the JSON was cut off", () => {
    expect(decideCustomToolInput('{"input": "*** Begin Patch\\n*** Up', "*** Begin Patch\n*** Up")).toBe(
      "*** Begin Patch\n*** Up",
    );
  });
});
