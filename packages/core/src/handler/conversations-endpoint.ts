import { invalidRequest, notFound, ResponsesBridgeError } from "../errors.js";
import type { ConversationItem, ConversationStore, StoredConversation } from "../store/stateful-types.js";
import type { ResponseInputItem, ResponseStore, StoreScope, TranslationEnvironment } from "../types.js";
import { identifyInputItems, orderAndLimit } from "./input-items.js";

/** `…/conversations`, `…/conversations/{id}`, `…/conversations/{id}/items`, `…/conversations/{id}/items/{item_id}`. */
export const CONVERSATIONS_ROUTE = /\/conversations(?:\/([^/]+)(\/items(?:\/([^/]+))?)?)?\/?$/;
const CONVERSATION_ID = /^conv_[A-Za-z0-9_-]{1,200}$/;
/** Most items one create call adds, as on OpenAI. */
const MAX_ITEMS_PER_CALL = 20;

/** What the conversations endpoint answers: a status and a JSON body. */
export interface ConversationsAnswer {
  status: number;
  body: unknown;
}

/** The store's conversations, or the 400 a store without them answers. */
export function conversationsOf(store: ResponseStore, param: string | null = null): ConversationStore {
  if (store.conversations) return store.conversations;
  throw invalidRequest(
    "Conversations are not supported by this server's response store; use previous_response_id instead.",
    param,
    "unsupported_parameter",
  );
}

/** Checks a conversation id from a URL or a request body. */
export function checkConversationId(id: string, param: string): void {
  if (!CONVERSATION_ID.test(id)) {
    throw invalidRequest(
      `Invalid '${param}': '${id.slice(0, 64)}'. Expected an ID that begins with 'conv_'.`,
      param,
      "invalid_value",
    );
  }
}

/** The 404 for an unknown conversation (never stored, expired, deleted, or another tenant's). */
export function conversationNotFound(id: string) {
  return notFound(`Conversation with id '${id}' not found.`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** OpenAI's metadata rules: at most 16 pairs, keys up to 64 characters, string values up to 512. */
function parseMetadata(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw invalidRequest("Invalid 'metadata': expected an object.", "metadata");
  const entries = Object.entries(value);
  if (entries.length > 16) {
    throw invalidRequest("Invalid 'metadata': at most 16 key-value pairs are allowed.", "metadata");
  }
  for (const [key, text] of entries) {
    if (key.length > 64) {
      throw invalidRequest(
        `Invalid 'metadata': key '${key.slice(0, 64)}…' is longer than 64 characters.`,
        "metadata",
      );
    }
    if (typeof text !== "string" || text.length > 512) {
      throw invalidRequest(
        `Invalid 'metadata.${key}': expected a string of at most 512 characters.`,
        `metadata.${key}`,
      );
    }
  }
  return { ...(value as Record<string, string>) };
}

/** Items of a create call: an array of at most 20 item objects, given ids where they have none. */
function parseItems(
  value: unknown,
  required: boolean,
  environment: TranslationEnvironment,
): ConversationItem[] {
  if (value === undefined || value === null) {
    if (required)
      throw invalidRequest("Missing required parameter: 'items'.", "items", "missing_required_parameter");
    return [];
  }
  if (!Array.isArray(value)) throw invalidRequest("Invalid 'items': expected an array.", "items");
  if (value.length > MAX_ITEMS_PER_CALL) {
    throw invalidRequest(
      `Invalid 'items': array too long. Expected an array with maximum length ${MAX_ITEMS_PER_CALL}, but got an array with length ${value.length} instead.`,
      "items",
      "array_above_max_length",
    );
  }
  value.forEach((item, index) => {
    if (!isPlainObject(item))
      throw invalidRequest(`Invalid 'items[${index}]': expected an object.`, `items[${index}]`);
  });
  return identifyInputItems(value as ResponseInputItem[], environment.generateId) as ConversationItem[];
}

/** The Conversation object (`object: "conversation"`). */
function conversationObject(conversation: StoredConversation) {
  return {
    id: conversation.id,
    object: "conversation" as const,
    created_at: conversation.created_at,
    metadata: conversation.metadata,
  };
}

/** An item list page: `{ object: "list", data, first_id, last_id, has_more }`. */
function itemList(data: readonly ConversationItem[], hasMore: boolean) {
  return {
    object: "list" as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}

/** Paginates as OpenAI does: `order` `desc` (default) or `asc`, `limit` 1–100 (default 20), `after` an item id. */
export function paginateConversationItems(
  items: readonly ConversationItem[],
  query: URLSearchParams | undefined,
): ReturnType<typeof itemList> {
  const { ordered, limit } = orderAndLimit(items, query);
  let start = 0;
  const after = query?.get("after");
  if (after) {
    const index = ordered.findIndex((item) => item.id === after);
    if (index < 0) throw invalidRequest(`No item with id '${after}' in this conversation.`, "after");
    start = index + 1;
  }
  const data = ordered.slice(start, start + limit);
  return itemList(data, start + limit < ordered.length);
}

/**
 * Serves the Conversations API for one matched route (see {@link CONVERSATIONS_ROUTE}): create, retrieve,
 * update and delete conversations; list, add, retrieve and delete their items. Tenant-scoped by `scope`.
 */
export async function serveConversations(
  store: ResponseStore,
  environment: TranslationEnvironment,
  match: RegExpExecArray,
  method: string,
  body: unknown,
  query: URLSearchParams | undefined,
  scope: StoreScope | undefined,
): Promise<ConversationsAnswer> {
  const conversations = conversationsOf(store);
  const [, id, items, itemId] = match;
  const payload = isPlainObject(body) ? body : {};
  if (body !== undefined && method === "POST" && !isPlainObject(body)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  if (id === undefined) {
    if (method !== "POST") return methodNotAllowed(method);
    const conversation: StoredConversation = {
      id: environment.generateId("conv"),
      created_at: Math.floor(environment.now() / 1000),
      metadata: parseMetadata(payload.metadata),
    };
    await conversations.create(conversation, parseItems(payload.items, false, environment), scope);
    return { status: 200, body: conversationObject(conversation) };
  }
  const conversationId = decode(id, "conversation_id");
  checkConversationId(conversationId, "conversation_id");
  if (items === undefined) {
    if (method === "GET") {
      const conversation = await conversations.get(conversationId, scope);
      if (!conversation) throw conversationNotFound(conversationId);
      return { status: 200, body: conversationObject(conversation) };
    }
    if (method === "POST") {
      const conversation = await conversations.get(conversationId, scope);
      if (!conversation) throw conversationNotFound(conversationId);
      if (!("metadata" in payload)) {
        throw invalidRequest(
          "Missing required parameter: 'metadata'.",
          "metadata",
          "missing_required_parameter",
        );
      }
      const updated = { ...conversation, metadata: parseMetadata(payload.metadata) };
      if (!(await conversations.update(updated, scope))) throw conversationNotFound(conversationId);
      return { status: 200, body: conversationObject(updated) };
    }
    if (method === "DELETE") {
      if (!(await conversations.delete(conversationId, scope))) throw conversationNotFound(conversationId);
      return { status: 200, body: { id: conversationId, object: "conversation.deleted", deleted: true } };
    }
    return methodNotAllowed(method);
  }
  if (itemId === undefined) {
    if (method === "GET") {
      const all = await conversations.listItems(conversationId, scope);
      if (!all) throw conversationNotFound(conversationId);
      return { status: 200, body: paginateConversationItems(all, query) };
    }
    if (method === "POST") {
      const added = parseItems(payload.items, true, environment);
      if (!(await conversations.addItems(conversationId, added, scope))) {
        throw conversationNotFound(conversationId);
      }
      return { status: 200, body: itemList(added, false) };
    }
    return methodNotAllowed(method);
  }
  const wanted = decode(itemId, "item_id");
  if (method === "GET") {
    const all = await conversations.listItems(conversationId, scope);
    if (!all) throw conversationNotFound(conversationId);
    const item = all.find((candidate) => candidate.id === wanted);
    if (!item) throw notFound(`Item with id '${wanted}' not found.`);
    return { status: 200, body: item };
  }
  if (method === "DELETE") {
    const conversation = await conversations.get(conversationId, scope);
    if (!conversation) throw conversationNotFound(conversationId);
    if (!(await conversations.deleteItem(conversationId, wanted, scope))) {
      throw notFound(`Item with id '${wanted}' not found.`);
    }
    return { status: 200, body: conversationObject(conversation) };
  }
  return methodNotAllowed(method);
}

function decode(segment: string, param: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest(`Invalid '${param}' in the URL: malformed percent-encoding.`, param);
  }
}

function methodNotAllowed(method: string): never {
  throw new ResponsesBridgeError(`Method ${method} is not allowed for this conversations URL.`, {
    status: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
  });
}
