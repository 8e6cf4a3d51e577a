import { invalidRequest } from "../errors.js";
import type { ConversationItem } from "../store/stateful-types.js";
import type {
  ResponseInputItem,
  ResponseObject,
  ResponseStore,
  ResponsesRequest,
  StoredResponse,
  StoreScope,
} from "../types.js";
import { checkConversationId, conversationNotFound, conversationsOf } from "./conversations-endpoint.js";

/** Extras a turn can be started with, besides its request (background turns, resumable streams). */
export interface TurnOptions {
  /** The response id to use, when the caller chose it before the turn started. */
  responseId?: string;
  /** The turn runs in the background (`background: true` is accepted only then). */
  background?: boolean;
  /**
   * Called once the request is valid and its history loaded, before the upstream is called, with the
   * initial Response object and the turn's own input items (item references resolved). A rejection
   * fails the request.
   */
  onStart?: (response: ResponseObject, input: ResponseInputItem[]) => void | Promise<void>;
}

/** The conversation a request names (`conversation: "conv_…"` or `{ id: "conv_…" }`), or undefined. */
export function conversationIdOf(request: ResponsesRequest): string | undefined {
  const value = (request as { conversation?: unknown }).conversation;
  if (value === undefined || value === null) return undefined;
  const id = typeof value === "string" ? value : (value as { id?: unknown }).id;
  if (typeof id !== "string") {
    throw invalidRequest("Invalid 'conversation': expected a conversation id or { id }.", "conversation");
  }
  checkConversationId(id, "conversation");
  return id;
}

/**
 * Checks `background` and `conversation` against each other, `store` and `previous_response_id`, and
 * against what the store supports. Returns the conversation id, if any.
 */
export function checkStatefulRequest(
  request: ResponsesRequest,
  store: ResponseStore,
  turn: TurnOptions,
): string | undefined {
  if (request.background === true && !turn.background) {
    // Background turns are started by the handler's background runner; this path cannot run one.
    throw invalidRequest(
      "Background responses are not supported here.",
      "background",
      "unsupported_parameter",
    );
  }
  const conversationId = conversationIdOf(request);
  if (conversationId === undefined) return undefined;
  if (request.previous_response_id) {
    throw invalidRequest(
      "Mutually exclusive parameters: Ensure you are only providing one of: 'previous_response_id' or 'conversation'.",
      "conversation",
      "mutually_exclusive_parameters",
    );
  }
  conversationsOf(store, "conversation");
  return conversationId;
}

/** The items of the conversation, oldest first, as the turn's history; a 404 when it does not exist. */
export async function conversationHistory(
  store: ResponseStore,
  conversationId: string,
  scope: StoreScope | undefined,
): Promise<ResponseInputItem[]> {
  const items = await conversationsOf(store, "conversation").listItems(conversationId, scope);
  if (!items) throw conversationNotFound(conversationId);
  return items;
}

/** Appends a finished turn (its input items, then its output items) to its conversation. */
export async function appendTurnToConversation(
  store: ResponseStore,
  conversationId: string,
  record: StoredResponse,
  scope: StoreScope | undefined,
): Promise<void> {
  const items = [...record.input, ...record.response.output] as ConversationItem[];
  const added = await conversationsOf(store, "conversation").addItems(conversationId, items, scope);
  if (!added) throw conversationNotFound(conversationId);
}
