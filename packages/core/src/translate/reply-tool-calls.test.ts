// Reply side of the Responses surface: custom / namespace / local shell calls, tool-call quirks,
// length finish, usage and logprobs. The fold against the non-streaming Response for each item kind
// is in chat-stream-to-events.test.ts.
import { describe, expect, it } from "vitest";
import { foldChunks } from "../testing/fixtures.js";
import {
  checkInvariants,
  expectStreamMatchesNonStreaming,
  joinDeltas,
  runStream,
  translateChunks,
} from "../testing/reply-harness.js";
import {
  CODEX_PATCH,
  codexBindings,
  looseChunk,
  pieces,
  toolCallChunks,
} from "../testing/reply-scenarios.js";
import { mapFinishReason, mapUsage } from "./map-chat-outcome.js";

const text = (value: string) => looseChunk({ content: value });
const stop = looseChunk({}, "stop");

describe("custom tool calls", () => {
  const args = JSON.stringify({ input: CODEX_PATCH });

  it("turn a call of a custom tool into a custom_tool_call whose input is the patch, for every split", async () => {
    for (let split = 0; split <= args.length; split++) {
      const chunks = [
        looseChunk({
          tool_calls: [
            {
              index: 0,
              id: "call_p",
              type: "function",
              function: { name: "apply_patch", arguments: args.slice(0, split) },
            },
          ],
        }),
        looseChunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(split) } }] }),
        looseChunk({}, "tool_calls"),
      ];
      const { events, final } = translateChunks(chunks, { tools: codexBindings });
      expect(joinDeltas(events, "response.custom_tool_call_input.delta")).toBe(CODEX_PATCH);
      expect(events.find((event) => event.type === "response.custom_tool_call_input.done")).toMatchObject({
        item_id: "ctc_1",
        output_index: 0,
        input: CODEX_PATCH,
      });
      expect(final.output).toEqual([
        {
          id: "ctc_1",
          type: "custom_tool_call",
          status: "completed",
          call_id: "call_p",
          name: "apply_patch",
          input: CODEX_PATCH,
        },
      ]);
      expect(events.some((event) => event.type.startsWith("response.function_call_arguments"))).toBe(false);
    }
  });

  it("announce the item with an empty input and stream decoded text early", async () => {
    const { events } = await runStream([...toolCallChunks(0, "call_p", "apply_patch", args, 10), stop], {
      tools: codexBindings,
    });
    checkInvariants(events);
    expect(events[2]).toMatchObject({
      type: "response.output_item.added",
      item: {
        type: "custom_tool_call",
        id: "ctc_1",
        call_id: "call_p",
        name: "apply_patch",
        input: "",
        status: "in_progress",
      },
    });
    const deltas = events.filter((event) => event.type === "response.custom_tool_call_input.delta");
    expect(deltas.length).toBeGreaterThan(5);
  });

  it("accept native chat custom calls and keep a namespace", async () => {
    const tools = new Map([["ns__patch", { kind: "custom" as const, name: "patch", namespace: "ns" }]]);
    const { final } = await runStream(
      [
        looseChunk({
          tool_calls: [
            { index: 0, id: "c1", type: "custom", custom: { name: "ns__patch", input: "raw text" } },
          ],
        }),
        stop,
      ],
      { tools },
    );
    expect(final.output).toEqual([
      {
        id: "ctc_1",
        type: "custom_tool_call",
        status: "completed",
        call_id: "c1",
        name: "patch",
        input: "raw text",
        namespace: "ns",
      },
    ]);
  });
});

describe("namespace and local shell calls", () => {
  it("map a flattened namespace function back to its name and namespace", async () => {
    const { final } = await runStream(
      [...toolCallChunks(0, "c", "multi_agent_v1__spawn_agent", "{}"), stop],
      { tools: codexBindings },
    );
    expect(final.output).toMatchObject([
      { type: "function_call", name: "spawn_agent", namespace: "multi_agent_v1" },
    ]);
  });

  it("parse the exec action of a local_shell call at the end, without argument events", async () => {
    const { events, final } = await runStream(
      [
        ...toolCallChunks(
          0,
          "c",
          "local_shell",
          '{"command":["git","status"],"env":{"A":"1"},"user":"me","workdir":"/w"}',
        ),
        stop,
      ],
      { tools: codexBindings },
    );
    checkInvariants(events);
    expect(events.filter((event) => "delta" in event)).toEqual([]);
    expect(events[2]).toMatchObject({
      item: { type: "local_shell_call", action: { type: "exec", command: [], env: {} } },
    });
    expect(final.output).toEqual([
      {
        id: "lsh_1",
        type: "local_shell_call",
        status: "completed",
        call_id: "c",
        action: {
          type: "exec",
          command: ["git", "status"],
          env: { A: "1" },
          working_directory: "/w",
          user: "me",
        },
      },
    ]);
  });
});

describe("finish, usage and logprobs", () => {
  it.each([
    ["incomplete", "response.incomplete", "incomplete", { reason: "max_output_tokens" }],
    ["completed", "response.completed", "completed", null],
  ] as const)("lengthFinish %s", async (lengthFinish, type, status, details) => {
    const { events, final } = await runStream([text("cut"), looseChunk({}, "length")], { lengthFinish });
    expect(events.at(-1)?.type).toBe(type);
    expect(final.status).toBe(status);
    expect(final.incomplete_details).toEqual(details);
    expect(final.output[0]).toMatchObject({ status });
  });

  it("maps finish reasons and usage quirks", () => {
    expect(mapFinishReason("length", "completed")).toEqual({ status: "completed", incompleteReason: null });
    expect(mapFinishReason("stop")).toEqual({ status: "completed", incompleteReason: null });
    expect(mapFinishReason("eos")).toEqual({ status: "completed", incompleteReason: null });
    expect(
      mapUsage({
        prompt_tokens: 9,
        completion_tokens: 1,
        total_tokens: 10,
        prompt_cache_hit_tokens: 6,
      } as never),
    ).toMatchObject({
      input_tokens_details: { cached_tokens: 6 },
    });
  });

  it("copies token logprobs to the deltas and the part when requested, and only then", async () => {
    const entry = {
      token: "Hi",
      logprob: -0.5,
      bytes: [72, 105],
      top_logprobs: [{ token: "Hi", logprob: -0.5, bytes: [72, 105] }],
    };
    const chunks = [looseChunk({ content: "Hi" }, null, { content: [entry], refusal: null }), stop];
    const on = await runStream(chunks, { logprobs: true });
    expect(on.events.find((event) => event.type === "response.output_text.delta")).toMatchObject({
      logprobs: [entry],
    });
    expect(on.events.find((event) => event.type === "response.output_text.done")).toMatchObject({
      logprobs: [entry],
    });
    expect(on.final.output).toMatchObject([{ content: [{ logprobs: [entry] }] }]);
    const off = await runStream(chunks);
    expect(off.final.output).toMatchObject([{ content: [{ logprobs: [] }] }]);
    await expectStreamMatchesNonStreaming(chunks, foldChunks(chunks), { logprobs: true });
  });
});

describe("tool-call quirks", () => {
  it("generates the same stable call ids streamed and not streamed", async () => {
    const chunks = [
      looseChunk({ tool_calls: [{ index: 0, type: "function", function: { name: "a", arguments: "{}" } }] }),
      looseChunk({ tool_calls: [{ index: 1, type: "function", function: { name: "b", arguments: "{}" } }] }),
      stop,
    ];
    const { final } = await expectStreamMatchesNonStreaming(chunks, foldChunks(chunks));
    expect(final.output.map((item) => (item as { call_id: string }).call_id)).toEqual([
      "call_1_0",
      "call_1_1",
    ]);
  });

  it("replaces a call id the backend repeats, so every call_id is unique", async () => {
    const chunks = [
      looseChunk({
        tool_calls: [{ index: 0, id: "same", type: "function", function: { name: "a", arguments: "{}" } }],
      }),
      looseChunk({
        tool_calls: [{ index: 1, id: "same", type: "function", function: { name: "b", arguments: "{}" } }],
      }),
      stop,
    ];
    const { final } = await expectStreamMatchesNonStreaming(chunks, foldChunks(chunks));
    expect(final.output.map((item) => (item as { call_id: string }).call_id)).toEqual(["same", "call_1_1"]);
  });

  it("keeps calls apart when deltas have no index (the name is repeated, the id missing)", async () => {
    const chunks = [
      ...pieces('{"p":1}', 3).map((piece) =>
        looseChunk({ tool_calls: [{ type: "function", function: { name: "read", arguments: piece } }] }),
      ),
      ...pieces('{"p":2}', 3).map((piece) =>
        looseChunk({ tool_calls: [{ type: "function", function: { name: "list", arguments: piece } }] }),
      ),
      looseChunk({ tool_calls: [{ id: "x", function: { name: "read", arguments: "{}" } }] }),
      looseChunk({}, "tool_calls"),
    ];
    const { events, final } = await runStream(chunks);
    checkInvariants(events);
    expect(final.output).toMatchObject([
      { name: "read", arguments: '{"p":1}' },
      { name: "list", arguments: '{"p":2}' },
      { name: "read", arguments: "{}", call_id: "x" },
    ]);
  });

  it("answers from choice 0 only", async () => {
    const other = {
      ...text("other"),
      choices: [{ index: 1, delta: { content: "other" }, finish_reason: null }],
    };
    const { final } = await runStream([other as never, text("mine"), stop]);
    expect(final.output).toMatchObject([{ content: [{ text: "mine" }] }]);
  });
});
