// Test-only: chat replies covering every output item kind, shared by the fold and schema tests.
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ReplyOptions } from "../translate/reply/reply-options.js";
import type { ToolBinding } from "../types.js";
import { usageChunk } from "./chunks.js";

/** A delta with the non-standard fields backends send (reasoning, native custom calls). */
export type LooseDelta = Record<string, unknown>;

/** One chunk of choice 0 carrying `delta` (any fields), an optional finish reason and logprobs. */
export function looseChunk(
  delta: LooseDelta,
  finishReason: string | null = null,
  logprobs: unknown = null,
): ChatCompletionChunk {
  return {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 1,
    model: "test-model",
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs }],
  } as unknown as ChatCompletionChunk;
}

/** `text` cut into pieces of `size` characters. */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let index = 0; index < text.length; index += size) out.push(text.slice(index, index + size));
  return out;
}

/** The Codex apply_patch text (shared/fixtures/codex/patch-turn1-response.sse). */
export const CODEX_PATCH =
  "*** Begin Patch\n*** Update File: codex-e2e-patch.txt\n@@\n-before\n+after\n*** End Patch\n";

/** Tool bindings as the request translator produces them for Codex-like tools. */
export const codexBindings: ReadonlyMap<string, ToolBinding> = new Map<string, ToolBinding>([
  ["apply_patch", { kind: "custom", name: "apply_patch" }],
  ["exec_command", { kind: "function", name: "exec_command" }],
  ["multi_agent_v1__spawn_agent", { kind: "function", name: "spawn_agent", namespace: "multi_agent_v1" }],
  ["local_shell", { kind: "local_shell", name: "local_shell" }],
]);

/** A function tool call streamed as id/name first, then the arguments in pieces of `size`. */
export function toolCallChunks(
  index: number,
  id: string | undefined,
  name: string,
  args: string,
  size = 5,
): ChatCompletionChunk[] {
  return [
    looseChunk({
      tool_calls: [{ index, ...(id ? { id } : {}), type: "function", function: { name, arguments: "" } }],
    }),
    ...pieces(args, size).map((piece) =>
      looseChunk({ tool_calls: [{ index, function: { arguments: piece } }] }),
    ),
  ];
}

/** A named reply and the options it is translated with. */
export interface ReplyScenario {
  name: string;
  chunks: ChatCompletionChunk[];
  options: ReplyOptions;
}

const logprob = (token: string) => ({
  token,
  logprob: -0.25,
  bytes: [...new TextEncoder().encode(token)],
  top_logprobs: [{ token, logprob: -0.25, bytes: [...new TextEncoder().encode(token)] }],
});

/** Replies covering every output item kind and option. */
export function replyScenarios(): ReplyScenario[] {
  const usage = usageChunk(20, 10, { reasoning: 4 });
  return [
    {
      name: "reasoning_content then text",
      chunks: [
        ...pieces("Let me think about it.", 4).map((piece) => looseChunk({ reasoning_content: piece })),
        ...pieces("\n\nThe answer is 4.", 3).map((piece) => looseChunk({ content: piece })),
        looseChunk({}, "stop"),
        usage,
      ],
      options: {},
    },
    {
      name: "reasoning with summary and encrypted content",
      chunks: [
        ...pieces("Plan: add numbers.", 5).map((piece) => looseChunk({ reasoning: piece })),
        looseChunk({ content: "4" }),
        looseChunk({}, "stop"),
        usage,
      ],
      options: { reasoningSummary: true, includeEncryptedReasoning: true },
    },
    {
      name: "OpenRouter reasoning_details",
      chunks: [
        looseChunk({ reasoning_details: [{ type: "reasoning.summary", summary: "Summary. " }] }),
        looseChunk({ reasoning_details: [{ type: "reasoning.text", text: "Details." }] }),
        looseChunk({ content: "Done." }, "stop"),
      ],
      options: { reasoningSummary: true },
    },
    {
      name: "inline think tags",
      chunks: [
        ...pieces("<think>\nIt is a greeting.\n</think>\n\nHello!", 3).map((piece) =>
          looseChunk({ content: piece }),
        ),
        looseChunk({}, "stop"),
      ],
      options: {},
    },
    {
      name: "refusal",
      chunks: [
        ...pieces("I can't help with that.", 6).map((piece) => looseChunk({ refusal: piece })),
        looseChunk({}, "stop"),
      ],
      options: {},
    },
    {
      name: "text and refusal",
      chunks: [
        looseChunk({ content: "Partly: " }),
        looseChunk({ refusal: "no more." }),
        looseChunk({}, "stop"),
      ],
      options: {},
    },
    {
      name: "custom tool call (apply_patch) after reasoning",
      chunks: [
        looseChunk({ reasoning_content: "Patch the file." }),
        ...toolCallChunks(0, "call_p", "apply_patch", JSON.stringify({ input: CODEX_PATCH }), 7),
        looseChunk({}, "tool_calls"),
        usage,
      ],
      options: { tools: codexBindings, reasoningSummary: true },
    },
    {
      name: "native chat custom tool call",
      chunks: [
        looseChunk({
          tool_calls: [
            { index: 0, id: "call_n", type: "custom", custom: { name: "apply_patch", input: "" } },
          ],
        }),
        ...pieces(CODEX_PATCH, 9).map((piece) =>
          looseChunk({ tool_calls: [{ index: 0, custom: { input: piece } }] }),
        ),
        looseChunk({}, "tool_calls"),
      ],
      options: { tools: codexBindings },
    },
    {
      name: "namespace function call",
      chunks: [
        looseChunk({ content: "Spawning." }),
        ...toolCallChunks(0, "call_s", "multi_agent_v1__spawn_agent", '{"message":"go"}'),
        looseChunk({}, "tool_calls"),
      ],
      options: { tools: codexBindings },
    },
    {
      name: "local shell call",
      chunks: [
        ...toolCallChunks(
          0,
          "call_l",
          "local_shell",
          '{"command":["ls","-la"],"timeout_ms":5000,"working_directory":"/tmp"}',
        ),
        looseChunk({}, "tool_calls"),
      ],
      options: { tools: codexBindings },
    },
    {
      name: "parallel calls of every kind without ids",
      chunks: [
        ...toolCallChunks(0, undefined, "exec_command", '{"cmd":"ls"}'),
        ...toolCallChunks(1, undefined, "apply_patch", JSON.stringify({ patch: CODEX_PATCH }), 11),
        ...toolCallChunks(2, undefined, "local_shell", '{"command":"echo hi"}'),
        looseChunk({}, "stop"),
      ],
      options: { tools: codexBindings },
    },
    {
      name: "length finish as completed",
      chunks: [looseChunk({ content: "cut" }), looseChunk({}, "length")],
      options: { lengthFinish: "completed" },
    },
    {
      name: "length finish during reasoning",
      chunks: [looseChunk({ reasoning_content: "thinking..." }), looseChunk({}, "length")],
      options: {},
    },
    {
      name: "logprobs",
      chunks: [
        looseChunk({ content: "Hi" }, null, { content: [logprob("Hi")], refusal: null }),
        looseChunk({ content: " there" }, null, { content: [logprob(" there")], refusal: null }),
        looseChunk({}, "stop"),
      ],
      options: { logprobs: true },
    },
  ];
}
