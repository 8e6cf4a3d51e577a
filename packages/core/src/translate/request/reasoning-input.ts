/**
 * The text of a `reasoning` input item, for backends that need earlier reasoning in the history
 * (`capabilities.replayReasoning`, e.g. DeepSeek's thinking mode during tool loops).
 */
import { decodeReasoningContent } from "../reasoning-codec.js";

/** A reasoning item, read structurally: clients echo these verbatim and any part may be missing. */
export interface ReasoningInputItem {
  summary?: readonly { text?: string | null }[] | null;
  content?: readonly { text?: string | null }[] | null;
  encrypted_content?: string | null;
}

/**
 * The reasoning text of an item: its `content` (`reasoning_text` parts), else its `summary` texts,
 * else the text this bridge encoded in `encrypted_content` (see `encodeReasoningContent`); parts are
 * joined by a blank line. Undefined when there is none (an empty item, or OpenAI's own encrypted
 * reasoning, which only OpenAI can read).
 */
export function reasoningText(item: ReasoningInputItem): string | undefined {
  return joinParts(item.content) ?? joinParts(item.summary) ?? decodeReasoningContent(item.encrypted_content);
}

function joinParts(parts: ReasoningInputItem["content"]): string | undefined {
  if (!Array.isArray(parts)) return undefined;
  let text: string | undefined;
  for (const part of parts as ReasoningInputItem["summary"] & object) {
    const partText = part?.text;
    if (typeof partText !== "string" || partText === "") continue;
    text = text === undefined ? partText : `${text}\n\n${partText}`;
  }
  return text;
}
