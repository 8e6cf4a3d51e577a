// The selected openai major end to end, as a user of either would run it: its client talks to the bridge,
// and a client of the same major is the bridge's upstream through fromOpenAIClient (the peer range is
// ^6 || ^7; CI's Node 24 leg runs with RESPONSES_BRIDGE_TEST_OPENAI=7, the Node 20 leg with 6).

import { createServer } from "node:http";
import { createResponsesHandler, fromOpenAIClient } from "@responses-bridge/core";
import { toNodeHandler } from "@responses-bridge/node";
import { createScriptedBackend } from "@responses-bridge/testkit";
import { describe, expect, it } from "vitest";
import { listen } from "./utils/harness.js";
import { OPENAI_MAJOR, OPENAI_VERSION, OpenAIClient } from "./utils/openai-client.js";

describe(`openai ${OPENAI_MAJOR} as client and as upstream`, () => {
  it("is the selected major", () => {
    expect(OPENAI_VERSION.split(".")[0]).toBe(String(OPENAI_MAJOR));
  });

  it("serves responses.create and a stream through fromOpenAIClient(new OpenAI())", async () => {
    const backend = createScriptedBackend({ script: [{ text: "one" }, { text: "two" }] });
    const upstreamServer = await backend.listen();
    const upstreamKey = "sk-upstream-0123456789abcdef";
    const handler = createResponsesHandler({
      upstream: fromOpenAIClient(
        new OpenAIClient({ baseURL: upstreamServer.url, apiKey: upstreamKey, maxRetries: 0 }),
      ),
      logger: false,
    });
    const bridge = await listen(createServer(toNodeHandler(handler)));
    try {
      const client = new OpenAIClient({ baseURL: bridge.url, apiKey: "client-key", maxRetries: 0 });
      const response = await client.responses.create({ model: "m", input: "hi" });
      expect(response.output_text).toBe("one");
      const stream = await client.responses.create({ model: "m", input: "hi", stream: true });
      const types: string[] = [];
      let text = "";
      for await (const event of stream) {
        types.push(event.type);
        if (event.type === "response.output_text.delta") text += event.delta;
      }
      expect(text).toBe("two");
      expect(types.at(-1)).toBe("response.completed");
      expect(backend.requests.map((request) => request.headers.authorization)).toEqual([
        `Bearer ${upstreamKey}`,
        `Bearer ${upstreamKey}`,
      ]);
    } finally {
      await bridge.close();
      await upstreamServer.close();
    }
  });
});
