import type {
  ResponseCustomToolCall,
  ResponseFunctionToolCall,
  ResponseOutputMessage,
  ResponseOutputRefusal,
  ResponseOutputText,
  ResponseReasoningItem,
} from "openai/resources/responses/responses";

/** Item status as the Responses API reports it. */
export type ItemStatus = "in_progress" | "completed" | "incomplete";

/** One token's log probability, in the shape both the SDK and the Open Responses `LogProb` schema accept. */
export interface OutputLogprob {
  /** The token text. */
  token: string;
  /** Natural log of the token's probability. */
  logprob: number;
  /** UTF-8 bytes of the token (empty when the backend sent none). */
  bytes: number[];
  /** The most likely alternatives at this position. */
  top_logprobs: Array<{ token: string; logprob: number; bytes: number[] }>;
}

/** An `output_text` part with the keys strict clients require (`annotations`, `logprobs`). */
export function outputTextPart(text: string, logprobs: OutputLogprob[] = []): ResponseOutputText {
  return { type: "output_text", text, annotations: [], logprobs };
}

/** A `refusal` content part. */
export function refusalPart(refusal: string): ResponseOutputRefusal {
  return { type: "refusal", refusal };
}

/** An assistant `message` output item. */
export function messageItem(
  id: string,
  status: ItemStatus,
  content: ResponseOutputMessage["content"],
): ResponseOutputMessage {
  return { id, type: "message", status, role: "assistant", content };
}

/** A `function_call` output item; `namespace` is set for a function of a `namespace` tool. */
export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: ItemStatus,
  namespace?: string,
): ResponseFunctionToolCall {
  const item: ResponseFunctionToolCall = {
    id,
    type: "function_call",
    status,
    arguments: args,
    call_id: callId,
    name,
  };
  if (namespace !== undefined) item.namespace = namespace;
  return item;
}

/** A `custom_tool_call` output item (a call of a `custom` tool such as Codex's `apply_patch`). */
export function customToolCallItem(
  id: string,
  callId: string,
  name: string,
  input: string,
  status: ItemStatus,
  namespace?: string,
): ResponseCustomToolCall & { status: ItemStatus } {
  const item: ResponseCustomToolCall & { status: ItemStatus } = {
    id,
    type: "custom_tool_call",
    status,
    call_id: callId,
    name,
    input,
  };
  if (namespace !== undefined) item.namespace = namespace;
  return item;
}

/**
 * A `reasoning` output item. `summary` and `content` are always arrays (the AI SDK requires
 * `summary: []`); `encrypted_content` is left out unless given (the Open Responses schema types it as a
 * string, so it is omitted rather than null).
 */
export function reasoningItem(
  id: string,
  summary: ResponseReasoningItem["summary"],
  content: NonNullable<ResponseReasoningItem["content"]>,
  encryptedContent?: string,
): ResponseReasoningItem {
  const item: ResponseReasoningItem = { id, type: "reasoning", summary, content };
  if (encryptedContent !== undefined) item.encrypted_content = encryptedContent;
  return item;
}
