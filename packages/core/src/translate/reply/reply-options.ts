import type { ResponseOutputItem } from "openai/resources/responses/responses";
import type { IdPrefix, ToolBindings, TranslationEnvironment } from "../../types.js";

/**
 * How a chat reply becomes Responses output: shared by the streaming translator
 * (`ChatStreamTranslator`, `convertChatStreamToEvents`) and `convertChatToResponse`, so both produce the
 * same Response for the same reply. Every field is optional.
 */
export interface ReplyOptions {
  /**
   * Chat function name → the Responses tool the client declared (from `convertRequestToChat`). A call
   * becomes the item of its tool's kind (a `custom` tool's, a `custom_tool_call`...), and a function
   * inside a `namespace` a `function_call` with its original `name` and `namespace`. Names without a binding stay plain `function_call`s.
   */
  tools?: ToolBindings;
  /**
   * The request asked for a reasoning summary (`reasoning.summary` set). Reasoning items then also carry
   * the reasoning text as their one summary part, streamed with `response.reasoning_summary_*` events,
   * because Codex and the AI SDK only display summaries. Default `false`: `summary: []`.
   */
  reasoningSummary?: boolean;
  /**
   * The request's `include` has `"reasoning.encrypted_content"`: reasoning items carry
   * `encrypted_content` (see `encodeReasoningContent`) so a stateless client can send the reasoning back.
   * Default `false`: the key is left out.
   */
  includeEncryptedReasoning?: boolean;
  /**
   * How a `length` finish ends the response: `"incomplete"` (OpenAI's behaviour: `response.incomplete`
   * with `incomplete_details.reason: "max_output_tokens"`), or `"completed"` for clients that treat
   * incomplete as fatal (Codex). Default `"incomplete"`.
   */
  lengthFinish?: "incomplete" | "completed";
  /**
   * Read a `<think>…</think>` block at the very start of the content (leading whitespace allowed) as
   * reasoning. Only a block at the start counts; later tags are text. An unclosed block is reasoning up to
   * the end of the reply. Default `true`.
   */
  thinkTags?: boolean;
  /**
   * The request asked for log probabilities (`include: ["message.output_text.logprobs"]` or
   * `top_logprobs`): the backend's `choice.logprobs.content` entries are copied to `output_text` deltas
   * and parts. Default `false`: `logprobs: []`.
   */
  logprobs?: boolean;
  /**
   * Call ids the conversation already used (the request's input and stored chain, see `collectCallIds`).
   * A backend call with one of these ids gets a fresh `call_id`, so ids stay unique per conversation.
   * Default: none.
   */
  reservedCallIds?: ReadonlySet<string>;
  /**
   * Output items the bridge made before the reply (the `compaction` item of `context_management`): they
   * open the output (`output_index` 0…), streamed as `output_item.added` and `.done` right after
   * `response.in_progress`, and the reply's items follow them. Default: none.
   */
  leadingOutput?: readonly ResponseOutputItem[];
}

/** Receives one event; the orchestrator assigns `sequence_number`. */
export type Emit = (event: Record<string, unknown>) => void;

/** Id prefixes of the items this module creates, beyond {@link IdPrefix}. */
export type ItemIdPrefix = IdPrefix | "ctc" | "lsh";

/**
 * A new item id from the environment. `ctc` (custom tool call) and `lsh` (local shell call) are passed
 * through the same generator as the built-in prefixes.
 */
export function newItemId(environment: TranslationEnvironment, prefix: ItemIdPrefix): string {
  return environment.generateId(prefix as IdPrefix);
}

/**
 * The `call_id` for a tool call the backend sent without an id: derived from the response id and the
 * call's chat index, so the same call gets the same id when streamed and when not, and ids never collide
 * across responses. At most 64 characters.
 */
export function fallbackCallId(responseId: string, index: number): string {
  const suffix = `_${index}`;
  let base = responseId.startsWith("resp_") ? responseId.slice(5) : responseId;
  const room = 64 - "call_".length - suffix.length;
  if (base.length > room) base = base.slice(base.length - room);
  return `call_${base}${suffix}`;
}
