import { createHash } from "node:crypto";
import type { ConversationItem, ConversationStore, StoredConversation } from "@responses-bridge/core/http";
import type { LuaScript } from "./lua-scripts.js";
import type { RedisPartsContext } from "./redis-parts.js";

function script(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * Appends items when the conversation exists. KEYS[1] conversation, KEYS[2] item list.
 * ARGV[1] TTL in ms (0: none), ARGV[2..] entries. Reply 1 (added) or 0 (no conversation).
 */
const ADD_ITEMS: LuaScript = script(`
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
for index = 2, #ARGV do redis.call("RPUSH", KEYS[2], ARGV[index]) end
local ttl = tonumber(ARGV[1])
if ttl > 0 then
  redis.call("PEXPIRE", KEYS[1], ttl)
  redis.call("PEXPIRE", KEYS[2], ttl)
end
return 1
`);

/**
 * Removes the item whose entry starts with ARGV[1] .. "\\n". KEYS[1] conversation, KEYS[2] item list.
 * Reply 1 (removed) or 0.
 */
const DELETE_ITEM: LuaScript = script(`
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
local head = ARGV[1] .. "\\n"
for _, entry in ipairs(redis.call("LRANGE", KEYS[2], 0, -1)) do
  if string.sub(entry, 1, #head) == head then
    redis.call("LREM", KEYS[2], 1, entry)
    return 1
  end
end
return 0
`);

/** Each item is one list entry: its id, a newline, its JSON (JSON never holds a raw newline). */
function encodeItem(item: ConversationItem): string {
  return `${item.id}\n${JSON.stringify(item)}`;
}

function decodeItem(entry: string): ConversationItem {
  return JSON.parse(entry.slice(entry.indexOf("\n") + 1)) as ConversationItem;
}

/**
 * Conversations on Redis: `{prefix}{tenant}:conv:{id}` holds the conversation's JSON and
 * `{prefix}{tenant}:convitems:{id}` the list of its items, both with the store's TTL (renewed by writes).
 */
export function createRedisConversations(context: RedisPartsContext): ConversationStore {
  const { client, key, bounded, evalScript, ttlMs } = context;
  const expires = ttlMs > 0 && Number.isFinite(ttlMs);
  const ttl = String(expires ? Math.max(1, Math.round(ttlMs)) : 0);

  async function exec(transaction: ReturnType<typeof client.multi>): Promise<unknown[]> {
    const results = await transaction.exec();
    if (!results) throw new Error("Redis aborted the transaction");
    for (const [error] of results) if (error) throw error;
    return results.map(([, value]) => value);
  }

  return {
    async create(conversation, items, scope) {
      const conversationKey = key("conv", conversation.id, scope);
      const itemsKey = key("convitems", conversation.id, scope);
      await bounded(async () => {
        const transaction = client.multi();
        if (expires) transaction.set(conversationKey, JSON.stringify(conversation), "PX", Number(ttl));
        else transaction.set(conversationKey, JSON.stringify(conversation));
        transaction.del(itemsKey);
        if (items.length > 0) {
          transaction.rpush(itemsKey, ...items.map(encodeItem));
          if (expires) transaction.pexpire(itemsKey, Number(ttl));
        }
        await exec(transaction);
      });
    },
    async get(id, scope) {
      const value = await bounded(() => client.get(key("conv", id, scope)));
      return value === null ? undefined : (JSON.parse(value) as StoredConversation);
    },
    async update(conversation, scope) {
      const conversationKey = key("conv", conversation.id, scope);
      const value = JSON.stringify(conversation);
      const result = await bounded(() =>
        expires
          ? client.set(conversationKey, value, "PX", Number(ttl), "XX")
          : client.set(conversationKey, value, "XX"),
      );
      return result === "OK";
    },
    async delete(id, scope) {
      const [removed] = await bounded(async () => {
        const transaction = client.multi();
        transaction.del(key("conv", id, scope));
        transaction.del(key("convitems", id, scope));
        return exec(transaction);
      });
      return Number(removed) > 0;
    },
    async listItems(id, scope) {
      const [exists, entries] = await bounded(async () => {
        const transaction = client.multi();
        transaction.exists(key("conv", id, scope));
        transaction.lrange(key("convitems", id, scope), 0, -1);
        return exec(transaction);
      });
      if (Number(exists) === 0) return undefined;
      return (entries as string[]).map(decodeItem);
    },
    async addItems(id, items, scope) {
      const added = await bounded(() =>
        evalScript(
          ADD_ITEMS,
          [key("conv", id, scope), key("convitems", id, scope)],
          [ttl, ...items.map(encodeItem)],
        ),
      );
      return Number(added) === 1;
    },
    async deleteItem(id, itemId, scope) {
      const removed = await bounded(() =>
        evalScript(DELETE_ITEM, [key("conv", id, scope), key("convitems", id, scope)], [itemId]),
      );
      return Number(removed) === 1;
    },
  };
}
