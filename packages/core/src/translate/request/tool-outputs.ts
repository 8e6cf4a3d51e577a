/**
 * Tool call outputs of every kind -> `tool` messages: `*_output` -> `{role: "tool", tool_call_id, content:
 * text}`; images and files follow in a user message once the run of tool messages ends. The calls
 * themselves are converted by their kind's file in `items/`.
 */
import type { ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import { invalidRequest } from "../../errors.js";
import { addToolCall, type InputConversion, pushMessage } from "./input-conversion.js";
import { convertToolOutput } from "./multimodal.js";

/** What a kind of call output answers: how errors name the call, and the call to synthesize for an orphan. */
export interface ToolOutputKind {
  /** The call in error messages (`function call`: "No tool call found for function call output..."). */
  readonly what: string;
  /** The chat tool call an output with no call answers (when orphans are synthesized). */
  synthesize(conversion: InputConversion, callId: string): ChatCompletionMessageToolCall;
}

/** Outputs of `function` and `custom` tool calls: the synthesized call names the only tool of the kind. */
export function namedToolOutput(kind: "function" | "custom", what: string): ToolOutputKind {
  return {
    what,
    synthesize: (conversion, callId) => {
      const name = conversion.tools.soleToolName(kind) ?? "unknown_tool";
      return kind === "custom" && conversion.customTools
        ? { id: callId, type: "custom", custom: { name, input: "" } }
        : { id: callId, type: "function", function: { name, arguments: "{}" } };
    },
  };
}

/**
 * Appends the tool message of a call output; `key` names the field holding the call id (for errors).
 *
 * @throws {ResponsesBridgeError} 400 when the call is unknown and orphans are rejected.
 */
export function appendToolOutput(
  conversion: InputConversion,
  kind: ToolOutputKind,
  callId: string,
  output: string | readonly unknown[],
  param: string,
  key: "call_id" | "id",
): void {
  const toolCallId = findCall(conversion, kind, callId, `${param}.${key}`);
  const { text, attachments } = convertToolOutput(output, `${param}.output`, conversion);
  pushMessage(conversion, {
    role: "tool",
    tool_call_id: toolCallId,
    content:
      text === "" && attachments !== undefined ? "(The output is attached in the next message.)" : text,
  });
  if (attachments !== undefined) {
    conversion.pendingAttachments ??= [];
    conversion.pendingAttachments.push(
      { type: "text", text: `Images and files returned by tool call ${toolCallId}:` },
      ...attachments,
    );
  }
}

/** The chat tool call id an output answers; synthesizes the call or throws when it is unknown. */
function findCall(conversion: InputConversion, kind: ToolOutputKind, callId: string, param: string): string {
  if (conversion.callIds.has(callId)) return callId;
  const alias = conversion.callAliases.get(callId);
  if (alias !== undefined) return alias;
  if (conversion.orphanToolOutputs !== "synthesize") {
    throw invalidRequest(
      `No tool call found for ${kind.what} output with call_id '${callId}'.`,
      param,
      "invalid_value",
    );
  }
  const call = kind.synthesize(conversion, callId);
  const name = call.type === "custom" ? call.custom.name : call.function.name;
  addToolCall(conversion, call);
  conversion.warnings.push({
    code: "synthesized_tool_call",
    message: `No tool call found for the output with call_id '${callId}'; a call to '${name}' was synthesized before it.`,
    param,
  });
  return callId;
}
