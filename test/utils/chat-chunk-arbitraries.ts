// Arbitrary chat replies and the chunk streams and SSE bodies that carry them, shared by the property
// tests (test/property-stream.test.ts, test/property-batching.test.ts).

import fc from "fast-check";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";

export interface Reply {
  reasoning: string;
  reasoningField: "reasoning_content" | "reasoning";
  text: string;
  refusal: string;
  toolCalls: Array<{ id?: string; name: string; arguments: string }>;
  finishReason: "stop" | "length" | "tool_calls" | "content_filter";
  usage: { prompt_tokens: number; completion_tokens: number } | null;
  usageOnFinishChunk: boolean;
  /** Tool call deltas without `index` (older llama.cpp, some proxies): calls one after the other. */
  unindexed: boolean;
  /** Chunks that must change nothing: empty `choices`, an empty delta, a second choice (`n` > 1). */
  noise: boolean;
}

export const piece = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(" ", "\n", "  \n", "é", "😀", "中文", "</think>", "<think>", "\\", '"'),
  },
);
export const longText = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(""));
export const identifier = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,15}$/);
export const jsonValue = fc.jsonValue({ maxDepth: 2 });

export const reply: fc.Arbitrary<Reply> = fc
  .record({
    reasoning: fc.oneof(fc.constant(""), longText),
    reasoningField: fc.constantFrom("reasoning_content" as const, "reasoning" as const),
    text: fc.oneof(fc.constant(""), longText),
    think: fc.option(longText, { nil: undefined }),
    refusal: fc.oneof({ weight: 5, arbitrary: fc.constant("") }, { weight: 1, arbitrary: longText }),
    toolCalls: fc.array(
      fc.record(
        {
          id: identifier.map((id) => `call_${id}`),
          name: identifier,
          arguments: fc.oneof(
            jsonValue.map((value) => JSON.stringify({ value })),
            fc.constant(""),
            fc.constant('{"path":"a\\"b.txt","emoji":"😀"}'),
          ),
        },
        { requiredKeys: ["name", "arguments"] },
      ),
      { maxLength: 3 },
    ),
    finishReason: fc.constantFrom(
      "stop" as const,
      "length" as const,
      "tool_calls" as const,
      "content_filter" as const,
    ),
    usage: fc.option(fc.record({ prompt_tokens: fc.nat(5000), completion_tokens: fc.nat(5000) }), {
      nil: null,
    }),
    usageOnFinishChunk: fc.boolean(),
    unindexed: fc.boolean(),
    noise: fc.boolean(),
  })
  .map(({ think, ...rest }) => ({
    ...rest,
    // Without an index, calls are told apart by their id: every call has one.
    toolCalls: rest.unindexed
      ? rest.toolCalls.map((call, index) => ({ ...call, id: call.id ?? `call_u${index}` }))
      : rest.toolCalls,
    // A <think> block only leads the content when the backend sends no separate reasoning.
    text: think !== undefined && rest.reasoning === "" ? `<think>${think}</think>${rest.text}` : rest.text,
  }));

/** Splits `text` into pieces at the given cut points (code-unit positions, deduplicated). */
export function split(text: string, cuts: readonly number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of points) {
    if (point > start) {
      pieces.push(text.slice(start, point));
      start = point;
    }
  }
  if (start < text.length) pieces.push(text.slice(start));
  return pieces;
}

export const base = { id: "chatcmpl-p", object: "chat.completion.chunk" as const, created: 1, model: "m" };

export function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): ChatCompletionChunk {
  return {
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  } as ChatCompletionChunk;
}

export function usageOf(value: NonNullable<Reply["usage"]>) {
  return {
    prompt_tokens: value.prompt_tokens,
    completion_tokens: value.completion_tokens,
    total_tokens: value.prompt_tokens + value.completion_tokens,
  };
}

/**
 * The chunks of a streamed reply: role chunk, reasoning, text and refusal pieces, then the tool calls
 * (each call's first delta, with id and name, in index order; argument pieces of all calls interleaved
 * in the order `interleave` picks), the finish chunk and the usage chunk.
 */
export function streamOf(
  value: Reply,
  cuts: readonly number[],
  interleave: readonly number[],
): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [chunk({ role: "assistant", content: "" })];
  const noise = () => {
    if (!value.noise) return;
    chunks.push({ ...base, choices: [] });
    chunks.push(chunk({}));
    chunks.push({
      ...base,
      choices: [{ index: 1, delta: { content: "another choice" }, logprobs: null, finish_reason: null }],
    } as ChatCompletionChunk);
  };
  noise();
  for (const part of split(value.reasoning, cuts)) chunks.push(chunk({ [value.reasoningField]: part }));
  noise();
  for (const part of split(value.text, cuts)) chunks.push(chunk({ content: part }));
  for (const part of split(value.refusal, cuts)) chunks.push(chunk({ refusal: part }));
  noise();
  if (value.unindexed) {
    for (const call of value.toolCalls) {
      chunks.push(
        chunk({
          tool_calls: [{ id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
        }),
      );
      for (const part of split(call.arguments, cuts)) {
        chunks.push(chunk({ tool_calls: [{ function: { arguments: part } }] }));
      }
    }
    chunks.push(chunk({}, value.finishReason));
    if (value.usage) chunks.push({ ...base, choices: [], usage: usageOf(value.usage) });
    return chunks;
  }
  const pending = value.toolCalls.map((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          {
            index,
            ...(call.id ? { id: call.id } : {}),
            type: "function",
            function: { name: call.name, arguments: "" },
          },
        ],
      }),
    );
    return split(
      call.arguments,
      cuts.map((cut) => cut + index * 7),
    );
  });
  let turn = 0;
  while (pending.some((queue) => queue.length > 0)) {
    const open = pending.map((queue, index) => (queue.length > 0 ? index : -1)).filter((index) => index >= 0);
    const index = open[(interleave[turn++ % Math.max(1, interleave.length)] ?? 0) % open.length]!;
    chunks.push(chunk({ tool_calls: [{ index, function: { arguments: pending[index]!.shift()! } }] }));
  }
  const finish = chunk({}, value.finishReason);
  if (value.usage && value.usageOnFinishChunk) finish.usage = usageOf(value.usage);
  chunks.push(finish);
  if (value.usage && !value.usageOnFinishChunk)
    chunks.push({ ...base, choices: [], usage: usageOf(value.usage) });
  return chunks;
}

/** The non-streaming completion with the same reply. */
export function completionOf(value: Reply): ChatCompletion {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: value.text === "" ? null : value.text,
    refusal: value.refusal === "" ? null : value.refusal,
  };
  if (value.reasoning !== "") message[value.reasoningField] = value.reasoning;
  if (value.toolCalls.length > 0) {
    message.tool_calls = value.toolCalls.map((call) => ({
      ...(call.id ? { id: call.id } : {}),
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: "chatcmpl-p",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, message, logprobs: null, finish_reason: value.finishReason }],
    ...(value.usage ? { usage: usageOf(value.usage) } : {}),
  } as unknown as ChatCompletion;
}

export function sseText(
  chunks: readonly ChatCompletionChunk[],
  options: { crlf: boolean; comments: boolean },
): string {
  const eol = options.crlf ? "\r\n" : "\n";
  let text = options.comments ? `: connected${eol}${eol}` : "";
  for (const value of chunks) {
    text += `data: ${JSON.stringify(value)}${eol}${eol}`;
    if (options.comments) text += `: keep-alive${eol}${eol}`;
  }
  return `${text}data: [DONE]${eol}${eol}`;
}

export function byteStream(bytes: Uint8Array, cuts: readonly number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) parts.push(bytes.slice(start, point));
    start = Math.max(start, point);
  }
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}
