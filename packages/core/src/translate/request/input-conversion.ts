/**
 * The state of one input conversion (history, then the request's input) and the primitives that
 * append messages to it: merging assistant-side items into one assistant message, attaching
 * replayed reasoning to the next assistant message, and holding tool output attachments back until
 * the run of tool messages ends (chat backends require tool messages right after the calls).
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import type { ChatCompletionMessageParam, ResponseInputItem, TranslationWarning } from "../../types.js";
import { defaultToolNames, type ToolNames } from "./tools.js";

/** What to do with a tool call output whose call is nowhere in the history or input. */
export type OrphanToolOutputPolicy = "reject" | "synthesize";

/** Options of {@link convertInputToMessages}. */
export interface ConvertInputOptions {
  /**
   * The backend accepts the `developer` role (see `UpstreamCapabilities.developerRole`).
   * Default `false`: `developer` messages are sent as `system`.
   */
  developerRole?: boolean;
  /**
   * The backend accepts chat custom tools (`UpstreamCapabilities.customTools`): `custom_tool_call`
   * items become `{type: "custom", custom: {name, input}}` tool calls. Default `false`: they become
   * function calls with arguments `{"input": "<raw input>"}`.
   */
  customTools?: boolean;
  /**
   * Send the text of `reasoning` items back on the next assistant message
   * (`UpstreamCapabilities.replayReasoning`). Default `false`: reasoning items are left out.
   */
  replayReasoning?: boolean;
  /** The assistant message field that carries replayed reasoning. Default `"reasoning_content"`. */
  reasoningField?: "reasoning_content" | "reasoning";
  /**
   * Items that `item_reference` inputs point to, by id (fetched beforehand, e.g. with
   * `ResponseStore.getItems`; see `collectItemReferenceIds`). A reference not in the map is a 400.
   */
  referencedItems?: ReadonlyMap<string, ResponseInputItem>;
  /**
   * A `function_call_output` (or custom / local shell output) whose call is not in the items: a 400
   * (`"reject"`, default, as OpenAI answers), or a call synthesized right before it
   * (`"synthesize"`: the name of the only declared tool of that kind, else `unknown_tool`, and
   * arguments `"{}"`), reported as a `synthesized_tool_call` warning.
   */
  orphanToolOutputs?: OrphanToolOutputPolicy;
  /**
   * The backend accepts chat `file` content parts. Default `true`. When `false`, text files are
   * inlined as text and other files are a 400.
   */
  fileParts?: boolean;
  /** Non-fatal notes (an item left out, a synthesized call) are appended to this array when given. */
  warnings?: TranslationWarning[];
}

/**
 * Conversion state shared by several `appendInputItems` calls (history, then new input),
 * so calls in the history are known to outputs in the input.
 *
 * @internal
 */
export interface InputConversion {
  /** The messages built so far; items are appended to it in place. */
  readonly messages: ChatCompletionMessageParam[];
  /** Role used for `developer` messages. */
  readonly developerRole: "developer" | "system";
  /** The assistant message still open for merging, or undefined after a user/system/tool message. */
  assistant: ChatCompletionAssistantMessageParam | undefined;
  /** `call_id`s of every tool call seen so far. */
  readonly callIds: Set<string>;
  /** Item `id` -> `call_id`, for the kinds whose outputs may name their call by the call item's `id`. */
  readonly callAliases: Map<string, string>;
  /** Chat names of the tools history items refer to. */
  readonly tools: ToolNames;
  /** `custom_tool_call`s become native chat custom tool calls. */
  readonly customTools: boolean;
  /** Reasoning items are replayed on the next assistant message. */
  readonly replayReasoning: boolean;
  /** The assistant message field replayed reasoning goes in. */
  readonly reasoningField: string;
  /** Items `item_reference`s resolve to. */
  readonly referencedItems: ReadonlyMap<string, ResponseInputItem> | undefined;
  /** What to do with an output whose call is unknown. */
  readonly orphanToolOutputs: OrphanToolOutputPolicy;
  /** The backend takes chat `file` parts. */
  readonly fileParts: boolean;
  /** Reasoning text waiting for the next assistant message. */
  pendingReasoning: string | undefined;
  /** Images and files of tool outputs, sent in one user message once the run of tool messages ends. */
  pendingAttachments: ChatCompletionContentPart[] | undefined;
  /** User messages made of tool output attachments: they belong to the tool round before them. */
  readonly attachmentMessages: Set<ChatCompletionMessageParam>;
  /** Where warnings go. */
  readonly warnings: TranslationWarning[];
}

/**
 * Starts a conversion that appends to `messages`.
 *
 * @internal
 */
export function createInputConversion(
  messages: ChatCompletionMessageParam[],
  options: ConvertInputOptions = {},
  tools: ToolNames = defaultToolNames,
): InputConversion {
  return {
    messages,
    developerRole: options.developerRole === true ? "developer" : "system",
    assistant: undefined,
    callIds: new Set(),
    callAliases: new Map(),
    tools,
    customTools: options.customTools === true,
    replayReasoning: options.replayReasoning === true,
    reasoningField: options.reasoningField ?? "reasoning_content",
    referencedItems: options.referencedItems,
    orphanToolOutputs: options.orphanToolOutputs ?? "reject",
    fileParts: options.fileParts !== false,
    pendingReasoning: undefined,
    pendingAttachments: undefined,
    attachmentMessages: new Set(),
    warnings: options.warnings ?? [],
  };
}

/**
 * Ends a conversion: sends the attachments of the last tool outputs, if any.
 *
 * @internal
 */
export function finishInputConversion(conversion: InputConversion): void {
  flushAttachments(conversion);
}

/**
 * Appends a user, system or tool message: it closes the open assistant message.
 *
 * @internal
 */
export function pushMessage(conversion: InputConversion, message: ChatCompletionMessageParam): void {
  if (message.role !== "tool") {
    flushAttachments(conversion);
    // Reasoning followed by a user or system message had no answer to go with.
    conversion.pendingReasoning = undefined;
  }
  conversion.assistant = undefined;
  conversion.messages.push(message);
}

/**
 * Starts a new assistant message, carrying the reasoning that came before it.
 *
 * @internal
 */
export function openAssistant(
  conversion: InputConversion,
  content: string | null,
): ChatCompletionAssistantMessageParam {
  flushAttachments(conversion);
  const message: ChatCompletionAssistantMessageParam = { role: "assistant", content };
  if (conversion.pendingReasoning !== undefined) {
    (message as unknown as Record<string, unknown>)[conversion.reasoningField] = conversion.pendingReasoning;
    conversion.pendingReasoning = undefined;
  }
  conversion.messages.push(message);
  conversion.assistant = message;
  return message;
}

/**
 * Sends the pending tool output attachments as one user message.
 *
 * @internal
 */
export function flushAttachments(conversion: InputConversion): void {
  const attachments = conversion.pendingAttachments;
  if (attachments === undefined) return;
  conversion.pendingAttachments = undefined;
  const message: ChatCompletionMessageParam = { role: "user", content: attachments };
  conversion.messages.push(message);
  conversion.attachmentMessages.add(message);
  conversion.assistant = undefined;
}

/**
 * Adds text to the open assistant message, or starts one.
 *
 * @internal
 */
export function appendAssistantText(conversion: InputConversion, text: string): void {
  const open = conversion.assistant;
  if (open === undefined) {
    openAssistant(conversion, text);
  } else if (text === "") {
    // Nothing to add: keep `content: null` on a message that holds only tool calls.
  } else if (typeof open.content === "string" && open.content !== "") {
    open.content = `${open.content}\n\n${text}`;
  } else {
    open.content = text;
  }
}

/**
 * Adds a tool call to the open assistant message, or starts one.
 *
 * @internal
 */
export function addToolCall(conversion: InputConversion, toolCall: ChatCompletionMessageToolCall): void {
  const open = conversion.assistant ?? openAssistant(conversion, null);
  if (open.tool_calls === undefined) open.tool_calls = [toolCall];
  else open.tool_calls.push(toolCall);
  conversion.callIds.add(toolCall.id);
}
