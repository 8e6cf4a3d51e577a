import type { ResponseOutputItem } from "openai/resources/responses/responses";
import type { ToolBindings, TranslationEnvironment } from "../../types.js";
import type { ToolCallStream } from "../items/item-kind.js";
import { toolCallKinds } from "../items/registry.js";
import type { ItemStatus } from "../output-items.js";
import { type Emit, fallbackCallId, newItemId } from "./reply-options.js";

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
 * One chat tool call (keyed by its chat `index`), announced as an output item once its name is known. What
 * the item is and which events carry its arguments is up to its kind (`items/function-call.ts`,
 * `items/custom-tool-call.ts`, `items/local-shell-call.ts`), chosen by the tool binding of its name (a native
 * chat custom call is always a `custom_tool_call`). Arguments that arrive before the name are buffered.
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
  /** The arguments (or native custom input) received so far. */
  private args = "";
  private stream: ToolCallStream | undefined;

  constructor(readonly index: number) {}

  /** True once the output item was announced. */
  get opened(): boolean {
    return this.outputIndex >= 0;
  }

  /** Appends `response.output_item.added` and the events for what was buffered before the name arrived. */
  open(context: ToolCallContext, outputIndex: number, emit: Emit): void {
    const chatName = this.chatName ?? "";
    const binding = context.tools?.get(chatName);
    const kind = toolCallKinds[this.nativeCustom ? "custom" : (binding?.kind ?? "function")];
    this.id = newItemId(context.environment, kind.prefix);
    if (this.callId === undefined || context.usedCallIds.has(this.callId)) {
      this.callId = fallbackCallId(context.responseId, this.index);
    }
    context.usedCallIds.add(this.callId);
    this.outputIndex = outputIndex;
    const stream = kind.start({
      id: this.id,
      callId: this.callId,
      outputIndex,
      name: binding?.name ?? chatName,
      namespace: binding && "namespace" in binding ? binding.namespace : undefined,
      nativeCustom: this.nativeCustom,
    });
    this.stream = stream;
    emit({
      type: "response.output_item.added",
      sequence_number: 0,
      output_index: outputIndex,
      item: stream.build("", "in_progress"),
    });
    const buffered = this.args;
    this.args = "";
    if (buffered.length > 0) this.append(buffered, emit);
  }

  /** Appends a piece of arguments (or native custom input). Before the item is announced it is buffered. */
  append(piece: string, emit: Emit): void {
    if (piece.length === 0) return;
    this.args += piece;
    this.stream?.delta(piece, emit);
  }

  /** Appends the done events and returns the finished item. */
  close(status: ItemStatus, emit: Emit): ResponseOutputItem {
    const stream = this.stream!;
    const item = stream.build(stream.done(this.args, emit), status);
    this.item = item;
    emit({ type: "response.output_item.done", sequence_number: 0, output_index: this.outputIndex, item });
    return item;
  }
}
