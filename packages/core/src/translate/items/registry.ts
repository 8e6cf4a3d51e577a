/**
 * The item kinds the translator knows, in three tables. Supporting a new Responses item type: one file in
 * this folder (its input conversion, and for a tool call its {@link ToolCallKind}, and for a built-in tool
 * its {@link BuiltinTool}), its lines in the tables here, and its schema entry in `schema/item-schemas.ts`.
 */
import type { ToolBinding } from "../../types.js";
import type { BuiltinTool } from "../request/tools.js";
import {
  convertCustomToolCallItem,
  convertCustomToolCallOutput,
  customToolCallKind,
} from "./custom-tool-call.js";
import { convertFunctionCallItem, convertFunctionCallOutput, functionCallKind } from "./function-call.js";
import type { InputItemConverter, ToolCallKind } from "./item-kind.js";
import {
  convertLocalShellCallItem,
  convertLocalShellCallOutput,
  localShellCallKind,
  localShellTool,
} from "./local-shell-call.js";
import { convertMessageItem } from "./message.js";
import { convertReasoningItem } from "./reasoning.js";

/**
 * Input item converters by item `type` (`item_reference`s are resolved before they get here). Types not
 * listed are left out of the chat request with an `unsupported_item` warning.
 */
export const inputItemConverters: ReadonlyMap<string, InputItemConverter> = new Map<
  string,
  InputItemConverter
>([
  ["message", convertMessageItem],
  ["function_call", convertFunctionCallItem],
  ["function_call_output", convertFunctionCallOutput],
  ["custom_tool_call", convertCustomToolCallItem],
  ["custom_tool_call_output", convertCustomToolCallOutput],
  ["local_shell_call", convertLocalShellCallItem],
  ["local_shell_call_output", convertLocalShellCallOutput],
  ["reasoning", convertReasoningItem],
  // Its tools were hoisted into the request's tools; it produces no message.
  ["additional_tools", () => {}],
]);

/** What a chat tool call streams out as, by the kind of the tool binding its name maps to. */
export const toolCallKinds: Readonly<Record<ToolBinding["kind"], ToolCallKind>> = {
  function: functionCallKind,
  custom: customToolCallKind,
  local_shell: localShellCallKind,
};

/** Tools a client declares by `type` alone, offered to the chat model as one function each. */
export const builtinTools: ReadonlyMap<string, BuiltinTool> = new Map([
  [localShellTool.type, localShellTool],
]);
