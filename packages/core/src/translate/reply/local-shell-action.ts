import type { LocalShellAction } from "../output-items.js";

/** The action of a `local_shell_call` before its arguments are known. */
export function emptyLocalShellAction(): LocalShellAction {
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
export function parseLocalShellAction(args: string): LocalShellAction {
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
