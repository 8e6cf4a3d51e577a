import { describe, expect, it } from "vitest";
import { redactHeaders, redactValue } from "./redact.js";

describe("redaction", () => {
  it("hides credential headers and keeps the rest", () => {
    const headers = new Headers({
      authorization: "Bearer sk-live-abcdefghijkl",
      "x-api-key": "k-123456",
      cookie: "session=1",
      "content-type": "application/json",
      "openai-beta": "responses=v1",
    });
    expect(redactHeaders(headers)).toEqual({
      authorization: "[redacted]",
      "x-api-key": "[redacted]",
      cookie: "[redacted]",
      "content-type": "application/json",
      "openai-beta": "responses=v1",
    });
  });

  it("hides values under credential keys, key shapes and bearer tokens in text, and given secrets", () => {
    const request = {
      model: "m",
      input: [{ role: "user", content: "my key is sk-proj-abcdefghijklmnop, use Bearer abc.def.ghi please" }],
      tools: [
        { type: "mcp", server_url: "https://mcp.example", headers: { Authorization: "Bearer x1234567" } },
      ],
      metadata: { api_key: "plain", note: "the upstream key is upstream-secret-42" },
    };
    const redacted = redactValue(request, ["upstream-secret-42"]);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain("sk-proj-abcdefghijklmnop");
    expect(text).not.toContain("abc.def.ghi");
    expect(text).not.toContain("x1234567");
    expect(text).not.toContain("plain");
    expect(text).not.toContain("upstream-secret-42");
    expect(redacted).toMatchObject({
      model: "m",
      tools: [{ headers: { Authorization: "[redacted]" } }],
      metadata: { api_key: "[redacted]", note: "the upstream key is [redacted]" },
    });
    // The original is untouched.
    expect(request.metadata.api_key).toBe("plain");
  });

  it("survives cycles and non-JSON values", () => {
    const node: Record<string, unknown> = { a: 1, f: () => 1 };
    node.self = node;
    expect(redactValue(node)).toEqual({ a: 1 });
  });
});
