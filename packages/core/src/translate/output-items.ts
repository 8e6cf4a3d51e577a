import type {
  ResponseFunctionToolCall,
  ResponseOutputMessage,
  ResponseOutputText,
} from "openai/resources/responses/responses";

/** Item status as the Responses API reports it. */
export type ItemStatus = "in_progress" | "completed" | "incomplete";

/** An `output_text` part with the keys strict clients require (`annotations`, `logprobs`). */
export function outputTextPart(text: string): ResponseOutputText {
  return { type: "output_text", text, annotations: [], logprobs: [] };
}

/** An assistant `message` output item. */
export function messageItem(
  id: string,
  status: ItemStatus,
  content: ResponseOutputMessage["content"],
): ResponseOutputMessage {
  return { id, type: "message", status, role: "assistant", content };
}

/** A `function_call` output item. */
export function functionCallItem(
  id: string,
  callId: string,
  name: string,
  args: string,
  status: ItemStatus,
): ResponseFunctionToolCall {
  return { id, type: "function_call", status, arguments: args, call_id: callId, name };
}
