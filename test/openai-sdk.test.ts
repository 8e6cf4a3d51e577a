// End to end: the real `openai` SDK -> the bridge on a real socket -> the scripted Chat Completions
// upstream over HTTP. Every test runs against each mount (node:http adapter, fetch handler).

import type OpenAI from "openai";
import { accumulateResponse } from "openai/lib/responses/ResponseAccumulator";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { afterEach, describe, expect, it } from "vitest";
import {
  closeHarness,
  eventually,
  type Harness,
  MOUNTS,
  normalizeResponse,
  startHarness,
  UPSTREAM_KEY,
} from "./utils/harness.js";
import { OpenAIClient } from "./utils/openai-client.js";

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};

function fold(events: ResponseStreamEvent[]) {
  let snapshot: OpenAI.Responses.Response | undefined;
  for (const event of events) snapshot = accumulateResponse(event, snapshot);
  return snapshot!;
}

describe.each(MOUNTS)("openai SDK through the %s mount", (mount) => {
  let harness: Harness;
  afterEach(() => closeHarness(harness));

  it("responses.create returns a complete Response with output_text and usage", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({
      text: "Hello from the backend",
      usage: { prompt_tokens: 11, completion_tokens: 4, cached_tokens: 3 },
    });
    const response = await harness.client.responses.create({
      model: "m1",
      input: "Say hello",
      instructions: "Be brief.",
    });
    expect(response.object).toBe("response");
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("Hello from the backend");
    expect(response.instructions).toBe("Be brief.");
    expect(response.usage).toEqual({
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 3 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 15,
    });
    const sent = harness.backend.requests.at(-1)!.body!;
    expect(sent.model).toBe("m1");
    expect(sent.stream).toBeFalsy();
    expect(sent.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Say hello" },
    ]);
  });

  it("stream: true yields the event sequence and folds to the non-streaming Response", async () => {
    harness = await startHarness(mount);
    const scenario = {
      text: "Streaming works, chunk by chunk.",
      chunkSize: 3,
      usage: { prompt_tokens: 5, completion_tokens: 9 },
    };
    harness.backend.enqueue(scenario, scenario);
    const events: ResponseStreamEvent[] = [];
    const stream = await harness.client.responses.create({ model: "m1", input: "go", stream: true });
    for await (const event of stream) events.push(event);
    expect(events[0]?.type).toBe("response.created");
    expect(events.at(-1)?.type).toBe("response.completed");
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.filter((event) => event.type === "response.output_text.delta");
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.map((event) => event.delta).join("")).toBe(scenario.text);
    const sent = harness.backend.requests.at(-1)!.body!;
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });

    const completed = (events.at(-1) as { response: OpenAI.Responses.Response }).response;
    const folded = fold(events) as unknown as Record<string, unknown>;
    delete folded.output_text;
    expect(folded).toEqual(completed);
    const nonStreaming = (await harness.client.responses.create({
      model: "m1",
      input: "go",
    })) as unknown as Record<string, unknown>;
    delete nonStreaming.output_text;
    expect(normalizeResponse(completed)).toEqual(normalizeResponse(nonStreaming));
  });

  it("responses.stream() helper and finalResponse()", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "Final answer." });
    const stream = harness.client.responses.stream({ model: "m1", input: "q" });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe("Final answer.");
    expect(deltas.join("")).toBe("Final answer.");
    expect(final.status).toBe("completed");
  });

  it("function-tool round trip with previous_response_id sends the whole chain upstream", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue(
      {
        text: "Checking.",
        toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}', id: "call_oslo" }],
      },
      { text: "It is 3°C in Oslo." },
    );
    const first = await harness.client.responses.create({
      model: "m1",
      input: "Weather in Oslo?",
      tools: [weatherTool],
    });
    expect(first.output.map((item) => item.type)).toEqual(["message", "function_call"]);
    const call = first.output[1] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({
      call_id: "call_oslo",
      name: "get_weather",
      arguments: '{"city":"Oslo"}',
      status: "completed",
    });
    expect(call.id).toMatch(/^fc_/);
    expect(harness.backend.requests.at(-1)!.body!.tools).toEqual([
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "Weather for a city",
          parameters: weatherTool.parameters,
          strict: false,
        },
      },
    ]);

    const second = await harness.client.responses.create({
      model: "m1",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: "call_oslo", output: '{"celsius":3}' }],
      tools: [weatherTool],
    });
    expect(second.output_text).toBe("It is 3°C in Oslo.");
    expect(second.previous_response_id).toBe(first.id);
    expect(harness.backend.requests.at(-1)!.body!.messages).toEqual([
      { role: "user", content: "Weather in Oslo?" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          {
            id: "call_oslo",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_oslo", content: '{"celsius":3}' },
    ]);
  });

  it("the same round trip resending the whole history (store: false) sends the same chat history", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue(
      { toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}', id: "call_1" }] },
      { text: "Done." },
    );
    const first = await harness.client.responses.create({
      model: "m1",
      input: "Weather?",
      tools: [weatherTool],
      store: false,
    });
    const history: OpenAI.Responses.ResponseInputItem[] = [
      { type: "message", role: "user", content: "Weather?" },
      ...(first.output as OpenAI.Responses.ResponseInputItem[]),
      { type: "function_call_output", call_id: "call_1", output: "sunny" },
    ];
    const second = await harness.client.responses.create({
      model: "m1",
      input: history,
      tools: [weatherTool],
      store: false,
    });
    expect(second.output_text).toBe("Done.");
    expect(harness.backend.requests.at(-1)!.body!.messages).toEqual([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "sunny" },
    ]);
    // store: false responses are not kept.
    await expect(harness.client.responses.retrieve(first.id)).rejects.toBeInstanceOf(
      OpenAIClient.NotFoundError,
    );
  });

  it("streams parallel tool calls as complete function_call items", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({
      toolCalls: [
        { name: "get_weather", arguments: '{"city":"Oslo"}' },
        { name: "get_weather", arguments: '{"city":"Lima"}' },
      ],
      interleaveToolCalls: true,
      chunkSize: 2,
    });
    const final = await harness.client.responses
      .stream({ model: "m1", input: "both", tools: [weatherTool] })
      .finalResponse();
    expect(final.output).toMatchObject([
      { type: "function_call", name: "get_weather", arguments: '{"city":"Oslo"}', status: "completed" },
      { type: "function_call", name: "get_weather", arguments: '{"city":"Lima"}', status: "completed" },
    ]);
  });

  it.each([false, true])("a length finish gives status incomplete (stream: %s)", async (stream) => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "This was cut", finishReason: "length" });
    const response = stream
      ? await harness.client.responses
          .stream({ model: "m1", input: "long", max_output_tokens: 16 })
          .finalResponse()
      : await harness.client.responses.create({ model: "m1", input: "long", max_output_tokens: 16 });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.max_output_tokens).toBe(16);
    expect(harness.backend.requests.at(-1)!.body!.max_tokens).toBe(16);
  });

  it.each([false, true])(
    "an upstream 429 surfaces as RateLimitError with retry-after (stream: %s)",
    async (stream) => {
      harness = await startHarness(mount);
      harness.backend.enqueue({ error: { status: 429, headers: { "retry-after": "7" } } });
      const error = await harness.client.responses
        .create({ model: "m1", input: "x", stream })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAIClient.RateLimitError);
      const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(apiError.status).toBe(429);
      expect(apiError.headers?.get("retry-after")).toBe("7");
      expect(apiError.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    },
  );

  it.each([false, true])("an upstream 500 surfaces as InternalServerError (stream: %s)", async (stream) => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ error: { status: 500 } });
    const error = await harness.client.responses
      .create({ model: "m1", input: "x", stream })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAIClient.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({ type: "server_error" });
  });

  it("never leaks the upstream API key in an error", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({
      error: {
        status: 401,
        body: {
          error: {
            message: `Incorrect API key provided: ${UPSTREAM_KEY}`,
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        },
      },
    });
    const logged: string[] = [];
    await harness.close();
    harness = await startHarness(mount, {
      handler: { onError: (error) => logged.push(`${error.message} ${String(error.cause ?? "")}`) },
    });
    harness.backend.enqueue({
      error: {
        status: 401,
        body: {
          error: {
            message: `Incorrect API key provided: ${UPSTREAM_KEY}`,
            type: "invalid_request_error",
            code: "invalid_api_key",
          },
        },
      },
    });
    const response = await fetch(`${harness.url}/responses`, {
      method: "POST",
      body: JSON.stringify({ model: "m", input: "x" }),
    });
    const text = await response.text();
    expect(response.status).toBe(401);
    expect(text).toContain("Incorrect API key provided");
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(logged.join("\n")).not.toContain(UPSTREAM_KEY);
    expect(harness.backend.requests.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it("a malformed body (input: 42) is a 400 naming the param", async () => {
    harness = await startHarness(mount);
    const error = await harness.client.responses
      .create({ model: "m1", input: 42 as never })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAIClient.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      type: "invalid_request_error",
      param: "input",
    });
    expect(harness.backend.requests).toHaveLength(0);
  });

  it.each([
    ["not JSON", "{nope", 400],
    ["an array", "[]", 400],
    ["empty", "", 400],
  ])("a body that is %s gets an OpenAI-shaped 400", async (_name, body, status) => {
    harness = await startHarness(mount);
    const response = await fetch(`${harness.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: Record<string, unknown> };
    expect(Object.keys(json.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(json.error.type).toBe("invalid_request_error");
  });

  it("an unknown previous_response_id is a 400 previous_response_not_found", async () => {
    harness = await startHarness(mount);
    const error = await harness.client.responses
      .create({ model: "m1", input: "x", previous_response_id: "resp_doesnotexist" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAIClient.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.APIError>).error).toMatchObject({
      param: "previous_response_id",
      code: "previous_response_not_found",
    });
  });

  it("GET and DELETE /v1/responses/{id} work through the SDK", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "kept" });
    const created = await harness.client.responses.create({ model: "m1", input: "keep me" });
    const retrieved = await harness.client.responses.retrieve(created.id);
    expect(retrieved.output_text).toBe("kept");
    expect(retrieved.id).toBe(created.id);
    const deleted = await fetch(`${harness.url}/responses/${created.id}`, { method: "DELETE" });
    expect(await deleted.json()).toEqual({ id: created.id, object: "response", deleted: true });
    await expect(harness.client.responses.retrieve(created.id)).rejects.toBeInstanceOf(
      OpenAIClient.NotFoundError,
    );
    const bad = await fetch(`${harness.url}/responses/not-an-id`);
    expect(bad.status).toBe(400);
  });

  it("a stream cut mid-way ends with response.failed and a clean end of stream", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({
      text: "This stream will break somewhere in the middle",
      chunkSize: 4,
      breakAfterChunks: 4,
    });
    const events: ResponseStreamEvent[] = [];
    const stream = await harness.client.responses.create({ model: "m1", input: "x", stream: true });
    for await (const event of stream) events.push(event);
    const last = events.at(-1) as OpenAI.Responses.ResponseFailedEvent;
    expect(last.type).toBe("response.failed");
    expect(last.response.status).toBe("failed");
    expect(last.response.error?.message).toMatch(/upstream/i);
    // Nothing after the terminal event, exactly one terminal event.
    expect(
      events.filter(
        (event) =>
          event.type.startsWith("response.") &&
          ["response.completed", "response.failed", "response.incomplete"].includes(event.type),
      ),
    ).toHaveLength(1);
  });

  it("a client that disconnects mid-stream aborts the upstream request", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "x".repeat(400), chunkSize: 1, delayMs: 20 });
    const stream = await harness.client.responses.create({ model: "m1", input: "slow", stream: true });
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta" && ++deltas === 3) break;
    }
    await eventually(() => harness.backend.requests.at(-1)?.aborted === true);
    expect(harness.backend.requests.at(-1)?.completed).toBe(false);
  });

  it("retries once without stream_options when the upstream rejects it, then remembers", async () => {
    harness = await startHarness(mount, { backend: { rejectStreamOptions: true } });
    harness.backend.enqueue({ text: "first" }, { text: "second" });
    const first = await harness.client.responses.stream({ model: "m1", input: "a" }).finalResponse();
    expect(first.output_text).toBe("first");
    const second = await harness.client.responses.stream({ model: "m1", input: "b" }).finalResponse();
    expect(second.output_text).toBe("second");
    const bodies = harness.backend.requests.map((record) => record.body);
    expect(bodies.map((body) => body?.stream_options !== undefined)).toEqual([true, false, false]);
  });
});

describe("upstream unreachable", () => {
  it("answers 502 with an OpenAI-shaped error", async () => {
    const harness = await startHarness("node");
    const { createResponsesHandler, openAICompatibleUpstream } = await import("@responses-bridge/core");
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://127.0.0.1:9/v1", apiKey: UPSTREAM_KEY }),
    });
    await harness.close();
    const response = await handler.fetch(
      new Request("http://bridge.test/v1/responses", {
        method: "POST",
        body: JSON.stringify({ model: "m", input: "x" }),
      }),
    );
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("server_error");
    expect(body.error.message).toMatch(/^Could not reach the upstream/);
    // The client is not told where the upstream is (issue 17); `onError` and logs are.
    expect(body.error.message).not.toContain("127.0.0.1");
    expect(JSON.stringify(body)).not.toContain(UPSTREAM_KEY);
  });
});
