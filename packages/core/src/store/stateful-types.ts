/**
 * The optional stateful parts of a {@link ResponseStore}: conversations (the Conversations API) and turn
 * logs (background responses, resumable streams, cancel and leases across instances).
 */
import type { ResponseInputItem } from "openai/resources/responses/responses";
import type { StoreScope } from "./scope.js";

/** A conversation as the Conversations API shows it (`object: "conversation"`). */
export interface StoredConversation {
  /** The conversation id (`conv_…`). */
  id: string;
  /** Unix seconds. */
  created_at: number;
  /** Up to 16 string pairs, as on OpenAI. */
  metadata: Record<string, string>;
}

/**
 * One item of a conversation: any Responses input or output item, always with an `id` (the bridge
 * assigns one to items sent without).
 */
export type ConversationItem = ResponseInputItem & { id: string };

/**
 * Conversations, tenant-scoped like every store operation. All methods are async so remote stores fit.
 * Items are kept in the order they were added; pagination is done by the handler.
 */
export interface ConversationStore {
  /** Creates a conversation with its first items (may be empty). */
  create(
    conversation: StoredConversation,
    items: readonly ConversationItem[],
    scope?: StoreScope,
  ): Promise<void>;
  /** The conversation, or undefined when it does not exist, expired, or belongs to another scope. */
  get(id: string, scope?: StoreScope): Promise<StoredConversation | undefined>;
  /** Replaces the conversation's metadata; resolves false when the conversation does not exist. */
  update(conversation: StoredConversation, scope?: StoreScope): Promise<boolean>;
  /** Removes the conversation and its items; resolves true when something was removed. */
  delete(id: string, scope?: StoreScope): Promise<boolean>;
  /** Every item, oldest first; undefined when the conversation does not exist. */
  listItems(id: string, scope?: StoreScope): Promise<ConversationItem[] | undefined>;
  /** Appends items at the end; resolves false (and adds nothing) when the conversation does not exist. */
  addItems(id: string, items: readonly ConversationItem[], scope?: StoreScope): Promise<boolean>;
  /** Removes one item; resolves true when it was there. */
  deleteItem(id: string, itemId: string, scope?: StoreScope): Promise<boolean>;
}

/** What a turn log knows about a turn. */
export type TurnState =
  /** Running, on this instance or another whose lease is fresh. */
  | "running"
  /** Ended: its last event is in the log. */
  | "ended"
  /** Started but never ended, and its lease expired: the instance running it is gone. */
  | "lost";

/** Why a running turn was told to stop. */
export type TurnStopReason = "cancelled" | "lease_lost";

/** The running side of a turn log: held by the instance that runs the turn. */
export interface TurnWriter {
  /**
   * Appends SSE text (one or more whole `event:`/`data:` frames with contiguous `sequence_number`s, in
   * order). Appends are applied in call order; a failure is reported by the promise. An in-process log may
   * append synchronously and return nothing.
   */
  append(text: string): void | Promise<void>;
  /** Marks the log ended (after its terminal event, if any) and releases the lease. */
  end(): void | Promise<void>;
  /** Aborted when the turn must stop: cancelled from any instance, or the lease was lost. */
  readonly signal: AbortSignal;
  /** Why `signal` was aborted, once it was. */
  readonly stopReason: TurnStopReason | undefined;
}

/** Options of {@link TurnLog.read}. */
export interface TurnReadOptions {
  /** Replay the events whose `sequence_number` is greater than this (-1: from the start). */
  startingAfter: number;
  /** Stops following when aborted (the reader went away). */
  signal: AbortSignal;
}

/**
 * The events of turns while they run (and for a while after), shared by every instance that uses the
 * store: resume a stream from any sequence number, cancel a turn from any instance, and find turns
 * whose instance died (leases).
 */
export interface TurnLog {
  /** Starts the log of a turn and takes its lease; the returned writer keeps the lease fresh until `end()`. */
  begin(id: string, scope?: StoreScope): Promise<TurnWriter>;
  /**
   * SSE text of the events after `startingAfter`, then of events appended later, until the log ends (or
   * the turn is lost, or `signal` aborts). Undefined when there is no log for `id`.
   */
  read(id: string, options: TurnReadOptions, scope?: StoreScope): Promise<AsyncIterable<string> | undefined>;
  /** Asks the instance running the turn to stop. Resolves false when no running turn has that id. */
  cancel(id: string, scope?: StoreScope): Promise<boolean>;
  /** The turn's state, or undefined when there is no log for it. */
  state(id: string, scope?: StoreScope): Promise<TurnState | undefined>;
  /**
   * Ends the log of a lost turn with the SSE text `frame` returns for the next sequence number (the
   * handler closes a turn whose instance died with a `response.failed` event). Resolves false, and
   * appends nothing, when the log is not lost (it ended, or another instance closed it first).
   */
  closeLost(id: string, frame: (sequenceNumber: number) => string, scope?: StoreScope): Promise<boolean>;
}
