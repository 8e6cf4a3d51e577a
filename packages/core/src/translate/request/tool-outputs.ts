/**
 * Tool call outputs of every kind -> `tool` messages: `*_output` -> `{role: "tool", tool_call_id, content:
 * text}`; images and files follow in a user message once the run of tool messages ends. The calls
 * themselves are converted by their kind's file in `items/`.
 */
import { invalidRequest } from "../../errors.js";
import { addToolCall, type InputConversion, pushMessage } from "./input-conversion.js";
import { convertToolOutput } from "./multimodal.js";

/**
 * Appends the tool message of a call output; `key` names the field holding the call id (for errors).
 *
 * @throws {ResponsesBridgeError} 400 when the call is unknown and orphans are rejected.
 */
export function appendToolOutput(
  conversion: InputConversion,
  kind: "function" | "custom" | "local_shell",
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
function findCall(
  conversion: InputConversion,
  kind: "function" | "custom" | "local_shell",
  callId: string,
  param: string,
): string {
  if (conversion.callIds.has(callId)) return callId;
  const alias = conversion.callAliases.get(callId);
  if (alias !== undefined) return alias;
  if (conversion.orphanToolOutputs !== "synthesize") {
    const what =
      kind === "function" ? "function call" : kind === "custom" ? "custom tool call" : "local shell call";
    throw invalidRequest(
      `No tool call found for ${what} output with call_id '${callId}'.`,
      param,
      "invalid_value",
    );
  }
  const name =
    kind === "local_shell"
      ? conversion.tools.localShellName()
      : (conversion.tools.soleToolName(kind) ?? "unknown_tool");
  addToolCall(
    conversion,
    kind === "custom" && conversion.customTools
      ? { id: callId, type: "custom", custom: { name, input: "" } }
      : { id: callId, type: "function", function: { name, arguments: "{}" } },
  );
  conversion.warnings.push({
    code: "synthesized_tool_call",
    message: `No tool call found for the output with call_id '${callId}'; a call to '${name}' was synthesized before it.`,
    param,
  });
  return callId;
}
