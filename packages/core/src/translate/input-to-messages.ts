/**
 * Responses input items -> Chat Completions messages.
 *
 * Items are converted one by one through {@link itemConverters}, a map from item `type` to
 * converter: supporting a new item type means adding one entry there (and its schema in
 * `schema/responses-request.ts`). Content parts (text, images, files) are converted by
 * `request/multimodal.ts`.
 *
 * Assistant-side items (assistant `message`s, `function_call`s, `custom_tool_call`s,
 * `local_shell_call`s) that follow each other with no user, system or tool message in between are
 * merged into ONE assistant message: its text parts joined, its calls as parallel `tool_calls`. This
 * covers the parallel calls of one turn, the text the model wrote before its calls, and an assistant
 * message a client replays between a call and its output (chat backends require the tool messages
 * to follow the message holding the calls).
 *
 * Items the chat backend cannot use are left out with an `unsupported_item` warning rather than a
 * 400, because real clients echo them back (CLIENTS.md corner case 5): hosted tool calls
 * (`web_search_call`, `tool_search_call`, `image_generation_call`, `mcp_call`...), `compaction` items
 * and unknown types.
 */
import type {
  EasyInputMessage,
  ResponseCustomToolCall,
  ResponseCustomToolCallOutput,
  ResponseFunctionToolCall,
  ResponseInputItem,
  ResponseOutputMessage,
} from "openai/resources/responses/responses";
import { invalidRequest } from "../errors.js";
import { defaultItemType } from "../schema/responses-request.js";
import type { ChatCompletionMessageParam, ResponseCreateParams } from "../types.js";
import {
  appendAssistantText,
  type ConvertInputOptions,
  createInputConversion,
  finishInputConversion,
  type InputConversion,
  pushMessage,
} from "./request/input-conversion.js";
import { resolveItemReference } from "./request/item-references.js";
import { convertUserContent, flattenText } from "./request/multimodal.js";
import { type ReasoningInputItem, reasoningText } from "./request/reasoning-input.js";
import {
  appendToolOutput,
  convertCustomToolCall,
  convertFunctionCall,
  convertLocalShellCall,
  type LocalShellCallItem,
} from "./request/tool-call-items.js";

/**
 * The request's `input` as a list of items: a string becomes one user message item, a missing
 * input an empty list, and an array is returned as it is (not copied).
 */
export function normalizeInput(input: ResponseCreateParams["input"]): ResponseInputItem[] {
  if (input === undefined || input === null) return [];
  if (typeof input === "string") return [{ type: "message", role: "user", content: input }];
  return input;
}

/**
 * Converts Responses input items (including output items replayed from earlier turns) into
 * Chat Completions messages.
 *
 * - `message` (type optional): `user` -> user, `assistant` -> assistant, `system` -> system,
 *   `developer` -> system (or developer with `developerRole`). Text parts (`input_text`,
 *   `output_text`, `refusal`) are joined with a blank line; user images and files become content parts.
 * - `function_call` -> a `tool_calls` entry `{ id: call_id, type: "function", function: { name, arguments } }`
 *   (empty arguments are sent as `"{}"`; a `namespace` gives the flattened name), merged with
 *   adjacent assistant-side items.
 * - `custom_tool_call` -> a tool call with arguments `{"input": input}` (or a native custom call).
 * - `local_shell_call` -> a `local_shell` tool call with arguments `{command, workdir, timeout_ms, env}`.
 * - `function_call_output` / `custom_tool_call_output` / `local_shell_call_output` ->
 *   `{ role: "tool", tool_call_id, content }`; images and files in the output follow in a user message.
 * - `reasoning` -> left out, or (with `replayReasoning`) its text on the next assistant message.
 * - `item_reference` -> the referenced item from `referencedItems`, converted in its place.
 * - `additional_tools` -> no message (its tools are declared by `convertRequestToChat`).
 * - hosted tool calls and unknown types -> left out, with an `unsupported_item` warning.
 *
 * Item `id`s and `status`es are ignored; outputs are matched to calls by `call_id`.
 *
 * @throws {ResponsesBridgeError} 400 for a tool call output whose call is not in the items (param
 *   `input.N.call_id`, unless `orphanToolOutputs` is `"synthesize"`), an unknown `item_reference`
 *   (`input.N.id`), a `file_id`, and content the backend cannot take.
 */
export function convertInputToMessages(
  items: readonly ResponseInputItem[],
  options: ConvertInputOptions = {},
): ChatCompletionMessageParam[] {
  const conversion = createInputConversion([], options);
  appendInputItems(conversion, items, inputParam);
  finishInputConversion(conversion);
  return conversion.messages;
}

/**
 * Converts `items` and appends them to the conversion's messages. `paramOf(index)` names an
 * item in error messages (`input.3`, or `previous_response_id` for stored history).
 *
 * @internal
 */
export function appendInputItems(
  conversion: InputConversion,
  items: readonly ResponseInputItem[],
  paramOf: (index: number) => string,
): void {
  for (let index = 0; index < items.length; index++) {
    convertItem(conversion, items[index] as ResponseInputItem, paramOf(index));
  }
}

/**
 * The `type` of an input item: its `type`, or for items without one a message (or an item
 * reference when it has an `id` and no `role`).
 *
 * @internal
 */
export function itemType(item: ResponseInputItem): string {
  const type = (item as { type?: unknown }).type;
  return typeof type === "string" ? type : defaultItemType(item);
}

function inputParam(index: number): string {
  return `input.${index}`;
}

function convertItem(conversion: InputConversion, item: ResponseInputItem, param: string): void {
  const type = itemType(item);
  const convert = itemConverters.get(type);
  if (convert !== undefined) {
    convert(item, conversion, param);
    return;
  }
  conversion.warnings.push({
    code: "unsupported_item",
    message: HOSTED_ITEM_TYPES.has(type)
      ? `Item of type '${type}' was left out of the chat request: the chat backend cannot replay hosted tool calls.`
      : `Item of type '${type}' is not supported; it was left out of the chat request.`,
    param,
  });
}

/** Converts one item of a given type; `param` is the item's JSON path for error messages. */
type ItemConverter = (item: ResponseInputItem, conversion: InputConversion, param: string) => void;

/** Item converters by item `type`. Add an entry here to support a new item type. */
const itemConverters: ReadonlyMap<string, ItemConverter> = new Map<string, ItemConverter>([
  ["message", (item, conversion, param) => convertMessage(item as MessageItem, conversion, param)],
  ["function_call", (item, conversion) => convertFunctionCall(item as ResponseFunctionToolCall, conversion)],
  [
    "function_call_output",
    (item, conversion, param) => {
      const output = item as ResponseInputItem.FunctionCallOutput;
      appendToolOutput(conversion, "function", output.call_id, output.output, param, "call_id");
    },
  ],
  [
    "custom_tool_call",
    (item, conversion) => convertCustomToolCall(item as ResponseCustomToolCall, conversion),
  ],
  [
    "custom_tool_call_output",
    (item, conversion, param) => {
      const output = item as ResponseCustomToolCallOutput;
      appendToolOutput(conversion, "custom", output.call_id, output.output, param, "call_id");
    },
  ],
  ["local_shell_call", (item, conversion) => convertLocalShellCall(item as LocalShellCallItem, conversion)],
  [
    "local_shell_call_output",
    (item, conversion, param) => {
      const output = item as LocalShellCallOutputItem;
      const key = output.call_id ? "call_id" : "id";
      const callId = output.call_id || output.id || "";
      appendToolOutput(conversion, "local_shell", callId, output.output, param, key);
    },
  ],
  ["reasoning", (item, conversion) => convertReasoning(item as ReasoningInputItem, conversion)],
  ["item_reference", convertItemReference],
  // Its tools were hoisted into the request's tools; it produces no message.
  ["additional_tools", () => {}],
]);

/** Item types of hosted tool calls and server-side state: left out with a clear warning. */
const HOSTED_ITEM_TYPES: ReadonlySet<string> = new Set([
  "web_search_call",
  "file_search_call",
  "computer_call",
  "computer_call_output",
  "code_interpreter_call",
  "image_generation_call",
  "mcp_list_tools",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
  "tool_search_call",
  "tool_search_output",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
  "compaction",
  "compaction_trigger",
  "program",
  "program_output",
]);

type MessageItem = EasyInputMessage | ResponseInputItem.Message | ResponseOutputMessage;
type LocalShellCallOutputItem = Omit<ResponseInputItem.LocalShellCallOutput, "id"> & {
  id?: string | null;
  call_id?: string | null;
};

function convertMessage(item: MessageItem, conversion: InputConversion, param: string): void {
  switch (item.role) {
    case "assistant":
      appendAssistantText(conversion, flattenText(item.content, `${param}.content`));
      return;
    case "user":
      pushMessage(conversion, {
        role: "user",
        content: convertUserContent(item.content, `${param}.content`, conversion),
      });
      return;
    case "system":
    case "developer":
      pushMessage(conversion, {
        role: item.role === "developer" ? conversion.developerRole : "system",
        content: flattenText(item.content, `${param}.content`),
      });
      return;
    default:
      throw invalidRequest(
        `Invalid value for '${param}.role': '${String((item as { role?: unknown }).role)}'. Supported values are: 'user', 'assistant', 'system' and 'developer'.`,
        `${param}.role`,
        "invalid_value",
      );
  }
}

function convertReasoning(item: ReasoningInputItem, conversion: InputConversion): void {
  if (!conversion.replayReasoning) return;
  const text = reasoningText(item);
  if (text === undefined) return;
  const open = conversion.assistant;
  if (open === undefined) {
    const pending = conversion.pendingReasoning;
    conversion.pendingReasoning = pending === undefined ? text : `${pending}\n\n${text}`;
    return;
  }
  // Reasoning between items of one assistant turn (e.g. before its second call) joins that turn.
  const fields = open as unknown as Record<string, unknown>;
  const earlier = fields[conversion.reasoningField];
  fields[conversion.reasoningField] =
    typeof earlier === "string" && earlier !== "" ? `${earlier}\n\n${text}` : text;
}

function convertItemReference(item: ResponseInputItem, conversion: InputConversion, param: string): void {
  convertItem(conversion, resolveItemReference(item, conversion.referencedItems, param), param);
}
