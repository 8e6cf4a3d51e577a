/**
 * `message` items.
 * - Input (type optional): `user` -> user, `assistant` -> assistant text (merged with adjacent assistant-side
 *   items), `system` -> system, `developer` -> system (or developer with `developerRole`). Text parts are
 *   joined with a blank line; user images and files become content parts.
 * - Output (`msg_…`): {@link MessageItemState}, the streamed assistant message with its `output_text` and
 *   `refusal` parts.
 */
import type {
  EasyInputMessage,
  ResponseInputItem,
  ResponseOutputMessage,
} from "openai/resources/responses/responses";
import { invalidRequest } from "../../errors.js";
import {
  type ItemStatus,
  messageItem,
  type OutputLogprob,
  outputTextPart,
  refusalPart,
} from "../output-items.js";
import type { Emit } from "../reply/reply-options.js";
import { appendAssistantText, pushMessage } from "../request/input-conversion.js";
import { convertUserContent, flattenText } from "../request/multimodal.js";
import type { InputItemConverter } from "./item-kind.js";

interface TextPart {
  kind: "text";
  contentIndex: number;
  text: string;
  logprobs: OutputLogprob[];
}

interface RefusalPart {
  kind: "refusal";
  contentIndex: number;
  refusal: string;
}

/**
 * One streamed assistant `message` item with up to two content parts, numbered in the order they
 * appear: `output_text` (`response.output_text.delta/.done`) and `refusal`
 * (`response.refusal.delta/.done`), each opened with `response.content_part.added` and closed with
 * `response.content_part.done`.
 */
export class MessageItemState {
  private readonly parts: Array<TextPart | RefusalPart> = [];
  private textPart: TextPart | undefined;
  private refusal: RefusalPart | undefined;

  constructor(
    readonly id: string,
    readonly outputIndex: number,
  ) {}

  /** Appends `response.output_item.added` (a message with `content: []`). */
  open(emit: Emit): void {
    emit({
      type: "response.output_item.added",
      sequence_number: 0,
      output_index: this.outputIndex,
      item: messageItem(this.id, "in_progress", []),
    });
  }

  private addPart(part: object, contentIndex: number, emit: Emit): void {
    emit({
      type: "response.content_part.added",
      sequence_number: 0,
      item_id: this.id,
      output_index: this.outputIndex,
      content_index: contentIndex,
      part,
    });
  }

  /** Appends output text (with the logprobs of its tokens, when requested). */
  text(text: string, logprobs: OutputLogprob[], emit: Emit): void {
    let part = this.textPart;
    if (!part) {
      part = { kind: "text", contentIndex: this.parts.length, text: "", logprobs: [] };
      this.textPart = part;
      this.parts.push(part);
      this.addPart(outputTextPart(""), part.contentIndex, emit);
    }
    part.text += text;
    for (const entry of logprobs) part.logprobs.push(entry);
    emit({
      type: "response.output_text.delta",
      sequence_number: 0,
      item_id: this.id,
      output_index: this.outputIndex,
      content_index: part.contentIndex,
      delta: text,
      logprobs,
    });
  }

  /** Appends refusal text. */
  refuse(text: string, emit: Emit): void {
    let part = this.refusal;
    if (!part) {
      part = { kind: "refusal", contentIndex: this.parts.length, refusal: "" };
      this.refusal = part;
      this.parts.push(part);
      this.addPart(refusalPart(""), part.contentIndex, emit);
    }
    part.refusal += text;
    emit({
      type: "response.refusal.delta",
      sequence_number: 0,
      item_id: this.id,
      output_index: this.outputIndex,
      content_index: part.contentIndex,
      delta: text,
    });
  }

  /** Appends the done events of every part and of the item; returns the finished item. */
  close(status: ItemStatus, emit: Emit): ResponseOutputMessage {
    const { id, outputIndex } = this;
    const content: ResponseOutputMessage["content"] = [];
    for (const state of this.parts) {
      const common = {
        sequence_number: 0,
        item_id: id,
        output_index: outputIndex,
        content_index: state.contentIndex,
      };
      if (state.kind === "text") {
        const part = outputTextPart(state.text, state.logprobs);
        emit({ type: "response.output_text.done", ...common, text: state.text, logprobs: state.logprobs });
        emit({ type: "response.content_part.done", ...common, part });
        content.push(part);
      } else {
        const part = refusalPart(state.refusal);
        emit({ type: "response.refusal.done", ...common, refusal: state.refusal });
        emit({ type: "response.content_part.done", ...common, part });
        content.push(part);
      }
    }
    const item = messageItem(id, status, content);
    emit({ type: "response.output_item.done", sequence_number: 0, output_index: outputIndex, item });
    return item;
  }
}

type MessageItem = EasyInputMessage | ResponseInputItem.Message | ResponseOutputMessage;

/** Appends a `message` item. */
export const convertMessageItem: InputItemConverter = (input, conversion, param) => {
  const item = input as MessageItem;
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
};
