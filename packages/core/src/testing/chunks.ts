// Test-only helpers for building Chat Completions chunks by hand (not exported from the package).
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { IdPrefix, TranslationEnvironment } from "../types.js";

type Delta = ChatCompletionChunk.Choice.Delta;

/** One chunk carrying `delta` (and optionally a finish reason / usage). */
export function chunk(
  delta: Delta,
  finishReason: ChatCompletionChunk.Choice["finish_reason"] = null,
): ChatCompletionChunk {
  return {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 1,
    model: "test-model",
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  };
}

/** A usage-only chunk (`choices: []`), as sent with `stream_options.include_usage`. */
export function usageChunk(
  prompt: number,
  completion: number,
  extra: { cached?: number; reasoning?: number } = {},
): ChatCompletionChunk {
  return {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 1,
    model: "test-model",
    choices: [],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: extra.cached ?? 0 },
      completion_tokens_details: { reasoning_tokens: extra.reasoning ?? 0 },
    },
  };
}

/** An async iterable over `items`, optionally throwing `error` after them. */
export async function* stream<T>(items: readonly T[], error?: unknown): AsyncGenerator<T> {
  for (const item of items) yield item;
  if (error !== undefined) throw error;
}

/** Deterministic ids (`msg_1`, `fc_1`, … counted per prefix) and a fixed clock. */
export function deterministicEnvironment(nowMs = 1_700_000_000_000): TranslationEnvironment {
  const counters = new Map<IdPrefix, number>();
  return {
    generateId(prefix) {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}_${next}`;
    },
    now: () => nowMs,
  };
}

/** The non-streaming completion equivalent to a scripted reply. */
export function completion(message: {
  content?: string | null;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  finishReason?: ChatCompletion.Choice["finish_reason"];
  usage?: ChatCompletion["usage"];
}): ChatCompletion {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1,
    model: "test-model",
    choices: [
      {
        index: 0,
        finish_reason: message.finishReason ?? (message.toolCalls?.length ? "tool_calls" : "stop"),
        logprobs: null,
        message: {
          role: "assistant",
          content: message.content ?? null,
          refusal: null,
          ...(message.toolCalls
            ? {
                tool_calls: message.toolCalls.map((call) => ({
                  id: call.id,
                  type: "function" as const,
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        },
      },
    ],
    ...(message.usage ? { usage: message.usage } : {}),
  };
}
