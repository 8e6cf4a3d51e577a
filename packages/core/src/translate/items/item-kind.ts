/**
 * What one Responses item kind brings to the translator: how an item of that kind in the input becomes chat
 * messages ({@link InputItemConverter}), and, for tool calls, how a chat tool call streams out as an item of
 * that kind ({@link ToolCallKind}). Each kind lives in one file of this folder; `registry.ts` lists them.
 */
import type { ResponseInputItem, ResponseOutputItem } from "openai/resources/responses/responses";
import type { ItemStatus } from "../output-items.js";
import type { Emit, ItemIdPrefix } from "../reply/reply-options.js";
import type { InputConversion } from "../request/input-conversion.js";

/** Converts one input item of a given type; `param` is the item's JSON path for error messages. */
export type InputItemConverter = (
  item: ResponseInputItem,
  conversion: InputConversion,
  param: string,
) => void;

/** A tool call item being streamed, as its kind sees it once the item is announced. */
export interface ToolCallItemInfo {
  id: string;
  callId: string;
  outputIndex: number;
  /** The Responses tool name (a namespaced function's own name). */
  name: string;
  namespace: string | undefined;
  /** The backend sent a native chat custom tool call (its pieces are the raw input, not JSON arguments). */
  nativeCustom: boolean;
}

/** The per-call stream of a tool call kind: its delta events, its done events, its item. */
export interface ToolCallStream {
  /** Appends the delta events (if any) of one piece of arguments. */
  delta(piece: string, emit: Emit): void;
  /** Appends the done events for the complete arguments; returns the item's final payload. */
  done(args: string, emit: Emit): string;
  /** The item with `payload` (`""` while in progress) and `status`. */
  build(payload: string, status: ItemStatus): ResponseOutputItem;
}

/** How a chat tool call streams out as a Responses item of one kind. */
export interface ToolCallKind {
  /** Id prefix of the items. */
  prefix: ItemIdPrefix;
  /** The stream state of one call, created when its item is announced. */
  start(info: ToolCallItemInfo): ToolCallStream;
}
