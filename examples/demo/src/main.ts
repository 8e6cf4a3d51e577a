// The responses-bridge demo: no API key, no model. A scripted Chat Completions backend plays the
// model; the bridge serves the Responses API over it; the real `openai` SDK is the client.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { toNodeHandler } from "@responses-bridge/node";
import { createScriptedBackend, type Scenario } from "@responses-bridge/testkit";
import OpenAI from "openai";

// 1. A Chat Completions backend that follows a script (stands in for Ollama, vLLM, ...).
const backend = createScriptedBackend({
  script: (body): Scenario => {
    const last = body.messages.at(-1);
    if (last?.role === "tool") {
      const weather = JSON.parse(String(last.content)) as { city: string; celsius: number };
      return { text: `It is ${weather.celsius}°C in ${weather.city} right now.`, delayMs: 15 };
    }
    if (body.tools?.length) {
      return { toolCalls: [{ name: "get_weather", arguments: JSON.stringify({ city: "Paris" }) }] };
    }
    return {
      text: "responses-bridge turns every Chat Completions backend into a Responses API server, event by event.",
      chunkSize: 6,
      delayMs: 15,
    };
  },
});
const upstreamServer = await backend.listen();

// 2. The bridge: Responses API in front, Chat Completions behind.
const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({ baseURL: upstreamServer.url }),
});
const server = createServer(toNodeHandler(handler));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
console.log(`bridge listening on ${baseURL}, upstream (scripted) on ${upstreamServer.url}\n`);

// 3. The official openai SDK, unchanged, talking to the bridge.
const client = new OpenAI({ baseURL, apiKey: "not-needed" });

console.log("── streamed text (responses.create with stream: true) ──");
const stream = await client.responses.create({
  model: "demo-model",
  input: "What is responses-bridge?",
  stream: true,
});
for await (const event of stream) {
  if (event.type === "response.output_text.delta") process.stdout.write(event.delta);
  if (event.type === "response.completed") {
    console.log(`\n[${event.type}: ${event.response.usage?.total_tokens} tokens]\n`);
  }
}

console.log("── tool-call round trip with previous_response_id ──");
const tools: OpenAI.Responses.Tool[] = [
  {
    type: "function",
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: false,
  },
];
const first = await client.responses.create({ model: "demo-model", input: "Weather in Paris?", tools });
const call = first.output.find((item) => item.type === "function_call");
if (call?.type !== "function_call") throw new Error("expected a function call");
console.log(`model called ${call.name}(${call.arguments})  [call_id ${call.call_id}]`);
const result = { city: "Paris", celsius: 18 };
console.log(`tool returned ${JSON.stringify(result)}`);

const second = client.responses.stream({
  model: "demo-model",
  previous_response_id: first.id,
  input: [{ type: "function_call_output", call_id: call.call_id, output: JSON.stringify(result) }],
  tools,
});
second.on("response.output_text.delta", (event) => process.stdout.write(event.delta));
const final = await second.finalResponse();
console.log(`\n[${final.status}; output_text: ${JSON.stringify(final.output_text)}]\n`);

const sent = backend.requests.at(-1)?.body;
console.log("── the chat history the bridge sent upstream for turn 2 ──");
for (const message of sent?.messages ?? []) {
  const summary =
    "tool_calls" in message && message.tool_calls
      ? `tool_calls ${message.tool_calls.map((toolCall) => ("function" in toolCall ? toolCall.function.name : toolCall.type)).join(", ")}`
      : JSON.stringify(message.content);
  console.log(`  ${message.role.padEnd(9)} ${summary}`);
}

server.close();
await upstreamServer.close();
