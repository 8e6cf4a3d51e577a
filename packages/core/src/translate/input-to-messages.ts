/**
 * Responses input items -> Chat Completions messages.
 *
 * Items are converted one by one by their kind's converter (`items/<kind>.ts`, listed in
 * `items/registry.ts`); supporting a new item type means one file there, one registry line, and its schema
 * in `schema/`. Content parts (text, images, files) are converted by `request/multimodal.ts`.
 *
 * Assistant-side items (assistant `message`s and tool calls of every kind) that follow each other with no
 * user, system or tool message in between are merged into ONE assistant message: its text parts joined, its calls as parallel `tool_calls`. This
 * covers the parallel calls of one turn, the text the model wrote before its calls, and an assistant
 * message a client replays between a call and its output (chat backends require the tool messages
 * to follow the message holding the calls).
 *
 * Items the chat backend cannot use are left out with an `unsupported_item` warning rather than a
 * 400, because real clients echo them back (CLIENTS.md corner case 5): hosted tool calls
 * (`web_search_call`, `tool_search_call`, `image_generation_call`, `mcp_call`...) and unknown types.
 * `compaction` items are opened before conversion (`compaction/restore.ts`), and a `compaction_trigger` turn
 * never reaches it (`compaction/trigger.ts`); left here, either is left out with the same warning.
 */
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { defaultItemType } from "../schema/responses-request.js";
import type { ChatCompletionMessageParam, ResponseCreateParams } from "../types.js";
import { inputItemConverters } from "./items/registry.js";
import {
  type ConvertInputOptions,
  createInputConversion,
  finishInputConversion,
  type InputConversion,
} from "./request/input-conversion.js";
import { resolveItemReference } from "./request/item-references.js";

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
 * - a tool call of any kind (`function_call`, `custom_tool_call`...) -> a `tool_calls` entry
 *   `{ id: call_id, type: "function", function: { name, arguments } }` of the tool's chat name (a
 *   `function_call`'s own arguments, `{"input": input}` for a `custom_tool_call`...), merged with adjacent
 *   assistant-side items.
 * - its output (`function_call_output`...) -> `{ role: "tool", tool_call_id, content }`; images and files
 *   in the output follow in a user message.
 * - `reasoning` -> left out, or (with `replayReasoning`) its text on the next assistant message.
 * - `item_reference` -> the referenced item from `referencedItems`, converted in its place.
 * - `additional_tools` -> no message (its tools are declared by `convertRequestToChat`).
 * - hosted tool calls and unknown types -> left out, with an `unsupported_item` warning.
 *
 * Each kind's mapping is the core README's table, and its file in `translate/items/`.
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
 * Converts `items` (those from `from` up to `to`, by default all) and appends them to the conversion's
 * messages. `paramOf(index)` names an item in error messages (`input.3`, or `previous_response_id` for
 * stored history).
 *
 * @internal
 */
export function appendInputItems(
  conversion: InputConversion,
  items: readonly ResponseInputItem[],
  paramOf: (index: number) => string,
  from = 0,
  to = items.length,
): void {
  for (let index = from; index < to; index++) {
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

function convertItem(conversion: InputConversion, input: ResponseInputItem, param: string): void {
  // A reference is converted as the item it names, in its place.
  const item =
    itemType(input) === "item_reference"
      ? resolveItemReference(input, conversion.referencedItems, param)
      : input;
  const type = itemType(item);
  const convert = inputItemConverters.get(type);
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
