/**
 * Tool call items of the history -> assistant `tool_calls`, and their outputs -> `tool` messages.
 *
 * - `function_call {call_id, name, namespace?, arguments}` -> `{id: call_id, type: "function",
 *   function: {name: <chat name>, arguments}}` (empty arguments sent as `"{}"`).
 * - `custom_tool_call {call_id, name, input}` -> a function call with arguments
 *   `JSON.stringify({input})`, or natively `{type: "custom", custom: {name, input}}`.
 * - `local_shell_call {call_id, action}` -> a `local_shell` call with arguments
 *   `{command, workdir, timeout_ms, env}`.
 * - `*_output` -> `{role: "tool", tool_call_id, content: text}`; images and files follow in a user
 *   message once the run of tool messages ends.
 */
import type {
  ResponseCustomToolCall,
  ResponseFunctionToolCall,
  ResponseInputItem,
} from "openai/resources/responses/responses";
import { invalidRequest } from "../../errors.js";
import { addToolCall, type InputConversion, pushMessage } from "./input-conversion.js";
import { convertToolOutput } from "./multimodal.js";

/** A `local_shell_call` item. */
export type LocalShellCallItem = ResponseInputItem.LocalShellCall;

/** Appends a `function_call` item. */
export function convertFunctionCall(item: ResponseFunctionToolCall, conversion: InputConversion): void {
  addToolCall(conversion, {
    id: item.call_id,
    type: "function",
    function: {
      name: conversion.tools.chatName(item.name, item.namespace),
      // Some backends (Ollama) parse the arguments and reject an empty string.
      arguments: item.arguments === "" ? "{}" : item.arguments,
    },
  });
}

/** Appends a `custom_tool_call` item. */
export function convertCustomToolCall(item: ResponseCustomToolCall, conversion: InputConversion): void {
  const name = conversion.tools.chatName(item.name, item.namespace);
  addToolCall(
    conversion,
    conversion.customTools
      ? { id: item.call_id, type: "custom", custom: { name, input: item.input } }
      : {
          id: item.call_id,
          type: "function",
          function: { name, arguments: JSON.stringify({ input: item.input }) },
        },
  );
}

/** Appends a `local_shell_call` item. */
export function convertLocalShellCall(item: LocalShellCallItem, conversion: InputConversion): void {
  const action = item.action;
  const args: Record<string, unknown> = { command: action.command };
  if (action.working_directory) args.workdir = action.working_directory;
  if (typeof action.timeout_ms === "number") args.timeout_ms = action.timeout_ms;
  if (action.env != null && Object.keys(action.env).length > 0) args.env = action.env;
  addToolCall(conversion, {
    id: item.call_id,
    type: "function",
    function: { name: conversion.tools.localShellName(), arguments: JSON.stringify(args) },
  });
  if (typeof item.id === "string" && item.id !== "" && item.id !== item.call_id) {
    conversion.callAliases.set(item.id, item.call_id);
  }
}

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
