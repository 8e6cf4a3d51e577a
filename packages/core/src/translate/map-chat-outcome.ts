import type { CompletionUsage } from "openai/resources/completions";
import type { ResponseUsage } from "../types.js";

/** How a chat `finish_reason` ends a response. */
export interface FinishMapping {
  status: "completed" | "incomplete";
  incompleteReason: "max_output_tokens" | "content_filter" | null;
}

/**
 * Maps a chat `finish_reason` to a Response status: `length` → incomplete (`max_output_tokens`), or
 * completed when `lengthFinish` is `"completed"` (for clients such as Codex that treat incomplete as
 * fatal); `content_filter` → incomplete (`content_filter`); anything else (stop, tool_calls,
 * function_call, null, unknown values) → completed. A tool call that ends with `stop` (Ollama, some
 * OpenAI models) is therefore still a completed response with its call items.
 */
export function mapFinishReason(
  finishReason: string | null | undefined,
  lengthFinish: "incomplete" | "completed" = "incomplete",
): FinishMapping {
  switch (finishReason) {
    case "length":
      return lengthFinish === "completed"
        ? { status: "completed", incompleteReason: null }
        : { status: "incomplete", incompleteReason: "max_output_tokens" };
    case "content_filter":
      return { status: "incomplete", incompleteReason: "content_filter" };
    default:
      return { status: "completed", incompleteReason: null };
  }
}

/**
 * Maps chat usage (prompt/completion tokens and their details) to Responses usage; null stays null.
 * Cached tokens come from `prompt_tokens_details.cached_tokens`, or DeepSeek's `prompt_cache_hit_tokens`.
 */
export function mapUsage(usage: CompletionUsage | null | undefined): ResponseUsage | null {
  if (!usage) return null;
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  const cacheHit = (usage as { prompt_cache_hit_tokens?: number }).prompt_cache_hit_tokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? cacheHit ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens ?? input + output,
  };
}
