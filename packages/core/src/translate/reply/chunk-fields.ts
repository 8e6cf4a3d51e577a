import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { OutputLogprob } from "../output-items.js";

/** One tool call in a delta, as backends really send it (every field optional, chat `custom` calls too). */
export interface ToolCallDelta {
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
  /** Native chat custom tool call (`type: "custom"`): the raw input, not JSON. */
  custom?: { name?: string | null; input?: string | null } | null;
}

/** The assistant delta fields the translator reads, including the non-standard reasoning fields. */
export interface ReplyDelta {
  content?: string | ReadonlyArray<ContentPartLike> | null;
  refusal?: string | null;
  /** DeepSeek, llama.cpp, LM Studio, older vLLM. */
  reasoning_content?: string | null;
  /** Ollama, OpenRouter, Groq, newer vLLM. */
  reasoning?: string | null;
  /** OpenRouter's structured reasoning (`reasoning.text`, `reasoning.summary`, `reasoning.encrypted`). */
  reasoning_details?: ReadonlyArray<{ type?: string; text?: string | null; summary?: string | null }> | null;
  tool_calls?: ReadonlyArray<ToolCallDelta> | null;
}

/** A content part in an array-valued `content` (Mistral sends `text` and `thinking` parts). */
interface ContentPartLike {
  type?: string;
  text?: string | null;
  thinking?: string | ReadonlyArray<{ text?: string | null }> | null;
}

/**
 * The reasoning text of a delta (or non-streaming message): `reasoning_content`, else `reasoning`, else
 * the texts of `reasoning_details`. Only one source is used per delta because OpenRouter sends the same
 * text in `reasoning` and `reasoning_details`.
 */
export function reasoningTextOf(delta: ReplyDelta): string {
  const { reasoning_content: content, reasoning, reasoning_details: details } = delta;
  if (typeof content === "string" && content.length > 0) return content;
  if (typeof reasoning === "string" && reasoning.length > 0) return reasoning;
  if (!Array.isArray(details)) return "";
  let text = "";
  for (const detail of details) {
    if (detail?.type === "reasoning.text" && typeof detail.text === "string") text += detail.text;
    else if (detail?.type === "reasoning.summary" && typeof detail.summary === "string")
      text += detail.summary;
  }
  return text;
}

/** Text and reasoning of a `content` field that may be a string or an array of parts. */
export function contentOf(content: ReplyDelta["content"]): { text: string; reasoning: string } {
  if (typeof content === "string") return { text: content, reasoning: "" };
  let text = "";
  let reasoning = "";
  if (!Array.isArray(content)) return { text, reasoning };
  for (const part of content as ReadonlyArray<ContentPartLike>) {
    if (part?.type === "text" && typeof part.text === "string") text += part.text;
    else if (part?.type === "thinking") {
      const thinking = part.thinking;
      if (typeof thinking === "string") reasoning += thinking;
      else if (Array.isArray(thinking)) for (const entry of thinking) reasoning += entry?.text ?? "";
    }
  }
  return { text, reasoning };
}

/** The chunk's usage: the standard `usage`, or Groq's `x_groq.usage` on the last chunk. */
export function usageOf(chunk: ChatCompletionChunk): CompletionUsage | undefined {
  if (chunk.usage) return chunk.usage;
  const groq = (chunk as { x_groq?: { usage?: CompletionUsage | null } | null }).x_groq;
  return groq?.usage ?? undefined;
}

/**
 * The choice the bridge answers from: the one with `index` 0 (or without an index). Other choices
 * (`n` > 1) are ignored; a chunk that only carries them yields undefined.
 */
export function primaryChoice<T extends { index?: number | null }>(
  choices: readonly T[] | null | undefined,
): T | undefined {
  if (!choices) return undefined;
  for (const choice of choices) if (choice.index === 0 || choice.index == null) return choice;
  return undefined;
}

interface TopLogprobLike {
  token?: string | null;
  logprob?: number | null;
  bytes?: number[] | null;
}

interface LogprobLike extends TopLogprobLike {
  top_logprobs?: ReadonlyArray<TopLogprobLike> | null;
}

/** Chat token logprobs (`choice.logprobs.content`) as Responses `output_text` logprobs. */
export function mapLogprobs(entries: ReadonlyArray<LogprobLike> | null | undefined): OutputLogprob[] {
  if (!Array.isArray(entries)) return [];
  const out: OutputLogprob[] = [];
  for (const entry of entries) {
    out.push({
      token: entry.token ?? "",
      logprob: entry.logprob ?? 0,
      bytes: entry.bytes ?? [],
      top_logprobs: (entry.top_logprobs ?? []).map((top: TopLogprobLike) => ({
        token: top.token ?? "",
        logprob: top.logprob ?? 0,
        bytes: top.bytes ?? [],
      })),
    });
  }
  return out;
}

/**
 * A non-streaming completion as one equivalent stream chunk: the message becomes the delta (tool calls
 * numbered by position), with the finish reason, logprobs and usage. Translating this chunk gives the
 * same Response as streaming the same reply.
 */
export function completionToChunk(completion: ChatCompletion): ChatCompletionChunk {
  const choices = (completion.choices ?? []).map((choice) => {
    const message = (choice.message ?? {}) as ChatCompletion.Choice["message"] & ReplyDelta;
    const delta: ReplyDelta & { role?: string } = {
      role: "assistant",
      content: message.content ?? null,
      refusal: message.refusal ?? null,
      reasoning_content: message.reasoning_content ?? null,
      reasoning: message.reasoning ?? null,
      reasoning_details: message.reasoning_details ?? null,
    };
    const toolCalls = message.tool_calls as ReadonlyArray<ToolCallDelta> | undefined;
    if (toolCalls && toolCalls.length > 0) {
      delta.tool_calls = toolCalls.map((call, index) => ({ ...call, index }));
    }
    return {
      index: choice.index ?? 0,
      delta,
      finish_reason: choice.finish_reason ?? null,
      logprobs: choice.logprobs ?? null,
    };
  });
  const chunk = {
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
    choices,
    usage: completion.usage ?? (completion as { x_groq?: { usage?: CompletionUsage } }).x_groq?.usage ?? null,
  };
  return chunk as unknown as ChatCompletionChunk;
}
