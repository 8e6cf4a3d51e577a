import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { upstreamConnectionError } from "../errors.js";
import { chunk, completion, deterministicEnvironment, stream, usageChunk } from "../testing/chunks.js";
import { foldChunks } from "../testing/fixtures.js";
import { checkInvariants, expectStreamMatchesNonStreaming, terminal } from "../testing/reply-harness.js";
import { replyScenarios } from "../testing/reply-scenarios.js";
import type { ResponseObject } from "../types.js";
import { convertChatStreamToEvents } from "./chat-stream-to-events.js";
import { createResponseObject } from "./response-object.js";

const request = { model: "test-model", input: "hi" };

async function run(chunks: Parameters<typeof stream>[0], error?: unknown) {
  const environment = deterministicEnvironment();
  const response = createResponseObject(request, { id: "resp_1", createdAt: 1 });
  const events: ResponseStreamEvent[] = [];
  const finished: ResponseObject[] = [];
  for await (const event of convertChatStreamToEvents(stream(chunks as never[], error), {
    response,
    environment,
    onFinish: (final) => {
      finished.push(final);
    },
  })) {
    events.push(event);
  }
  return { events, finished, types: events.map((event) => event.type) };
}

describe("convertChatStreamToEvents", () => {
  it("streams a text reply with the full event sequence and usage", async () => {
    const { events, types } = await run([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      usageChunk(10, 2, { cached: 4 }),
    ]);
    checkInvariants(events);
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const final = terminal(events);
    expect(final.status).toBe("completed");
    expect(final.output).toEqual([
      {
        id: "msg_1",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Hello", annotations: [], logprobs: [] }],
      },
    ]);
    expect(final.usage).toEqual({
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 12,
    });
    expect(final.completed_at).toBe(1_700_000_000);
  });

  it("closes the message before the first tool call and emits parallel calls in order", async () => {
    const { events, types } = await run([
      chunk({ role: "assistant", content: "Let me check." }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({
        tool_calls: [
          { index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: "{}" } },
        ],
      }),
      chunk({}, "tool_calls"),
    ]);
    checkInvariants(events);
    expect(types.indexOf("response.output_item.done")).toBeLessThan(
      types.indexOf("response.function_call_arguments.delta"),
    );
    const final = terminal(events);
    expect(final.output.map((item) => item.type)).toEqual(["message", "function_call", "function_call"]);
    expect(final.output[1]).toEqual({
      id: "fc_1",
      type: "function_call",
      status: "completed",
      call_id: "call_a",
      name: "get_weather",
      arguments: '{"city":"Paris"}',
    });
    expect(final.output[2]).toMatchObject({ call_id: "call_b", name: "get_time", arguments: "{}" });
  });

  it("keeps interleaved tool-call deltas apart by index", async () => {
    const { events } = await run([
      chunk({
        tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "a", arguments: "" } }],
      }),
      chunk({
        tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "b", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"y":' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: "2}" } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    checkInvariants(events);
    const final = terminal(events);
    expect(final.output).toMatchObject([
      { call_id: "call_a", name: "a", arguments: '{"x":1}' },
      { call_id: "call_b", name: "b", arguments: '{"y":2}' },
    ]);
  });

  it("reassembles arguments split at every position", async () => {
    const args = '{"path":"src/ü.ts","text":"line\\nnext \\"quoted\\""}';
    for (let split = 0; split <= args.length; split++) {
      const { events } = await run([
        chunk({
          tool_calls: [
            {
              index: 0,
              id: "call_x",
              type: "function",
              function: { name: "write", arguments: args.slice(0, split) },
            },
          ],
        }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(split) } }] }),
        chunk({}, "tool_calls"),
      ]);
      const deltas = events
        .filter((event) => event.type === "response.function_call_arguments.delta")
        .map((event) => (event as { delta: string }).delta)
        .join("");
      expect(deltas).toBe(args);
      expect(terminal(events).output[0]).toMatchObject({ arguments: args });
    }
  });

  it("waits for a late function name before announcing the call, and generates a call id when missing", async () => {
    const { events } = await run([
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: "late", arguments: ":1}" } }] }),
      chunk({}, "tool_calls"),
    ]);
    checkInvariants(events);
    const added = events.find((event) => event.type === "response.output_item.added");
    // Stable: derived from the response id and the call's index, the same when not streamed.
    expect(added).toMatchObject({ item: { type: "function_call", name: "late", call_id: "call_1_0" } });
    expect(terminal(events).output[0]).toMatchObject({
      name: "late",
      arguments: '{"a":1}',
      call_id: "call_1_0",
    });
  });

  it.each([
    ["length", "response.incomplete", "incomplete", { reason: "max_output_tokens" }],
    ["content_filter", "response.incomplete", "incomplete", { reason: "content_filter" }],
    ["stop", "response.completed", "completed", null],
  ] as const)("finish_reason %s ends with %s", async (finishReason, type, status, details) => {
    const { events } = await run([chunk({ content: "partial" }), chunk({}, finishReason)]);
    checkInvariants(events);
    expect(events.at(-1)?.type).toBe(type);
    const final = terminal(events);
    expect(final.status).toBe(status);
    expect(final.incomplete_details).toEqual(details);
    expect((final.output[0] as { status?: string } | undefined)?.status).toBe(
      status === "incomplete" ? "incomplete" : "completed",
    );
    expect(final.completed_at).toBe(status === "completed" ? 1_700_000_000 : null);
  });

  it("ends with response.failed when the upstream breaks mid-stream, dropping the half-received call", async () => {
    const { events, finished } = await run(
      [
        chunk({ content: "Working" }),
        chunk({
          tool_calls: [
            { index: 0, id: "call_a", type: "function", function: { name: "run", arguments: '{"cmd":' } },
          ],
        }),
      ],
      upstreamConnectionError("The upstream stream ended before the response was complete."),
    );
    expect(events.at(-1)?.type).toBe("response.failed");
    const final = terminal(events);
    expect(final.status).toBe("failed");
    expect(final.error).toEqual({
      code: "upstream_connection_error",
      message: "The upstream stream ended before the response was complete.",
    });
    // The message finished (a call started after it); the partial call is not reported as an item.
    expect(final.output.map((item) => item.type)).toEqual(["message"]);
    expect(finished).toHaveLength(0);
  });

  it("calls onFinish with the final response before emitting the terminal event", async () => {
    const order: string[] = [];
    const environment = deterministicEnvironment();
    const response = createResponseObject(request, { id: "resp_1", createdAt: 1 });
    for await (const event of convertChatStreamToEvents(stream([chunk({ content: "x" }, "stop")]), {
      response,
      environment,
      onFinish: async () => {
        await Promise.resolve();
        order.push("stored");
      },
    })) {
      order.push(event.type);
    }
    expect(order.filter((entry) => entry === "stored")).toHaveLength(1);
    expect(order.indexOf("stored")).toBeLessThan(order.indexOf("response.completed"));
  });

  interface Reply {
    content: string;
    toolCalls?: Array<{ id: string; name: string; arguments: string }>;
    finishReason?: "length";
  }
  const replies: Array<[string, Reply]> = [
    ["text only", { content: "Hello there" }],
    [
      "text then parallel calls",
      {
        content: "Calling tools",
        toolCalls: [
          { id: "call_a", name: "a", arguments: '{"q":1}' },
          { id: "call_b", name: "b", arguments: "{}" },
        ],
      },
    ],
    ["truncated", { content: "cut off", finishReason: "length" }],
  ];
  it.each(replies)(
    "folds (with the SDK's accumulateResponse) to the non-streaming Response: %s",
    async (_name, reply) => {
      const chunks = [
        chunk({ role: "assistant", content: "" }),
        ...(reply.content ? [...reply.content].map((character) => chunk({ content: character })) : []),
        ...(reply.toolCalls ?? []).flatMap((call, index) => [
          chunk({
            tool_calls: [
              { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
            ],
          }),
          ...[...call.arguments].map((character) =>
            chunk({ tool_calls: [{ index, function: { arguments: character } }] }),
          ),
        ]),
        chunk({}, reply.finishReason ?? (reply.toolCalls ? "tool_calls" : "stop")),
        usageChunk(7, 5),
      ];
      const expected = completion({
        ...reply,
        usage: {
          prompt_tokens: 7,
          completion_tokens: 5,
          total_tokens: 12,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0 },
        },
      });
      await expectStreamMatchesNonStreaming(chunks, expected);
    },
  );

  it.each(replyScenarios().map((scenario) => [scenario.name, scenario] as const))(
    "folds (with the SDK's accumulateResponse) to the non-streaming Response: %s",
    async (_name, scenario) => {
      await expectStreamMatchesNonStreaming(scenario.chunks, foldChunks(scenario.chunks), scenario.options);
    },
  );
});
