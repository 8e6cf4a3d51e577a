/**
 * Responses `tool_choice` -> chat `tool_choice` (and the tools to send with it).
 *
 * - `"auto"` / `"none"` / `"required"` -> the same string (`"required"` with no tool left is dropped
 *   with an `unsupported_tool_choice` warning).
 * - `{type: "function", name}` / `{type: "custom", name}` -> a named choice for the tool's chat name
 *   (a custom tool offered as a function is chosen as a function; natively as `{type: "custom"}`).
 *   A bare name also finds the only namespaced tool of that name.
 * - `{type: "allowed_tools", mode, tools}` -> only those tools are sent, `tool_choice` = `mode`
 *   (entries: `{type: "function" | "custom", name}`, `{type: "namespace", name}` for all its tools,
 *   `{type}` of a declared built-in tool).
 * - `{type}` of a declared built-in tool (see `BuiltinTool` in `tools.ts`) -> its function.
 * - anything naming a hosted tool (`web_search_preview`, `file_search`, `mcp`...) -> 400: that tool
 *   is not sent, so the model could not honour the choice.
 */
import type { ChatCompletionTool, ChatCompletionToolChoiceOption } from "openai/resources/chat/completions";
import { invalidRequest } from "../../errors.js";
import type { ResponseCreateParams, TranslationWarning } from "../../types.js";
import type { ToolSet } from "./tools.js";

/** The chat tool choice and the tools to send with it. */
export interface ConvertedToolChoice {
  /** The chat `tool_choice`, or undefined to send none. */
  choice: ChatCompletionToolChoiceOption | undefined;
  /** The chat tools to send (narrowed by `allowed_tools`). */
  tools: ChatCompletionTool[];
}

/**
 * Converts `tool_choice` against the converted tools.
 *
 * @returns undefined when the request sets no tool choice.
 * @throws {ResponsesBridgeError} 400 `param: tool_choice` for a choice naming a tool that is not sent.
 */
export function convertToolChoice(
  choice: ResponseCreateParams["tool_choice"] | null | undefined,
  toolSet: ToolSet,
  nativeCustom: boolean,
  warnings: TranslationWarning[],
): ConvertedToolChoice | undefined {
  if (choice == null) return undefined;
  const tools = toolSet.tools;
  if (typeof choice === "string") {
    if (choice === "required" && tools.length === 0) warnNoTools(warnings);
    return { choice, tools };
  }
  const type = (choice as { type: string }).type;
  switch (type) {
    case "function":
    case "custom": {
      const chatName = resolve(toolSet, choice as NamedChoice, type);
      const named: ChatCompletionToolChoiceOption =
        type === "custom" && nativeCustom
          ? { type: "custom", custom: { name: chatName } }
          : { type: "function", function: { name: chatName } };
      return { choice: named, tools };
    }
    case "allowed_tools": {
      const { tools: entries, mode } = choice as unknown as {
        tools: NamedChoice[];
        mode: "auto" | "required";
      };
      const allowed = new Set<string>();
      for (const entry of entries) {
        if (entry.type === "function" || entry.type === "custom") {
          allowed.add(resolve(toolSet, entry, entry.type, "allowed_tools"));
        } else if (entry.type === "namespace") {
          const before = allowed.size;
          for (const [chatName, binding] of toolSet.bindings) {
            if ("namespace" in binding && binding.namespace === entry.name) allowed.add(chatName);
          }
          if (allowed.size === before) {
            throw invalidRequest(
              `Tool choice 'allowed_tools' names the namespace '${String(entry.name)}', which has no tool in 'tools'.`,
              "tool_choice",
              "invalid_value",
            );
          }
        } else {
          allowed.add(builtinChatName(toolSet, entry.type) ?? throwNotSent(entry.type));
        }
      }
      // Portable form: send only the allowed tools, with the mode as a plain tool choice.
      const narrowed = tools.filter((tool) => allowed.has(chatToolName(tool)));
      if (mode === "required" && narrowed.length === 0) warnNoTools(warnings);
      return { choice: mode, tools: narrowed };
    }
    default: {
      const name = builtinChatName(toolSet, type) ?? throwNotSent(type);
      return { choice: { type: "function", function: { name } }, tools };
    }
  }
}

/** Chat name of the declared built-in tool of `type`, if any. */
function builtinChatName(toolSet: ToolSet, type: string): string | undefined {
  for (const [chatName, binding] of toolSet.bindings) {
    if (binding.kind === type && binding.kind !== "function" && binding.kind !== "custom") return chatName;
  }
  return undefined;
}

function throwNotSent(type: string): never {
  throw notSent(type);
}

interface NamedChoice {
  type: string;
  name?: string;
  namespace?: string | null;
}

function resolve(
  toolSet: ToolSet,
  choice: NamedChoice,
  kind: "function" | "custom",
  form: string = kind,
): string {
  const name = String(choice.name);
  const chatName = toolSet.find(kind, name, choice.namespace);
  if (chatName === undefined) {
    throw invalidRequest(
      `Tool choice '${form}' names '${name}', which is not a ${kind} tool in 'tools'.`,
      "tool_choice",
      "invalid_value",
    );
  }
  return chatName;
}

function notSent(type: string) {
  return invalidRequest(
    `Tool choice '${type}' is not supported: '${type}' tools cannot run on this server's chat backend, so they are left out of the request.`,
    "tool_choice",
    "unsupported_value",
  );
}

function chatToolName(tool: ChatCompletionTool): string {
  return tool.type === "function" ? tool.function.name : tool.custom.name;
}

function warnNoTools(warnings: TranslationWarning[]): void {
  warnings.push({
    code: "unsupported_tool_choice",
    message: "tool_choice 'required' was dropped: no tool the chat backend can call is left in the request.",
    param: "tool_choice",
  });
}
