/**
 * Responses create request (+ stored history) -> Chat Completions create params.
 *
 * Pure and synchronous. Hard failures throw a 400 `ResponsesBridgeError`; things the backend
 * cannot honour but that need not fail the request (a hosted tool, a tool choice with no tool
 * left) are returned as warnings.
 *
 * Not sent upstream (the Response object echoes them, or later issues map them): `metadata`,
 * `store`, `reasoning`, `text.verbosity`, `truncation`, `prompt_cache_key`, `include`,
 * `client_metadata`, `service_tier`, `background`, `max_tool_calls`, `previous_response_id`.
 */
import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionFunctionTool,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type { FunctionTool, Tool } from "openai/resources/responses/responses";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { invalidRequest } from "../errors.js";
import type {
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ResponseCreateParams,
  ResponseInputItem,
  ResponsesRequest,
  TranslationWarning,
  UpstreamCapabilities,
} from "../types.js";
import { appendInputItems, createInputConversion, normalizeInput } from "./input-to-messages.js";

/** Options of {@link convertRequestToChat}. */
export interface ConvertRequestOptions {
  /**
   * Items of the earlier turns when the request continues one with `previous_response_id`: each
   * stored turn's input items followed by its output items, oldest first. They come after
   * `instructions` and before the request's own input.
   */
  history?: ResponseInputItem[];
  /** What the backend supports (developer role, max tokens field, stream usage). Defaults suit local backends. */
  capabilities?: UpstreamCapabilities;
  /**
   * The model sent upstream: a fixed name, or a function of the model the client asked for.
   * Default: the requested model, unchanged.
   */
  model?: string | ((requested: string) => string);
}

/** Result of {@link convertRequestToChat}. */
export interface ConvertRequestResult {
  /** The Chat Completions request (`stream: true` when the Responses request streams). */
  params: ChatCompletionCreateParams;
  /** What was left out or approximated, e.g. `{ code: "unsupported_tool", param: "tools.3" }`. */
  warnings: TranslationWarning[];
}

/**
 * Builds the Chat Completions request for a Responses request.
 *
 * Messages: `instructions` as a leading system message (developer with
 * `capabilities.developerRole`), then `options.history`, then the request's `input`
 * (see `convertInputToMessages`). Parameters: function tools, `tool_choice`,
 * `parallel_tool_calls` (only with tools), `model`, `temperature`, `top_p`, `presence_penalty`,
 * `frequency_penalty`, `max_output_tokens` -> `max_tokens` (or `max_completion_tokens`),
 * `user`/`safety_identifier` -> `user`, `text.format` -> `response_format`, `top_logprobs` ->
 * `logprobs` + `top_logprobs`, `stream` -> `stream` + `stream_options.include_usage`.
 *
 * @param request - A validated request (see `parseResponsesRequest`).
 * @throws {ResponsesBridgeError} 400 for an input item or content type not supported yet, a
 *   function call output without its call, or a `tool_choice` naming a tool that is not sent.
 */
export function convertRequestToChat(
  request: ResponseCreateParams,
  options: ConvertRequestOptions = {},
): ConvertRequestResult {
  const capabilities = options.capabilities ?? {};
  const extras = request as ResponsesRequest;
  const warnings: TranslationWarning[] = [];

  const messages: ChatCompletionMessageParam[] = [];
  const developerRole = capabilities.developerRole === true;
  if (typeof request.instructions === "string" && request.instructions !== "") {
    messages.push({ role: developerRole ? "developer" : "system", content: request.instructions });
  }
  const conversion = createInputConversion(messages, { developerRole });
  if (options.history !== undefined && options.history.length > 0) {
    appendInputItems(conversion, options.history, historyParam);
  }
  appendInputItems(conversion, normalizeInput(request.input), inputParam);

  // Built on the base type; `stream` decides which member of the union it is.
  const params: ChatCompletionCreateParamsBase = { model: resolveModel(request, options.model), messages };

  let tools = convertTools(request.tools, warnings);
  const toolChoice = convertToolChoice(request.tool_choice, tools, warnings);
  if (toolChoice !== undefined) tools = toolChoice.tools;
  if (tools.length > 0) {
    params.tools = tools;
    if (toolChoice?.choice !== undefined) params.tool_choice = toolChoice.choice;
    if (typeof request.parallel_tool_calls === "boolean")
      params.parallel_tool_calls = request.parallel_tool_calls;
  }

  if (typeof request.temperature === "number") params.temperature = request.temperature;
  if (typeof request.top_p === "number") params.top_p = request.top_p;
  if (typeof extras.presence_penalty === "number") params.presence_penalty = extras.presence_penalty;
  if (typeof extras.frequency_penalty === "number") params.frequency_penalty = extras.frequency_penalty;
  if (typeof request.max_output_tokens === "number") {
    params[capabilities.maxTokensField ?? "max_tokens"] = request.max_output_tokens;
  }
  const user = request.user || request.safety_identifier;
  if (typeof user === "string" && user !== "") params.user = user;

  const responseFormat = convertTextFormat(request.text?.format);
  if (responseFormat !== undefined) params.response_format = responseFormat;

  if (typeof request.top_logprobs === "number") {
    params.logprobs = true;
    params.top_logprobs = request.top_logprobs;
  }

  if (request.stream === true) {
    params.stream = true;
    if (capabilities.streamUsage !== false) params.stream_options = { include_usage: true };
  }

  return { params: params as ChatCompletionCreateParams, warnings };
}

function historyParam(): string {
  return "previous_response_id";
}

function inputParam(index: number): string {
  return `input.${index}`;
}

function resolveModel(request: ResponseCreateParams, option: ConvertRequestOptions["model"]): string {
  const requested = request.model;
  if (typeof option === "string") return option;
  if (typeof requested !== "string") {
    throw invalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  }
  return option === undefined ? requested : option(requested);
}

/** Converts one Responses tool into chat tools; returns undefined when the type is not supported. */
type ToolConverter = (tool: Tool) => ChatCompletionFunctionTool;

/** Tool converters by tool `type`. Add an entry here to support a new tool type. */
const toolConverters: ReadonlyMap<string, ToolConverter> = new Map<string, ToolConverter>([
  ["function", (tool) => convertFunctionTool(tool as FunctionTool)],
]);

function convertTools(tools: readonly Tool[] | null | undefined, warnings: TranslationWarning[]) {
  const converted: ChatCompletionFunctionTool[] = [];
  if (tools == null) return converted;
  for (let index = 0; index < tools.length; index++) {
    const tool = tools[index] as Tool;
    const convert = toolConverters.get(tool.type);
    if (convert !== undefined) {
      converted.push(convert(tool));
      continue;
    }
    const name =
      typeof (tool as { name?: unknown }).name === "string" ? ` '${(tool as { name: string }).name}'` : "";
    warnings.push({
      code: "unsupported_tool",
      message: `Tool${name} of type '${tool.type}' is not supported yet; it was left out of the chat request.`,
      param: `tools.${index}`,
    });
  }
  return converted;
}

function convertFunctionTool(tool: FunctionTool): ChatCompletionFunctionTool {
  const definition: ChatCompletionFunctionTool["function"] = { name: tool.name };
  if (tool.description != null) definition.description = tool.description;
  if (tool.parameters != null) definition.parameters = tool.parameters;
  if (tool.strict != null) definition.strict = tool.strict;
  return { type: "function", function: definition };
}

/**
 * The chat `tool_choice` and the tools to send with it (`allowed_tools` narrows them), or
 * undefined when the request sets no tool choice.
 */
function convertToolChoice(
  choice: ResponseCreateParams["tool_choice"] | null,
  tools: ChatCompletionFunctionTool[],
  warnings: TranslationWarning[],
): { choice: ChatCompletionToolChoiceOption | undefined; tools: ChatCompletionFunctionTool[] } | undefined {
  if (choice == null) return undefined;
  if (typeof choice === "string") {
    if (choice === "required" && tools.length === 0) warnNoTools(warnings);
    return { choice, tools };
  }
  switch (choice.type) {
    case "function": {
      const name = choice.name;
      if (!tools.some((tool) => tool.function.name === name)) {
        throw invalidRequest(
          `Tool choice 'function' names '${name}', which is not a function tool in 'tools'.`,
          "tool_choice",
          "invalid_value",
        );
      }
      return { choice: { type: "function", function: { name } }, tools };
    }
    case "allowed_tools": {
      const allowed = new Set<string>();
      for (const entry of choice.tools) {
        if (entry.type === "function" && typeof entry.name === "string") allowed.add(entry.name);
      }
      for (const name of allowed) {
        if (!tools.some((tool) => tool.function.name === name)) {
          throw invalidRequest(
            `Tool choice 'allowed_tools' names '${name}', which is not a function tool in 'tools'.`,
            "tool_choice",
            "invalid_value",
          );
        }
      }
      // Portable form: send only the allowed tools, with the mode as a plain tool choice.
      const narrowed = tools.filter((tool) => allowed.has(tool.function.name));
      if (choice.mode === "required" && narrowed.length === 0) warnNoTools(warnings);
      return { choice: choice.mode, tools: narrowed };
    }
    default: {
      const name =
        typeof (choice as { name?: unknown }).name === "string"
          ? ` '${(choice as { name: string }).name}'`
          : "";
      throw invalidRequest(
        `Tool choice of type '${choice.type}'${name} is not supported yet: that tool is not sent to the chat backend.`,
        "tool_choice",
        "invalid_value",
      );
    }
  }
}

function warnNoTools(warnings: TranslationWarning[]): void {
  warnings.push({
    code: "unsupported_tool_choice",
    message: "tool_choice 'required' was dropped: no tool the chat backend can call is left in the request.",
    param: "tool_choice",
  });
}

function convertTextFormat(
  format: NonNullable<ResponseCreateParams["text"]>["format"] | null,
): ChatCompletionCreateParams["response_format"] {
  if (format == null) return undefined;
  switch (format.type) {
    case "json_schema": {
      const jsonSchema: ResponseFormatJSONSchema.JSONSchema = { name: format.name, schema: format.schema };
      if (format.strict != null) jsonSchema.strict = format.strict;
      if (format.description != null) jsonSchema.description = format.description;
      return { type: "json_schema", json_schema: jsonSchema };
    }
    case "json_object":
      return { type: "json_object" };
    default:
      return undefined;
  }
}
