/**
 * Responses input items -> Chat Completions messages.
 *
 * Items are converted one by one through {@link itemConverters}, a map from item `type` to
 * converter: supporting a new item type (reasoning, custom tool calls, item references...) means
 * adding one entry there (and its schema in `schema/responses-request.ts`).
 *
 * Assistant-side items (assistant `message`s and `function_call`s) that follow each other with no
 * user, system or tool message in between are merged into ONE assistant message: its text parts
 * joined, its calls as parallel `tool_calls`. This covers the parallel calls of one turn, the text
 * the model wrote before its calls, and an assistant message a client replays between a call and
 * its output (chat backends require the tool messages to follow the message holding the calls).
 */
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionMessageFunctionToolCall,
} from "openai/resources/chat/completions";
import type {
  EasyInputMessage,
  ResponseFunctionToolCall,
  ResponseInputItem,
  ResponseOutputMessage,
} from "openai/resources/responses/responses";
import { invalidRequest } from "../errors.js";
import { unsupportedContentType, unsupportedInputItemType } from "../schema/responses-request.js";
import type { ChatCompletionMessageParam, ResponseCreateParams } from "../types.js";

/** Options of {@link convertInputToMessages}. */
export interface ConvertInputOptions {
  /**
   * The backend accepts the `developer` role (see `UpstreamCapabilities.developerRole`).
   * Default `false`: `developer` messages are sent as `system`.
   */
  developerRole?: boolean;
}

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
 *   `output_text`, `refusal`) are flattened into one string joined with a blank line.
 * - `function_call` -> a `tool_calls` entry `{ id: call_id, type: "function", function: { name, arguments } }`
 *   (empty arguments are sent as `"{}"`), merged with adjacent assistant-side items.
 * - `function_call_output` -> `{ role: "tool", tool_call_id: call_id, content }`.
 *
 * Item `id`s and `status`es are ignored; outputs are matched to calls by `call_id`.
 *
 * @throws {ResponsesBridgeError} 400 for an item or content type not supported yet (param
 *   `input.N.type` / `input.N.content.M.type`) and for a `function_call_output` whose `call_id`
 *   matches no earlier `function_call` (param `input.N.call_id`).
 */
export function convertInputToMessages(
  items: readonly ResponseInputItem[],
  options: ConvertInputOptions = {},
): ChatCompletionMessageParam[] {
  const conversion = createInputConversion([], options);
  appendInputItems(conversion, items, inputParam);
  return conversion.messages;
}

/**
 * Conversion state shared by several {@link appendInputItems} calls (history, then new input),
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
  /** `call_id`s of every function call seen so far. */
  readonly callIds: Set<string>;
}

/**
 * Starts a conversion that appends to `messages`.
 *
 * @internal
 */
export function createInputConversion(
  messages: ChatCompletionMessageParam[],
  options: ConvertInputOptions = {},
): InputConversion {
  return {
    messages,
    developerRole: options.developerRole === true ? "developer" : "system",
    assistant: undefined,
    callIds: new Set(),
  };
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
    const item = items[index] as ResponseInputItem;
    const type = (item as { type?: string }).type ?? "message";
    const convert = itemConverters.get(type);
    if (convert === undefined) throw unsupportedInputItemType(type, `${paramOf(index)}.type`);
    convert(item, conversion, paramOf(index));
  }
}

function inputParam(index: number): string {
  return `input.${index}`;
}

/** Converts one item of a given type; `param` is the item's JSON path for error messages. */
type ItemConverter = (item: ResponseInputItem, conversion: InputConversion, param: string) => void;

/** Item converters by item `type`. Add an entry here to support a new item type. */
const itemConverters: ReadonlyMap<string, ItemConverter> = new Map<string, ItemConverter>([
  ["message", (item, conversion, param) => convertMessage(item as MessageItem, conversion, param)],
  ["function_call", (item, conversion) => convertFunctionCall(item as ResponseFunctionToolCall, conversion)],
  [
    "function_call_output",
    (item, conversion, param) => convertFunctionCallOutput(item as FunctionCallOutputItem, conversion, param),
  ],
]);

type MessageItem = EasyInputMessage | ResponseInputItem.Message | ResponseOutputMessage;
type FunctionCallOutputItem = ResponseInputItem.FunctionCallOutput;

/** Any content part of a message or a function call output, read structurally. */
interface ContentPart {
  type: string;
  text?: string;
  refusal?: string;
}

function convertMessage(item: MessageItem, conversion: InputConversion, param: string): void {
  switch (item.role) {
    case "assistant":
      appendAssistantText(conversion, flattenText(item.content, `${param}.content`));
      return;
    case "user":
      conversion.assistant = undefined;
      // All-text user content is sent as one string, which every chat backend accepts. Images and
      // files (next release) will make this an array of chat content parts.
      conversion.messages.push({ role: "user", content: flattenText(item.content, `${param}.content`) });
      return;
    case "system":
    case "developer":
      conversion.assistant = undefined;
      conversion.messages.push({
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

function appendAssistantText(conversion: InputConversion, text: string): void {
  const open = conversion.assistant;
  if (open === undefined) {
    const message: ChatCompletionAssistantMessageParam = { role: "assistant", content: text };
    conversion.messages.push(message);
    conversion.assistant = message;
  } else if (text === "") {
    // Nothing to add: keep `content: null` on a message that holds only tool calls.
  } else if (typeof open.content === "string" && open.content !== "") {
    open.content = `${open.content}\n\n${text}`;
  } else {
    open.content = text;
  }
}

function convertFunctionCall(item: ResponseFunctionToolCall, conversion: InputConversion): void {
  const toolCall: ChatCompletionMessageFunctionToolCall = {
    id: item.call_id,
    type: "function",
    // Some backends (Ollama) parse the arguments and reject an empty string.
    function: { name: item.name, arguments: item.arguments === "" ? "{}" : item.arguments },
  };
  const open = conversion.assistant;
  if (open === undefined) {
    const message: ChatCompletionAssistantMessageParam = {
      role: "assistant",
      content: null,
      tool_calls: [toolCall],
    };
    conversion.messages.push(message);
    conversion.assistant = message;
  } else if (open.tool_calls === undefined) {
    open.tool_calls = [toolCall];
  } else {
    open.tool_calls.push(toolCall);
  }
  conversion.callIds.add(item.call_id);
}

function convertFunctionCallOutput(
  item: FunctionCallOutputItem,
  conversion: InputConversion,
  param: string,
): void {
  if (!conversion.callIds.has(item.call_id)) {
    throw invalidRequest(
      `No tool call found for function call output with call_id '${item.call_id}'.`,
      `${param}.call_id`,
      "invalid_value",
    );
  }
  conversion.assistant = undefined;
  conversion.messages.push({
    role: "tool",
    tool_call_id: item.call_id,
    content: typeof item.output === "string" ? item.output : flattenText(item.output, `${param}.output`),
  });
}

/**
 * The text of a content string or list of parts, joined with a blank line. Refusals count as
 * text. Image and file parts are not supported yet.
 */
function flattenText(content: string | readonly unknown[], param: string): string {
  if (typeof content === "string") return content;
  let text: string | undefined;
  for (let index = 0; index < content.length; index++) {
    const part = content[index] as ContentPart;
    let partText: string;
    switch (part.type) {
      case "input_text":
      case "output_text":
        partText = part.text ?? "";
        break;
      case "refusal":
        partText = part.refusal ?? "";
        break;
      case "input_image":
      case "input_file":
        throw unsupportedContentType(part.type, `${param}.${index}.type`);
      default:
        throw invalidRequest(
          `Invalid value for '${param}.${index}.type': '${String(part.type)}'. Supported values are: 'input_text', 'output_text' and 'refusal'.`,
          `${param}.${index}.type`,
          "invalid_value",
        );
    }
    text = text === undefined ? partText : `${text}\n\n${partText}`;
  }
  return text ?? "";
}
