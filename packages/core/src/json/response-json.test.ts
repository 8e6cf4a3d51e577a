import { createScriptedBackend } from "@responses-bridge/testkit";
import { describe, expect, it } from "vitest";
import { createResponsesHandler } from "../create-responses-handler.js";
import { createMemoryStore } from "../store/memory-store.js";
import { openAICompatibleUpstream } from "../upstream/openai-compatible-upstream.js";
import { jsonBodyText, writeResponseJson } from "./response-json.js";

describe("jsonBodyText", () => {
  it("hands out the text written for the same object once, and serialises anything else", () => {
    const response = { id: "resp_1", output: [{ type: "message", text: "hi" }] };
    const written = writeResponseJson(response);
    // What the store wrote is reused, not serialised again...
    response.output[0]!.text = "changed after writing";
    expect(jsonBodyText(response)).toBe(written);
    // ...once: a second answer of the same object is serialised afresh.
    expect(jsonBodyText(response)).toBe(JSON.stringify(response));
    expect(jsonBodyText({ a: 1 })).toBe('{"a":1}');
    expect(jsonBodyText(null)).toBe("null");
    expect(jsonBodyText("text")).toBe('"text"');
  });

  it("a stored non-streamed answer is the stored Response, byte for byte, through fetch and handle", async () => {
    const store = createMemoryStore();
    const backend = createScriptedBackend();
    backend.enqueue({ text: "Hello there." }, { text: "Again." });
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://scripted.test/v1", fetch: backend.fetch }),
      store,
    });
    const viaFetch = await handler.fetch(
      new Request("http://bridge.test/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", input: "hi" }),
      }),
    );
    const text = await viaFetch.text();
    const answered = JSON.parse(text) as { id: string; output_text?: string };
    expect(text).toBe(JSON.stringify(answered));
    expect(JSON.stringify(await store.get(answered.id).then((record) => record?.response))).toBe(text);

    const result = await handler.handle({
      method: "POST",
      path: "/v1/responses",
      headers: new Headers(),
      body: { model: "m", input: "again" },
      signal: new AbortController().signal,
    });
    if (result.kind !== "json") throw new Error("expected a JSON result");
    const again = jsonBodyText(result.body);
    expect(again).toBe(JSON.stringify(result.body));
    expect(JSON.parse(again).output[0].content[0].text).toBe("Again.");
  });
});
