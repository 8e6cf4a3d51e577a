/**
 * `reasoning` items.
 * - Input: left out, or (with `replayReasoning`) its text on the next assistant message.
 * - Output (`rs_…`): {@link ReasoningItemState}.
 */
import type { ResponseReasoningItem } from "openai/resources/responses/responses";
import { reasoningItem } from "../output-items.js";
import { encodeReasoningContent } from "../reasoning-codec.js";
import type { Emit } from "../reply/reply-options.js";
import { type ReasoningInputItem, reasoningText } from "../request/reasoning-input.js";
import type { InputItemConverter } from "./item-kind.js";

/**
 * One streamed `reasoning` item. Events, in order:
 * `response.output_item.added` (`summary: []`, `content: []`), `response.content_part.added`
 * (`reasoning_text`, content_index 0), and with a summary `response.reasoning_summary_part.added`
 * (summary_index 0); per piece `response.reasoning_text.delta` (+ `response.reasoning_summary_text.delta`
 * carrying the same text); on close `response.reasoning_text.done`, `response.content_part.done`,
 * (`response.reasoning_summary_text.done`, `response.reasoning_summary_part.done`) and
 * `response.output_item.done` with the whole item.
 */
export class ReasoningItemState {
  private text = "";

  constructor(
    readonly id: string,
    readonly outputIndex: number,
    private readonly summary: boolean,
    private readonly encrypted: boolean,
  ) {}

  /** Appends `response.output_item.added` and the part-added events. */
  open(emit: Emit): void {
    const { id, outputIndex } = this;
    emit({
      type: "response.output_item.added",
      sequence_number: 0,
      output_index: outputIndex,
      item: reasoningItem(id, [], []),
    });
    emit({
      type: "response.content_part.added",
      sequence_number: 0,
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      part: { type: "reasoning_text", text: "" },
    });
    if (this.summary) {
      emit({
        type: "response.reasoning_summary_part.added",
        sequence_number: 0,
        item_id: id,
        output_index: outputIndex,
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      });
    }
  }

  /** Appends one piece of reasoning. */
  delta(text: string, emit: Emit): void {
    this.text += text;
    emit({
      type: "response.reasoning_text.delta",
      sequence_number: 0,
      item_id: this.id,
      output_index: this.outputIndex,
      content_index: 0,
      delta: text,
    });
    if (this.summary) {
      emit({
        type: "response.reasoning_summary_text.delta",
        sequence_number: 0,
        item_id: this.id,
        output_index: this.outputIndex,
        summary_index: 0,
        delta: text,
      });
    }
  }

  /** Appends the done events and returns the finished item. */
  close(emit: Emit): ResponseReasoningItem {
    const { id, outputIndex, text } = this;
    const part = { type: "reasoning_text" as const, text };
    emit({
      type: "response.reasoning_text.done",
      sequence_number: 0,
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      text,
    });
    emit({
      type: "response.content_part.done",
      sequence_number: 0,
      item_id: id,
      output_index: outputIndex,
      content_index: 0,
      part,
    });
    const summary: ResponseReasoningItem["summary"] = [];
    if (this.summary) {
      const summaryPart = { type: "summary_text" as const, text };
      summary.push(summaryPart);
      emit({
        type: "response.reasoning_summary_text.done",
        sequence_number: 0,
        item_id: id,
        output_index: outputIndex,
        summary_index: 0,
        text,
      });
      emit({
        type: "response.reasoning_summary_part.done",
        sequence_number: 0,
        item_id: id,
        output_index: outputIndex,
        summary_index: 0,
        part: summaryPart,
      });
    }
    const item = reasoningItem(
      id,
      summary,
      [part],
      this.encrypted ? encodeReasoningContent(text) : undefined,
    );
    emit({ type: "response.output_item.done", sequence_number: 0, output_index: outputIndex, item });
    return item;
  }
}

/** Appends a `reasoning` item: its text is replayed on the next assistant message when `replayReasoning` is on. */
export const convertReasoningItem: InputItemConverter = (input, conversion) => {
  if (!conversion.replayReasoning) return;
  const text = reasoningText(input as ReasoningInputItem);
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
};
