import { flattenToolName } from "@responses-bridge/core/http";
import type { TranslationNote } from "./types.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${count} ${name}`).join(", ");
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function itemKind(item: unknown): string {
  if (typeof item === "string") return "message";
  if (!isObject(item)) return "unknown";
  if (typeof item.type === "string") return item.type;
  return typeof item.role === "string" ? "message" : "unknown";
}

/** The chat tool names and their kinds (`function` or `custom`). */
function chatTools(params: Json): Map<string, string> {
  const tools = new Map<string, string>();
  for (const tool of asArray(params.tools)) {
    if (!isObject(tool)) continue;
    if (tool.type === "function" && isObject(tool.function))
      tools.set(String(tool.function.name), "function");
    else if (tool.type === "custom" && isObject(tool.custom)) tools.set(String(tool.custom.name), "custom");
  }
  return tools;
}

function describeTools(request: Json, params: Json, notes: TranslationNote[]): void {
  const sent = chatTools(params);
  const lines: string[] = [];
  let kept = 0;
  for (const tool of asArray(request.tools)) {
    if (!isObject(tool)) continue;
    const type = String(tool.type);
    const name = typeof tool.name === "string" ? tool.name : undefined;
    if (type === "function" && name !== undefined) {
      if (sent.get(name) === "function") kept += 1;
      else lines.push(`function ${name}: not sent as is`);
    } else if (type === "custom" && name !== undefined) {
      const as = sent.get(name);
      if (as === "custom") kept += 1;
      else if (as === "function")
        lines.push(`custom tool ${name} -> function ${name} (free-form input wrapped as {"input": ...})`);
      else lines.push(`custom tool ${name}: not sent`);
    } else if (type === "namespace" && name !== undefined) {
      const inner = asArray(tool.tools).flatMap((entry) =>
        isObject(entry) && typeof entry.name === "string" ? [entry.name] : [],
      );
      const renamed = inner.map((innerName) => {
        const flat = flattenToolName(name, innerName);
        const found = [...sent.keys()].find(
          (chatName) => chatName === flat || chatName.startsWith(`${flat}_`),
        );
        return { innerName, chatName: found ?? flat, plain: found === flat };
      });
      if (renamed.length > 1 && renamed.every((entry) => entry.plain)) {
        const prefix = flattenToolName(name, "");
        lines.push(
          `${name}.{${inner.join(", ")}} -> ${prefix}<name>: ${plural(inner.length, "function")} (namespace flattened)`,
        );
      } else {
        for (const entry of renamed) {
          lines.push(`${name}.${entry.innerName} -> ${entry.chatName} (namespace flattened)`);
        }
      }
    } else if (type === "local_shell") {
      lines.push(`local_shell -> function ${sent.has("local_shell") ? "local_shell" : "(not sent)"}`);
    } else {
      lines.push(`${type}${name ? ` ${name}` : ""}: hosted tool, not sent (the backend cannot run it)`);
    }
  }
  if (kept > 0) notes.push({ kind: "tools", text: `${plural(kept, "tool")} sent unchanged` });
  for (const text of lines) notes.push({ kind: "tools", text });
}

function describeReasoning(items: unknown[], messages: unknown[], notes: TranslationNote[]): void {
  const reasoningItems = items.filter((item) => itemKind(item) === "reasoning").length;
  const restored = messages.filter(
    (message) =>
      isObject(message) &&
      message.role === "assistant" &&
      (typeof message.reasoning_content === "string" ||
        typeof message.reasoning === "string" ||
        isObject(message.reasoning)),
  ).length;
  if (restored > 0) {
    notes.push({
      kind: "reasoning",
      text: `reasoning restored on ${plural(restored, "assistant message")} (from ${plural(reasoningItems, "reasoning item")})`,
    });
  } else if (reasoningItems > 0) {
    notes.push({
      kind: "reasoning",
      text: `${plural(reasoningItems, "reasoning item")} not replayed (the backend takes no reasoning input)`,
    });
  }
}

const PARAM_RENAMES: readonly [string, (request: Json) => unknown, readonly string[]][] = [
  ["max_output_tokens", (r) => r.max_output_tokens, ["max_completion_tokens", "max_tokens"]],
  ["reasoning.effort", (r) => (isObject(r.reasoning) ? r.reasoning.effort : undefined), ["reasoning_effort"]],
  ["text.format", (r) => (isObject(r.text) ? r.text.format : undefined), ["response_format"]],
  ["text.verbosity", (r) => (isObject(r.text) ? r.text.verbosity : undefined), ["verbosity"]],
  ["tool_choice", (r) => r.tool_choice, ["tool_choice"]],
  ["parallel_tool_calls", (r) => r.parallel_tool_calls, ["parallel_tool_calls"]],
];

/**
 * What the translation from a Responses request to a Chat Completions request did, in a few lines a
 * person can read: input items to messages (with the history `previous_response_id` added), the
 * instructions, tools renamed, flattened or dropped, reasoning restored on assistant messages, and the
 * parameters that changed name. Both arguments are the captured (redacted) JSON values.
 */
export function describeTranslation(request: unknown, params: unknown): TranslationNote[] {
  if (!isObject(request) || !isObject(params)) return [];
  const notes: TranslationNote[] = [];
  const items = typeof request.input === "string" ? [request.input] : asArray(request.input);
  const messages = asArray(params.messages);
  const roles = messages.map((message) => (isObject(message) ? String(message.role) : "unknown"));
  const history = request.previous_response_id ? " plus the stored history of previous_response_id" : "";
  notes.push({
    kind: "items",
    text: `${plural(items.length, "input item")} (${countBy(items.map(itemKind)) || "none"})${history} -> ${plural(messages.length, "chat message")} (${countBy(roles) || "none"})`,
  });
  const calls = messages.reduce<number>(
    (sum, message) => sum + (isObject(message) ? asArray(message.tool_calls).length : 0),
    0,
  );
  const outputs = roles.filter((role) => role === "tool").length;
  if (calls > 0 || outputs > 0) {
    notes.push({
      kind: "items",
      text: `function_call items -> ${plural(calls, "assistant tool_call")}; function_call_output items -> ${plural(outputs, "tool message")}`,
    });
  }
  const developer = items.filter((item) => isObject(item) && item.role === "developer").length;
  if (developer > 0 && !roles.includes("developer")) {
    notes.push({ kind: "items", text: `${plural(developer, "developer message")} -> system` });
  }
  if (typeof request.instructions === "string" && request.instructions !== "") {
    const first = messages[0];
    const role = isObject(first) ? String(first.role) : "none";
    notes.push({ kind: "instructions", text: `instructions -> the first ${role} message` });
  }
  describeTools(request, params, notes);
  describeReasoning(items, messages, notes);
  for (const [name, read, targets] of PARAM_RENAMES) {
    if (read(request) === undefined || read(request) === null) continue;
    const target = targets.find((key) => params[key] !== undefined);
    if (target === undefined) notes.push({ kind: "params", text: `${name}: not sent` });
    else if (target !== name) notes.push({ kind: "params", text: `${name} -> ${target}` });
  }
  if (params.model !== request.model) {
    notes.push({ kind: "params", text: `model ${String(request.model)} -> ${String(params.model)}` });
  }
  if (isObject(params.stream_options) && params.stream_options.include_usage === true) {
    notes.push({ kind: "params", text: "stream_options.include_usage added (token usage for the Response)" });
  }
  return notes;
}
