import type { ResponseReasoningItem } from "openai/resources/responses/responses";
import { reasoningItem } from "../output-items.js";
import { encodeReasoningContent } from "../reasoning-codec.js";
import type { Emit } from "./reply-options.js";

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
