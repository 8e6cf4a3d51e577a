/**
 * `truncation: "auto"`: drop the oldest part of the conversation so the chat request fits the
 * backend's context window, as OpenAI does instead of failing with `context_length_exceeded`.
 *
 * Tokens are ESTIMATED, not counted: one token per 4 characters of each message serialised as JSON
 * (no tokenizer is bundled; this overestimates inline images and files, so it errs on the side of
 * dropping). The budget is the context window minus the estimated tool definitions and
 * `max_output_tokens`.
 *
 * What is dropped, oldest first, until the estimate fits:
 * 1. whole turns (a user message and everything up to the next one) before the last user turn;
 * 2. then, inside the last turn, the oldest assistant rounds after its user message (an assistant
 *    message together with its tool outputs: a call is never separated from its output).
 * Never dropped: the leading system/developer messages, the last user message, the last round.
 */
import type { ChatCompletionMessageParam } from "../../types.js";

/** Options of {@link truncateMessages}. */
export interface TruncateOptions {
  /** The backend's context window, in tokens. */
  contextWindow: number;
  /** Tokens needed outside the messages (tool definitions, `max_output_tokens`). */
  reservedTokens: number;
  /** Messages that belong to the tool round before them (tool output attachments sent as user messages). */
  attached?: ReadonlySet<ChatCompletionMessageParam>;
}

/** Result of {@link truncateMessages}. */
export interface TruncateResult {
  /** The messages to send: the input array itself when nothing was dropped. */
  messages: ChatCompletionMessageParam[];
  /** How many messages were left out. */
  dropped: number;
  /** Estimated tokens of the request before truncation (messages + reserved). */
  estimatedBefore: number;
  /** Estimated tokens of the request after truncation. */
  estimatedAfter: number;
}

/** Estimated tokens of a JSON value: serialised length / 4, rounded up. */
export function estimateTokens(value: unknown): number {
  return Math.ceil((JSON.stringify(value)?.length ?? 0) / 4);
}

/** A message, or an assistant message with the tool messages (and attachments) answering it. */
interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** Starts a user turn (a real user message, not tool attachments). */
  turn: boolean;
}

/**
 * Drops the oldest turns (see the module comment) until the estimated request fits `contextWindow`.
 * When even the protected messages do not fit, everything droppable is dropped and the backend
 * decides (`estimatedAfter` then exceeds the window).
 */
export function truncateMessages(
  messages: ChatCompletionMessageParam[],
  options: TruncateOptions,
): TruncateResult {
  const sizes = messages.map(estimateTokens);
  let total = options.reservedTokens;
  for (const size of sizes) total += size;
  const estimatedBefore = total;
  if (total <= options.contextWindow) return { messages, dropped: 0, estimatedBefore, estimatedAfter: total };

  let prefix = 0;
  while (prefix < messages.length && isInstruction(messages[prefix] as ChatCompletionMessageParam)) prefix++;
  const units = splitUnits(messages, sizes, prefix, options.attached);
  if (units.length <= 1) return { messages, dropped: 0, estimatedBefore, estimatedAfter: total };

  const keep = new Array<boolean>(units.length).fill(true);
  let lastTurn = -1;
  for (let index = units.length - 1; index >= 0; index--) {
    if ((units[index] as Unit).turn) {
      lastTurn = index;
      break;
    }
  }
  // 1. Whole turns before the last user turn, oldest first.
  let index = 0;
  while (index < Math.max(lastTurn, 0) && total > options.contextWindow) {
    let end = index + 1;
    while (end < lastTurn && !(units[end] as Unit).turn) end++;
    for (let unit = index; unit < end; unit++) {
      keep[unit] = false;
      total -= (units[unit] as Unit).tokens;
    }
    index = end;
  }
  // 2. Rounds inside the last turn, after its user message, never the last one.
  for (let unit = Math.max(lastTurn + 1, index); unit < units.length - 1; unit++) {
    if (total <= options.contextWindow) break;
    keep[unit] = false;
    total -= (units[unit] as Unit).tokens;
  }

  const kept = messages.slice(0, prefix);
  for (let unit = 0; unit < units.length; unit++) {
    if (!keep[unit]) continue;
    const { start, end } = units[unit] as Unit;
    for (let message = start; message < end; message++)
      kept.push(messages[message] as ChatCompletionMessageParam);
  }
  return { messages: kept, dropped: messages.length - kept.length, estimatedBefore, estimatedAfter: total };
}

function isInstruction(message: ChatCompletionMessageParam): boolean {
  return message.role === "system" || message.role === "developer";
}

function splitUnits(
  messages: readonly ChatCompletionMessageParam[],
  sizes: readonly number[],
  from: number,
  attached: ReadonlySet<ChatCompletionMessageParam> | undefined,
): Unit[] {
  const units: Unit[] = [];
  let index = from;
  while (index < messages.length) {
    const message = messages[index] as ChatCompletionMessageParam;
    const start = index;
    let tokens = sizes[index] as number;
    index++;
    if (message.role === "assistant" && message.tool_calls !== undefined && message.tool_calls.length > 0) {
      while (index < messages.length) {
        const next = messages[index] as ChatCompletionMessageParam;
        if (next.role !== "tool" && !attached?.has(next)) break;
        tokens += sizes[index] as number;
        index++;
      }
    }
    units.push({ start, end: index, tokens, turn: message.role === "user" && !attached?.has(message) });
  }
  return units;
}
