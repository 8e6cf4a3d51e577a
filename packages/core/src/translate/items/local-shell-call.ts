/**
 * `local_shell_call` items (and their `local_shell_call_output`s), for the `local_shell` tool.
 * - Input: `{call_id, action}` -> a call of the `local_shell` function with arguments
 *   `{command, workdir, timeout_ms, env}`; the output -> a `tool` message.
 * - Output (`lsh_…`): announced with an empty `exec` action; the action is parsed from the complete
 *   arguments when the call ends, so there are no argument delta events.
 */
import type { ResponseInputItem, ResponseOutputItem } from "openai/resources/responses/responses";
import type { ItemStatus } from "../output-items.js";
import { addToolCall, type InputConversion } from "../request/input-conversion.js";
import { appendToolOutput, type ToolOutputKind } from "../request/tool-outputs.js";
import type { BuiltinTool } from "../request/tools.js";
import type { InputItemConverter, ToolCallKind } from "./item-kind.js";

/** A `local_shell_call` item. */
export type LocalShellCallItem = ResponseInputItem.LocalShellCall;

type LocalShellCallOutputItem = Omit<ResponseInputItem.LocalShellCallOutput, "id"> & {
  id?: string | null;
  call_id?: string | null;
};

/** A `local_shell_call` output item. */
type LocalShellCallOutput = Extract<ResponseOutputItem, { type: "local_shell_call" }>;

/** The `exec` action of a `local_shell_call`. */
type LocalShellAction = LocalShellCallOutput["action"];

/**
 * JSON schema of the `local_shell` function. A call's arguments map to a `local_shell_call` exec
 * action: `command` -> `action.command`, `workdir` -> `action.working_directory`, `timeout_ms` ->
 * `action.timeout_ms`, `env` -> `action.env`.
 */
export const LOCAL_SHELL_PARAMETERS = {
  type: "object",
  properties: {
    command: {
      type: "array",
      items: { type: "string" },
      description: 'The program and its arguments, e.g. ["bash", "-lc", "ls -la"].',
    },
    workdir: { type: "string", description: "Directory to run the command in." },
    timeout_ms: { type: "integer", description: "Time limit for the command, in milliseconds." },
    env: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "Environment variables to set for the command.",
    },
  },
  required: ["command"],
  additionalProperties: false,
} as const;

/** The `local_shell` tool (`{type: "local_shell"}`), offered as the function `local_shell`. */
export const localShellTool: BuiltinTool = {
  type: "local_shell",
  description: "Runs a command on the user's machine and returns its output (stdout and stderr).",
  parameters: LOCAL_SHELL_PARAMETERS,
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
    function: { name: conversion.tools.builtinName("local_shell"), arguments: JSON.stringify(args) },
  });
  if (typeof item.id === "string" && item.id !== "" && item.id !== item.call_id) {
    conversion.callAliases.set(item.id, item.call_id);
  }
}

export const convertLocalShellCallItem: InputItemConverter = (item, conversion) =>
  convertLocalShellCall(item as LocalShellCallItem, conversion);

/** Its outputs answer a call of the `local_shell` function (synthesized as one when orphaned). */
const localShellOutput: ToolOutputKind = {
  what: "local shell call",
  synthesize: (conversion, callId) => ({
    id: callId,
    type: "function",
    function: { name: conversion.tools.builtinName("local_shell"), arguments: "{}" },
  }),
};

export const convertLocalShellCallOutput: InputItemConverter = (item, conversion, param) => {
  const output = item as LocalShellCallOutputItem;
  const key = output.call_id ? "call_id" : "id";
  const callId = output.call_id || output.id || "";
  appendToolOutput(conversion, localShellOutput, callId, output.output, param, key);
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

function localShellCallItem(
  id: string,
  callId: string,
  action: LocalShellAction,
  status: ItemStatus,
): LocalShellCallOutput {
  return { id, type: "local_shell_call", status, call_id: callId, action };
}

/** The action of a `local_shell_call` before its arguments are known. */
function emptyLocalShellAction(): LocalShellAction {
  return { type: "exec", command: [], env: {} };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry === "string") out[key] = entry;
    else if (typeof entry === "number" || typeof entry === "boolean") out[key] = String(entry);
  }
  return out;
}

function firstOf(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (record[key] !== undefined && record[key] !== null) return record[key];
  return undefined;
}

/**
 * The `exec` action of a `local_shell_call`, from the complete JSON arguments of the chat function the
 * `local_shell` tool was offered as. Reads the Responses field names (`command`, `timeout_ms`,
 * `working_directory`, `env`, `user`) and the aliases models use (`cmd`, `timeout`, `workdir`, `cwd`).
 * `command` should be an argv array; a single string is run as `["bash", "-lc", command]`. Unparsable
 * arguments give an empty command, so the client reports the failure to the model.
 */
function parseLocalShellAction(args: string): LocalShellAction {
  const action = emptyLocalShellAction();
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return action;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return action;
  const record = parsed as Record<string, unknown>;
  const command = firstOf(record, ["command", "cmd"]);
  if (Array.isArray(command)) action.command = command.map((part) => String(part));
  else if (typeof command === "string" && command.length > 0) action.command = ["bash", "-lc", command];
  action.env = stringRecord(record.env);
  const timeout = firstOf(record, ["timeout_ms", "timeout"]);
  if (typeof timeout === "number" && Number.isFinite(timeout)) action.timeout_ms = timeout;
  const directory = firstOf(record, ["working_directory", "workdir", "cwd"]);
  if (typeof directory === "string") action.working_directory = directory;
  if (typeof record.user === "string") action.user = record.user;
  return action;
}
