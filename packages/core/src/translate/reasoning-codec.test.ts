import { describe, expect, it } from "vitest";
import { decodeReasoningContent, encodeReasoningContent } from "./reasoning-codec.js";

describe("reasoning codec", () => {
  it.each(["", "plain", "ünïcødé 思考 🤔", "x".repeat(200_000)])("round-trips %#", (text) => {
    const encoded = encodeReasoningContent(text);
    expect(encoded).toMatch(/^rb1\.[A-Za-z0-9_-]*$/);
    expect(decodeReasoningContent(encoded)).toBe(text);
  });

  it.each([null, undefined, "gAAAAABo-openai-encrypted", "rb1.!!!", "rb1.__8"])("ignores %s", (value) => {
    expect(decodeReasoningContent(value)).toBeUndefined();
  });
});
