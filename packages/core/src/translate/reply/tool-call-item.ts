import type { ResponseOutputItem } from "openai/resources/responses/responses";
import type { ToolBindings, TranslationEnvironment } from "../../types.js";
import {
  customToolCallItem,
  functionCallItem,
  type ItemStatus,
  localShellCallItem,
} from "../output-items.js";
import { CustomToolInputExtractor } from "./custom-tool-input.js";
import { emptyLocalShellAction, parseLocalShellAction } from "./local-shell-action.js";
import { type Emit, fallbackCallId, newItemId } from "./reply-options.js";

/** What a chat tool call becomes. */
export type ToolCallKind = "function" | "custom" | "local_shell";

/** What a tool call needs from the translator when its item is announced. */
export interface ToolCallContext {
  environment: TranslationEnvironment;
  tools: ToolBindings | undefined;
  responseId: string;
  /**
   * Call ids already used in this conversation: earlier turns and this response (a backend that repeats
   * an id gets a generated one).
   */
  usedCallIds: Set<string>;
}

/**
 * One chat tool call (keyed by its chat `index`), announced as an output item once its name is known:
 * - `function_call` (`fc_…`): arguments streamed with `response.function_call_arguments.delta/.done`;
 *   a binding with a `namespace` restores the original `name` and sets `namespace`.
 * - `custom_tool_call` (`ctc_…`): a call of a `custom` tool, offered to the backend as a function with one
 *   string parameter (or natively, `type: "custom"`); the raw input is decoded from the JSON arguments as
 *   they arrive and streamed with `response.custom_tool_call_input.delta/.done`.
 * - `local_shell_call` (`lsh_…`): announced with an empty `exec` action; the action is parsed from the
 *   complete arguments when the call ends, so there are no argument delta events for it.
 *
 * A missing call id, or one already used in the conversation (an earlier turn, see `collectCallIds`, or
 * another call of this response: clients reject duplicates), is replaced by a stable `call_…` id derived from the response id and the index.
 */
export class ToolCallState {
  /** The item id, set by {@link ToolCallState.open}. */
  id = "";
  /** The backend's call id, once seen. */
  callId: string | undefined;
  /** The chat function name, once seen. */
  chatName: string | undefined;
  /** Output position, -1 until the item is announced. */
  outputIndex = -1;
  /** The call is a native chat custom tool call (its pieces are the raw input, not JSON). */
  nativeCustom = false;
  /** Finished item, once closed. */
  item: ResponseOutputItem | undefined;
  private kind: ToolCallKind = "function";
  private name = "";
  private namespace: string | undefined;
  /** The arguments (or native custom input) received so far. */
  private args = "";
  private extractor: CustomToolInputExtractor | undefined;

  constructor(readonly index: number) {}

  /** True once the output item was announced. */
  get opened(): boolean {
    return this.outputIndex >= 0;
  }

  /** Appends `response.output_item.added` and the events for what was buffered before the name arrived. */
  open(context: ToolCallContext, outputIndex: number, emit: Emit): void {
    const chatName = this.chatName ?? "";
    const binding = context.tools?.get(chatName);
    this.kind = this.nativeCustom ? "custom" : (binding?.kind ?? "function");
    this.name = binding?.name ?? chatName;
    this.namespace = binding && "namespace" in binding ? binding.namespace : undefined;
    const prefix = this.kind === "function" ? "fc" : this.kind === "custom" ? "ctc" : "lsh";
    this.id = newItemId(context.environment, prefix);
    if (this.callId === undefined || context.usedCallIds.has(this.callId)) {
      this.callId = fallbackCallId(context.responseId, this.index);
    }
    context.usedCallIds.add(this.callId);
    this.outputIndex = outputIndex;
    if (this.kind === "custom" && !this.nativeCustom) this.extractor = new CustomToolInputExtractor();
    emit({
      type: "response.output_item.added",
      sequence_number: 0,
      output_index: outputIndex,
      item: this.build("", "in_progress"),
    });
    const buffered = this.args;
    this.args = "";
    if (buffered.length > 0) this.append(buffered, emit);
  }

  /** Appends a piece of arguments (or native custom input). Before the item is announced it is buffered. */
  append(piece: string, emit: Emit): void {
    if (piece.length === 0) return;
    this.args += piece;
    if (!this.opened) return;
    if (this.kind === "function") {
      emit({
        type: "response.function_call_arguments.delta",
        sequence_number: 0,
        item_id: this.id,
        output_index: this.outputIndex,
        delta: piece,
      });
    } else if (this.kind === "custom") {
      const text = this.extractor ? this.extractor.push(piece) : piece;
      if (text.length > 0) this.inputDelta(text, emit);
    }
  }

  private inputDelta(delta: string, emit: Emit): void {
    emit({
      type: "response.custom_tool_call_input.delta",
      sequence_number: 0,
      item_id: this.id,
      output_index: this.outputIndex,
      delta,
    });
  }

  private build(payload: string, status: ItemStatus): ResponseOutputItem {
    const callId = this.callId!;
    if (this.kind === "custom")
      return customToolCallItem(this.id, callId, this.name, payload, status, this.namespace);
    if (this.kind === "local_shell") {
      const action = status === "in_progress" ? emptyLocalShellAction() : parseLocalShellAction(payload);
      return localShellCallItem(this.id, callId, action, status);
    }
    return functionCallItem(this.id, callId, this.name, payload, status, this.namespace);
  }

  /** Appends the done events and returns the finished item. */
  close(status: ItemStatus, emit: Emit): ResponseOutputItem {
    const common = { sequence_number: 0, item_id: this.id, output_index: this.outputIndex };
    let payload = this.args;
    if (this.kind === "function") {
      emit({ type: "response.function_call_arguments.done", ...common, arguments: payload });
    } else if (this.kind === "custom") {
      if (this.extractor) {
        const { input, remainder } = this.extractor.finish(payload);
        if (remainder.length > 0) this.inputDelta(remainder, emit);
        payload = input;
      }
      emit({ type: "response.custom_tool_call_input.done", ...common, input: payload });
    }
    const item = this.build(payload, status);
    this.item = item;
    emit({ type: "response.output_item.done", sequence_number: 0, output_index: this.outputIndex, item });
    return item;
  }
}
