/**
 * `local_shell_call` items (and their `local_shell_call_output`s), for the `local_shell` tool.
 * - Input: `{call_id, action}` -> a call of the `local_shell` function with arguments
 *   `{command, workdir, timeout_ms, env}`; the output -> a `tool` message.
 * - Output (`lsh_…`): announced with an empty `exec` action; the action is parsed from the complete
 *   arguments when the call ends, so there are no argument delta events.
 */
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { localShellCallItem } from "../output-items.js";
import { emptyLocalShellAction, parseLocalShellAction } from "../reply/local-shell-action.js";
import { addToolCall, type InputConversion } from "../request/input-conversion.js";
import { appendToolOutput } from "../request/tool-outputs.js";
import type { InputItemConverter, ToolCallKind } from "./item-kind.js";

/** A `local_shell_call` item. */
export type LocalShellCallItem = ResponseInputItem.LocalShellCall;

type LocalShellCallOutputItem = Omit<ResponseInputItem.LocalShellCallOutput, "id"> & {
  id?: string | null;
  call_id?: string | null;
};

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

export const convertLocalShellCallItem: InputItemConverter = (item, conversion) =>
  convertLocalShellCall(item as LocalShellCallItem, conversion);

export const convertLocalShellCallOutput: InputItemConverter = (item, conversion, param) => {
  const output = item as LocalShellCallOutputItem;
  const key = output.call_id ? "call_id" : "id";
  const callId = output.call_id || output.id || "";
  appendToolOutput(conversion, "local_shell", callId, output.output, param, key);
};

export const localShellCallKind: ToolCallKind = {
  prefix: "lsh",
  start: (info) => ({
    delta() {},
    done: (args) => args,
    build: (payload, status) =>
      localShellCallItem(
        info.id,
        info.callId,
        status === "in_progress" ? emptyLocalShellAction() : parseLocalShellAction(payload),
        status,
      ),
  }),
};
