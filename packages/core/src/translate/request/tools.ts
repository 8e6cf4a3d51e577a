/**
 * Responses tools -> Chat Completions tools, and the {@link ToolBindings} that map each chat
 * function name back to the tool the client declared.
 *
 * - `function` -> chat function (same name).
 * - `custom` (Codex `apply_patch`, code mode `exec`) -> a chat function with ONE required string
 *   parameter `input`, the format (Lark grammar, regex) spelled out in the description; or, when the
 *   backend supports them (`customTools`), a native chat custom tool.
 * - `namespace` -> its inner function and custom tools, each under a flattened unique name
 *   (`${namespace}__${name}`, see `flattenToolName`).
 * - a built-in tool, declared by its `type` alone (see {@link BuiltinTool}; listed in `builtinTools` of
 *   `items/registry.ts`) -> one function named after the type, with the tool's description and schema.
 * - anything else (`web_search`, `file_search`, `code_interpreter`, `computer_use_preview`,
 *   `image_generation`, `mcp`, `tool_search`, `shell`, `apply_patch`, unknown types) is a hosted
 *   tool the chat backend cannot run: left out with an `unsupported_tool` warning, or a 400 with
 *   `hostedTools: "reject"`.
 *
 * Tools come from the request's `tools` and from `additional_tools` input items (Codex code mode),
 * in that order. A tool declared twice (same namespace and name) is sent once, as its last
 * declaration says.
 */
import type {
  ChatCompletionCustomTool,
  ChatCompletionFunctionTool,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import type { CustomTool, FunctionTool, NamespaceTool, Tool } from "openai/resources/responses/responses";
import { invalidRequest } from "../../errors.js";
import type { ToolBinding, TranslationWarning } from "../../types.js";
import { createNameAllocator, flattenToolName } from "./tool-names.js";

/** What to do with hosted tools (`web_search`, `file_search`, `mcp`...) a chat backend cannot run. */
export type HostedToolPolicy = "drop" | "reject";

/**
 * A tool the client declares by its `type` alone (`{"type": "<type>"}`) and the bridge offers the chat
 * model as one function: named after the type (unless a client function already took the name), with
 * this description and parameter schema. Its calls come back as items of its kind (binding kind = type).
 */
export interface BuiltinTool {
  /** The tool `type`: also the kind of its {@link ToolBinding} and its chat function's name. */
  readonly type: BuiltinToolType;
  /** The chat function's description. */
  readonly description: string;
  /** The chat function's JSON schema. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** The binding kinds of built-in tools (every kind but `function` and `custom`). */
export type BuiltinToolType = Exclude<ToolBinding["kind"], "function" | "custom">;

const CUSTOM_PARAMETERS = {
  type: "object",
  properties: {
    input: {
      type: "string",
      description: "The tool's raw input text (for example a whole patch), as one JSON string.",
    },
  },
  required: ["input"],
  additionalProperties: false,
} as const;

/** Where a list of tools comes from, for warnings and errors. */
export interface ToolSource {
  /** The tools, as the client declared them. */
  readonly tools: readonly Tool[];
  /** JSON path of the tool at `index` (`tools.3`, `input.0.tools.1`). */
  readonly param: (index: number) => string;
}

/** Options of {@link convertTools}. */
export interface ConvertToolsOptions {
  /** The backend accepts chat `custom` tools natively. */
  customTools: boolean;
  /** Drop hosted tools with a warning (default), or reject the request. */
  hostedTools: HostedToolPolicy;
  /** The built-in tools the bridge offers, by `type` (`builtinTools` of `items/registry.ts`). */
  builtinTools: ReadonlyMap<string, BuiltinTool>;
}

/**
 * Chat names of the tools a history item refers to. Tools no longer declared still get a name
 * (their own, or the flattened one), so old history always translates.
 */
export interface ToolNames {
  /** Chat function name of the function or custom tool `name` (in `namespace`, if given). */
  chatName(name: string, namespace?: string | null): string;
  /** Chat function name of the built-in tool of this `type` (the type itself when it was not declared). */
  builtinName(type: BuiltinToolType): string;
  /** Chat name of the only declared tool of this kind, or undefined when there are none or several. */
  soleToolName(kind: "function" | "custom"): string | undefined;
}

/** The converted tools. */
export interface ToolSet {
  /** Chat tools, in declaration order. */
  readonly tools: ChatCompletionTool[];
  /** Chat name -> the Responses tool it stands for. */
  readonly bindings: Map<string, ToolBinding>;
  /** Name lookups for history items. */
  readonly names: ToolNames;
  /**
   * Chat name of the declared tool of `kind` called `name`: in `namespace` when given; otherwise a
   * top-level tool, a chat name, or the only namespaced tool with that name.
   */
  find(kind: "function" | "custom", name: string, namespace?: string | null): string | undefined;
}

/** Names for history items when no tools are known (`convertInputToMessages` used on its own). */
export const defaultToolNames: ToolNames = {
  chatName: (name, namespace) => (namespace ? flattenToolName(namespace, name) : name),
  builtinName: (type) => type,
  soleToolName: () => undefined,
};

interface Declaration {
  kind: ToolBinding["kind"];
  name: string;
  namespace: string | undefined;
  namespaceDescription: string | undefined;
  tool: FunctionTool | NamespaceTool.Function | CustomTool | BuiltinTool;
  chatName: string;
}

/** Declarations key of a built-in tool (no function name can collide with it). */
const builtinKey = (type: string) => `\u0001${type}`;

function identity(name: string, namespace: string | null | undefined): string {
  return `${namespace ?? ""}\u0000${name}`;
}

/** `ToolSet.find` of a request that declares no tool: one function for all of them, not one per request. */
const findNoTool = (): undefined => undefined;

/**
 * Converts every declared tool into chat tools and bindings.
 *
 * @throws {ResponsesBridgeError} 400 `param: tools.N` for a hosted tool when `hostedTools` is `"reject"`.
 */
export function convertTools(
  sources: readonly ToolSource[],
  options: ConvertToolsOptions,
  warnings: TranslationWarning[],
): ToolSet {
  // Most requests declare no tool: none of the bookkeeping below is needed for them.
  if (sources.every((source) => source.tools.length === 0)) {
    return { tools: [], bindings: new Map(), names: defaultToolNames, find: findNoTool };
  }
  const declarations = new Map<string, Declaration>();
  const declare = (key: string, declaration: Omit<Declaration, "chatName">) => {
    // A redeclaration replaces the earlier one but keeps its position.
    declarations.set(key, { ...declaration, chatName: "" });
  };
  for (const source of sources) {
    for (let index = 0; index < source.tools.length; index++) {
      const tool = source.tools[index] as Tool;
      switch (tool.type) {
        case "function":
        case "custom":
          declare(identity(tool.name, undefined), {
            kind: tool.type,
            name: tool.name,
            namespace: undefined,
            namespaceDescription: undefined,
            tool,
          });
          break;
        case "namespace":
          for (let inner = 0; inner < tool.tools.length; inner++) {
            const member = tool.tools[inner] as NamespaceTool["tools"][number];
            if (member.type !== "function" && member.type !== "custom") {
              hosted(member, `${source.param(index)}.tools.${inner}`, options, warnings);
              continue;
            }
            declare(identity(member.name, tool.name), {
              kind: member.type,
              name: member.name,
              namespace: tool.name,
              namespaceDescription: tool.description || undefined,
              tool: member,
            });
          }
          break;
        default: {
          const builtin = options.builtinTools.get(tool.type);
          if (builtin === undefined) {
            hosted(tool, source.param(index), options, warnings);
            break;
          }
          declare(builtinKey(builtin.type), {
            kind: builtin.type,
            name: builtin.type,
            namespace: undefined,
            namespaceDescription: undefined,
            tool: builtin,
          });
        }
      }
    }
  }

  // Top-level tools keep their own names; namespaced ones take what is left.
  const allocate = createNameAllocator();
  for (const declaration of declarations.values()) {
    if (declaration.namespace === undefined) declaration.chatName = allocate(declaration.name);
  }
  for (const declaration of declarations.values()) {
    if (declaration.namespace !== undefined) {
      declaration.chatName = allocate(flattenToolName(declaration.namespace, declaration.name));
    }
  }

  const tools: ChatCompletionTool[] = [];
  const bindings = new Map<string, ToolBinding>();
  const byBareName = new Map<string, Declaration[]>();
  for (const declaration of declarations.values()) {
    tools.push(toChatTool(declaration, options.customTools));
    bindings.set(declaration.chatName, toBinding(declaration));
    if (declaration.namespace !== undefined) {
      const same = byBareName.get(declaration.name);
      if (same === undefined) byBareName.set(declaration.name, [declaration]);
      else same.push(declaration);
    }
  }

  const names: ToolNames = {
    chatName: (name, namespace) =>
      declarations.get(identity(name, namespace))?.chatName ?? defaultToolNames.chatName(name, namespace),
    builtinName: (type) => declarations.get(builtinKey(type))?.chatName ?? type,
    soleToolName: (kind) => {
      let found: string | undefined;
      for (const declaration of declarations.values()) {
        if (declaration.kind !== kind) continue;
        if (found !== undefined) return undefined;
        found = declaration.chatName;
      }
      return found;
    },
  };

  const find: ToolSet["find"] = (kind, name, namespace) => {
    const direct = declarations.get(identity(name, namespace));
    if (direct !== undefined) return direct.kind === kind ? direct.chatName : undefined;
    if (namespace) return undefined;
    const binding = bindings.get(name);
    if (binding !== undefined && binding.kind === kind) return name;
    const candidates = byBareName.get(name)?.filter((declaration) => declaration.kind === kind);
    return candidates?.length === 1 ? candidates[0]?.chatName : undefined;
  };

  return { tools, bindings, names, find };
}

function hosted(
  tool: { type: string; name?: unknown },
  param: string,
  options: ConvertToolsOptions,
  warnings: TranslationWarning[],
): void {
  const label =
    typeof tool.name === "string" ? `Tool '${tool.name}' of type '${tool.type}'` : `Tool '${tool.type}'`;
  if (options.hostedTools === "reject") {
    throw invalidRequest(
      `${label} is not supported: this server's chat backend cannot run hosted tools.`,
      param,
      "unsupported_value",
    );
  }
  warnings.push({
    code: "unsupported_tool",
    message: `${label} was left out of the chat request: the chat backend cannot run hosted tools.`,
    param,
  });
}

function toBinding(declaration: Declaration): ToolBinding {
  if (declaration.kind !== "function" && declaration.kind !== "custom") {
    return { kind: declaration.kind, name: declaration.name };
  }
  return declaration.namespace === undefined
    ? { kind: declaration.kind, name: declaration.name }
    : { kind: declaration.kind, name: declaration.name, namespace: declaration.namespace };
}

function toChatTool(declaration: Declaration, nativeCustom: boolean): ChatCompletionTool {
  const tool = declaration.tool;
  if (!("name" in tool)) {
    return {
      type: "function",
      function: {
        name: declaration.chatName,
        description: tool.description,
        parameters: tool.parameters as Record<string, unknown>,
      },
    };
  }
  const description = joinText(declaration.namespaceDescription, tool.description);
  if (tool.type === "custom") {
    return nativeCustom
      ? nativeCustomTool(declaration.chatName, description, tool.format)
      : customAsFunction(declaration.chatName, description, tool.format);
  }
  const definition: ChatCompletionFunctionTool["function"] = { name: declaration.chatName };
  if (description !== undefined) definition.description = description;
  if (tool.parameters != null) definition.parameters = tool.parameters as Record<string, unknown>;
  if (tool.strict != null) definition.strict = tool.strict;
  return { type: "function", function: definition };
}

function nativeCustomTool(
  name: string,
  description: string | undefined,
  format: CustomTool["format"],
): ChatCompletionCustomTool {
  const custom: ChatCompletionCustomTool.Custom = { name };
  if (description !== undefined) custom.description = description;
  if (format?.type === "grammar") {
    custom.format = { type: "grammar", grammar: { syntax: format.syntax, definition: format.definition } };
  } else if (format?.type === "text") {
    custom.format = { type: "text" };
  }
  return { type: "custom", custom };
}

function customAsFunction(
  name: string,
  description: string | undefined,
  format: CustomTool["format"],
): ChatCompletionFunctionTool {
  return {
    type: "function",
    function: {
      name,
      description: joinText(description, describeCustomFormat(format)),
      parameters: CUSTOM_PARAMETERS as unknown as Record<string, unknown>,
    },
  };
}

/**
 * How a model calls a custom tool offered as a function, and the format its input must follow.
 * Codex's own descriptions say "do not wrap the patch in JSON", so the wording addresses that.
 */
export function describeCustomFormat(format: CustomTool["format"] | null | undefined): string {
  const call =
    'Call this tool as a function with one argument: {"input": "<raw text>"}. The raw text (for example a whole patch) goes in that JSON string, escaped as JSON requires; it reaches the tool exactly as written, so do not add code fences or any other wrapping inside it.';
  if (format?.type !== "grammar") return call;
  if (format.syntax === "regex") {
    return `${call}\nThe input must match this regular expression:\n\`\`\`regex\n${format.definition}\n\`\`\``;
  }
  return `${call}\nThe input must follow this Lark grammar:\n\`\`\`lark\n${format.definition}\n\`\`\``;
}

function joinText(first: string | null | undefined, second: string | null | undefined): string | undefined {
  if (!first) return second || undefined;
  if (!second) return first;
  return `${first}\n\n${second}`;
}
