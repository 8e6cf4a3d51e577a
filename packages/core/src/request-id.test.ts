import { describe, expect, it } from "vitest";
import { createResponsesHandler } from "./create-responses-handler.js";
import { keptRequestId } from "./request-id.js";
import { openAICompatibleUpstream } from "./upstream/openai-compatible-upstream.js";

describe("keptRequestId", () => {
  it("keeps a short token and refuses what could forge a header or a log line", () => {
    for (const id of ["req_1", "a", "trace-01:span.7", "x".repeat(128)]) expect(keptRequestId(id)).toBe(id);
    for (const id of ["", "x".repeat(129), "two words", "line\nbreak", "tab\t", "é", "a/b", null, undefined])
      expect(keptRequestId(id)).toBeUndefined();
  });

  it("is the rule the handler answers by", async () => {
    // Nothing reaches the upstream: the id is the only thing looked at.
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://127.0.0.1:9/v1" }),
    });
    for (const [sent, kept] of [
      ["client-id.1", true],
      ["client id", false],
    ] as const) {
      const response = await handler.fetch(
        new Request("http://bridge.test/v1/responses/resp_missing", { headers: { "x-request-id": sent } }),
      );
      const answered = response.headers.get("x-request-id");
      expect(answered === sent).toBe(kept);
      expect(keptRequestId(sent) === answered).toBe(kept);
    }
  });
});
