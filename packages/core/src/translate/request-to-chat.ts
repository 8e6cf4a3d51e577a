/**
 * Responses create request (+ stored history) -> Chat Completions create params.
 *
 * Pure and synchronous. Hard failures throw a 400 `ResponsesBridgeError`; things the backend
 * cannot honour but that need not fail the request (a hosted tool, an item the backend cannot
 * replay, a mapped reasoning effort, truncated history) are returned as warnings.
 *
 * The parts live in `request/`: tools and bindings (`tools.ts`, `tool-names.ts`), `tool_choice`
 * (`tool-choice.ts`), content parts (`multimodal.ts`), reasoning items (`reasoning-input.ts`),
 * `reasoning.effort` (`reasoning-effort.ts`), `truncation` (`truncation.ts`) and item references
 * (`item-references.ts`); input items are converted by `input-to-messages.ts`.
 *
 * Not sent upstream (the Response object echoes them): `metadata`, `store`, the rest of
 * `reasoning` (`summary`...), `text.verbosity`, `prompt_cache_key`, `include`, `client_metadata`,
 * `service_tier`, `background`, `max_tool_calls`, `previous_response_id`, `prompt`, `conversation`.
 */
import type { ChatCompletionCreateParamsBase } from "openai/resources/chat/completions";
import type { ResponseFormatJSONSchema } from "openai/resources/shared";
import { invalidRequest } from "../errors.js";
import type {
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ResponseCreateParams,
  ResponseInputItem,
  ResponsesRequest,
  ToolBindings,
  TranslationWarning,
  UpstreamCapabilities,
} from "../types.js";
import { appendInputItems, normalizeInput } from "./input-to-messages.js";
import { builtinTools } from "./items/registry.js";
import {
  createInputConversion,
  finishInputConversion,
  type InputConversion,
  type OrphanToolOutputPolicy,
} from "./request/input-conversion.js";
import { convertReasoningEffort, DEFAULT_ACCEPTED_EFFORTS } from "./request/reasoning-effort.js";
import { convertToolChoice } from "./request/tool-choice.js";
import { convertTools, type HostedToolPolicy, type ToolSource } from "./request/tools.js";
import { estimateTokens, truncateMessages } from "./request/truncation.js";

/** Options of {@link convertRequestToChat}. */
export interface ConvertRequestOptions {
  /**
   * Items of the earlier turns when the request continues one with `previous_response_id`: each
   * stored turn's input items followed by its output items, oldest first. They come after
   * `instructions` and before the request's own input.
   */
  history?: ResponseInputItem[];
  /**
   * What the backend supports: developer role, max tokens field, stream usage, custom tools,
   * reasoning effort parameter, reasoning replay. Defaults suit local backends.
   */
  capabilities?: UpstreamCapabilities;
  /**
   * The model name sent upstream. Default: the requested model, unchanged. Renaming rules (a function of
   * the requested name, per-route names) are the handler's `model` and `routes` options, applied once by its
   * router, which passes the result here.
   */
  model?: string;
  /**
   * Hosted tools the chat backend cannot run (`web_search`, `file_search`, `code_interpreter`,
   * `computer_use_preview`, `image_generation`, `mcp`, `tool_search`, unknown types): `"drop"`
   * (default) leaves them out with an `unsupported_tool` warning; `"reject"` answers 400
   * (`param: tools.N`). Either way a `tool_choice` naming one is a 400.
   */
  hostedTools?: HostedToolPolicy;
  /**
   * The items `item_reference` inputs point to, by id, fetched beforehand (see
   * `collectItemReferenceIds`). A reference not in the map is a 400 `item_not_found`.
   */
  referencedItems?: ReadonlyMap<string, ResponseInputItem>;
  /**
   * A tool call output whose call is in neither the history nor the input: `"reject"` (default,
   * 400 `param: input.N.call_id`, as OpenAI answers) or `"synthesize"` (a call is made up right
   * before it, with a `synthesized_tool_call` warning).
   */
  orphanToolOutputs?: OrphanToolOutputPolicy;
  /**
   * The backend accepts chat `file` content parts. Default `true`. When `false`, `input_file` text
   * files (`text/*`, JSON, Markdown, CSV...) are inlined as text and other files are a 400.
   */
  fileParts?: boolean;
  /**
   * The backend's context window in tokens. With `truncation: "auto"`, the oldest turns are left out
   * until the estimated request (4 characters per token) fits; without it `"auto"` changes nothing.
   */
  contextWindow?: number;
  /**
   * `reasoning.effort` values the backend takes as they are. Default `["low", "medium", "high"]`;
   * OpenAI also takes `"none"`, `"minimal"` and `"xhigh"`. Other values are mapped (`minimal` ->
   * `low`, `xhigh` -> `high`) or left out, with a `reasoning_effort_mapped` warning.
   */
  acceptedReasoningEfforts?: readonly string[];
}

/** Result of {@link convertRequestToChat}. */
export interface ConvertRequestResult {
  /** The Chat Completions request (`stream: true` when the Responses request streams). */
  params: ChatCompletionCreateParams;
  /** What was left out or approximated, e.g. `{ code: "unsupported_tool", param: "tools.3" }`. */
  warnings: TranslationWarning[];
  /**
   * Chat function name -> the Responses tool it stands for (each kind of `ToolBinding`), for
   * translating the reply's tool calls back into the right items. Holds every
   * declared tool the backend can be offered, also those an `allowed_tools` choice leaves out.
   */
  tools: ToolBindings;
}

/**
 * Builds the Chat Completions request for a Responses request.
 *
 * Messages: `instructions` as a leading system message (developer with
 * `capabilities.developerRole`), then `options.history`, then the request's `input`
 * (see `convertInputToMessages`), truncated per `truncation`/`contextWindow`. Tools: every tool the
 * chat backend can be offered (function, custom, namespace...: see the core README), from `tools` and
 * from `additional_tools` input items (hosted tools dropped or rejected), `tool_choice`, `parallel_tool_calls` (only with tools).
 * Parameters: `model`, `temperature`, `top_p`, `presence_penalty`, `frequency_penalty`,
 * `max_output_tokens` -> `max_tokens` (or `max_completion_tokens`), `user`/`safety_identifier` ->
 * `user`, `text.format` -> `response_format`, `top_logprobs` -> `logprobs` + `top_logprobs`,
 * `reasoning.effort` -> `reasoning_effort` (or `reasoning: {effort}`), `stream` -> `stream` +
 * `stream_options.include_usage`.
 *
 * @param request - A validated request (see `parseResponsesRequest`).
 * @throws {ResponsesBridgeError} 400 for a tool call output without its call, an unknown item
 *   reference, a file id or file the backend cannot take, a `tool_choice` naming a tool that is not
 *   sent, or a hosted tool with `hostedTools: "reject"`.
 */
export function convertRequestToChat(
  request: ResponseCreateParams,
  options: ConvertRequestOptions = {},
): ConvertRequestResult {
  const builder = startRequestToChat(request, options);
  builder.convert(builder.itemCount);
  return builder.finish();
}

/**
 * {@link convertRequestToChat} in steps, for a caller that gives the event loop back between them (a
 * request of thousands of input items): `convert(count)` converts the next `count` items (history, then
 * input), `finish()` builds the result once `itemCount` items are converted. Same result, same 400s.
 *
 * @internal
 */
export interface ChatRequestBuilder {
  /** The items to convert: the history's and the input's. */
  readonly itemCount: number;
  /** Converts the next `count` items (fewer when fewer are left). */
  convert(count: number): void;
  /** The result: call once, after every item is converted. */
  finish(): ConvertRequestResult;
}

/**
 * Starts {@link convertRequestToChat}: declares the tools and the instructions message (a 400 for them is
 * thrown here); the items are converted by the builder.
 *
 * @internal
 */
export function startRequestToChat(
  request: ResponseCreateParams,
  options: ConvertRequestOptions = {},
): ChatRequestBuilder {
  const capabilities = options.capabilities ?? {};
  const warnings: TranslationWarning[] = [];
  const input = normalizeInput(request.input);
  const history = options.history ?? [];
  const customTools = capabilities.customTools === true;

  const sources: ToolSource[] = [];
  if (request.tools != null) sources.push({ tools: request.tools, param: toolParam });
  collectAdditionalTools(history, historyParam, sources);
  collectAdditionalTools(input, inputParam, sources);
  const toolSet = convertTools(
    sources,
    { customTools, hostedTools: options.hostedTools ?? "drop", builtinTools },
    warnings,
  );

  const messages: ChatCompletionMessageParam[] = [];
  const developerRole = capabilities.developerRole === true;
  if (typeof request.instructions === "string" && request.instructions !== "") {
    messages.push({ role: developerRole ? "developer" : "system", content: request.instructions });
  }
  const conversion = createInputConversion(
    messages,
    {
      developerRole,
      customTools,
      replayReasoning: capabilities.replayReasoning === true,
      reasoningField: capabilities.reasoningField ?? "reasoning_content",
      ...(options.referencedItems === undefined ? {} : { referencedItems: options.referencedItems }),
      orphanToolOutputs: options.orphanToolOutputs ?? "reject",
      fileParts: options.fileParts !== false,
      warnings,
    },
    toolSet.names,
  );
  const itemCount = history.length + input.length;
  let converted = 0;
  return {
    itemCount,
    convert(count) {
      const end = Math.min(itemCount, converted + count);
      if (converted < history.length) {
        const to = Math.min(end, history.length);
        appendInputItems(conversion, history, historyParam, converted, to);
        converted = to;
      }
      if (converted < end) {
        appendInputItems(conversion, input, inputParam, converted - history.length, end - history.length);
        converted = end;
      }
    },
    finish: () => finishRequestToChat(request, options, messages, conversion, toolSet, warnings),
  };
}

/** The rest of {@link convertRequestToChat}, once its items are converted: the chat parameters. */
function finishRequestToChat(
  request: ResponseCreateParams,
  options: ConvertRequestOptions,
  messages: ChatCompletionMessageParam[],
  conversion: InputConversion,
  toolSet: ReturnType<typeof convertTools>,
  warnings: TranslationWarning[],
): ConvertRequestResult {
  const capabilities = options.capabilities ?? {};
  const extras = request as ResponsesRequest;
  const customTools = capabilities.customTools === true;
  finishInputConversion(conversion);
  if (messages.length === 0) {
    throw invalidRequest(
      "The request has nothing to send to the model: provide 'input' (a string or at least one message) or 'instructions'.",
      "input",
      "missing_required_parameter",
    );
  }

  // Built on the base type; `stream` decides which member of the union it is.
  const params: ChatCompletionCreateParamsBase = { model: resolveModel(request, options.model), messages };

  let tools = toolSet.tools;
  const toolChoice = convertToolChoice(request.tool_choice, toolSet, customTools, warnings);
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

  const effort = convertReasoningEffort(
    request.reasoning?.effort,
    capabilities.reasoningEffort,
    options.acceptedReasoningEfforts ?? DEFAULT_ACCEPTED_EFFORTS,
    warnings,
  );
  if (effort !== undefined) Object.assign(params, effort);

  if (request.stream === true) {
    params.stream = true;
    if (capabilities.streamUsage !== false) params.stream_options = { include_usage: true };
  }

  if (
    request.truncation === "auto" &&
    typeof options.contextWindow === "number" &&
    options.contextWindow > 0
  ) {
    params.messages = truncate(
      params,
      request,
      options.contextWindow,
      conversion.attachmentMessages,
      warnings,
    );
  }

  return { params: params as ChatCompletionCreateParams, warnings, tools: toolSet.bindings };
}

function toolParam(index: number): string {
  return `tools.${index}`;
}

function historyParam(): string {
  return "previous_response_id";
}

function inputParam(index: number): string {
  return `input.${index}`;
}

/** Adds the tools of `additional_tools` items (Codex code mode) as tool sources. */
function collectAdditionalTools(
  items: readonly ResponseInputItem[],
  paramOf: (index: number) => string,
  sources: ToolSource[],
): void {
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as { type?: unknown; tools?: unknown };
    if (item.type !== "additional_tools" || !Array.isArray(item.tools)) continue;
    const param = paramOf(index);
    sources.push({
      tools: item.tools,
      param: param === "previous_response_id" ? historyParam : (tool) => `${param}.tools.${tool}`,
    });
  }
}

function truncate(
  params: ChatCompletionCreateParamsBase,
  request: ResponseCreateParams,
  contextWindow: number,
  attached: ReadonlySet<ChatCompletionMessageParam>,
  warnings: TranslationWarning[],
): ChatCompletionMessageParam[] {
  const reservedTokens =
    (params.tools === undefined ? 0 : estimateTokens(params.tools)) + (request.max_output_tokens ?? 0);
  const result = truncateMessages(params.messages, { contextWindow, reservedTokens, attached });
  const over =
    result.estimatedAfter > contextWindow
      ? ` The rest (about ${result.estimatedAfter} tokens) still exceeds it.`
      : "";
  if (result.dropped > 0) {
    warnings.push({
      code: "truncated",
      message: `truncation 'auto' left out the ${result.dropped} oldest messages: the request (about ${result.estimatedBefore} tokens, estimated at 4 characters per token) exceeded the context window of ${contextWindow} tokens.${over}`,
      param: "truncation",
    });
  } else if (over !== "") {
    warnings.push({
      code: "context_window_exceeded",
      message: `The request (about ${result.estimatedBefore} tokens) exceeds the context window of ${contextWindow} tokens, and nothing can be left out.`,
      param: "truncation",
    });
  }
  return result.messages;
}

function resolveModel(request: ResponseCreateParams, option: ConvertRequestOptions["model"]): string {
  const requested = request.model;
  if (typeof option === "string") return option;
  if (typeof requested !== "string") {
    throw invalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  }
  return requested;
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
