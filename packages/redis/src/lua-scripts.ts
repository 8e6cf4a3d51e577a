import { createHash } from "node:crypto";

/** A Lua script sent once per Redis process (EVALSHA, falling back to EVAL after a restart or flush). */
export interface LuaScript {
  /** The script text. */
  source: string;
  /** Its SHA-1, for EVALSHA. */
  sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash("sha1").update(source).digest("hex") };
}

/**
 * Walks a chain server-side, newest turn first, in one round trip.
 * KEYS[1]: record key of the newest turn. ARGV[1]: record key prefix of the scope (full key = prefix .. id),
 * ARGV[2]: most hops this call, ARGV[3]: most reply bytes this call (checked after each record).
 * Reply: { state, value1, value2, ... } where state is "end" (reached a turn with no predecessor),
 * "missing" (the last key asked for does not exist), "corrupt" or "more:<id>" (limits reached: call
 * again from that id).
 */
export const CHAIN_SCRIPT: LuaScript = script(`
local prefix = ARGV[1]
local max_hops = tonumber(ARGV[2])
local max_bytes = tonumber(ARGV[3])
local reply = { "" }
local key = KEYS[1]
local bytes = 0
for hop = 1, max_hops do
  local value = redis.call("GET", key)
  if not value then
    reply[1] = "missing"
    return reply
  end
  reply[#reply + 1] = value
  bytes = bytes + #value
  local newline = string.find(value, "\\n", 1, true)
  if not newline then
    reply[1] = "corrupt"
    return reply
  end
  local previous = cjson.decode(string.sub(value, 1, newline - 1))
  if type(previous) ~= "string" then
    reply[1] = "end"
    return reply
  end
  if hop == max_hops or bytes >= max_bytes then
    reply[1] = "more:" .. previous
    return reply
  end
  key = prefix .. previous
end
reply[1] = "end"
return reply
`);

/**
 * Resolves item ids to the records holding them, in one round trip.
 * KEYS: item keys (each holds the id of the record with that item). ARGV[1]: record key prefix of the scope.
 * Reply: { recordId1 or "", …, recordIdN or "", id, value, id, value, … }: first one record id per
 * requested key, then each distinct existing record once.
 */
export const ITEMS_SCRIPT: LuaScript = script(`
local prefix = ARGV[1]
local reply = {}
local records = {}
local seen = {}
for index, key in ipairs(KEYS) do
  local id = redis.call("GET", key)
  if id then
    reply[index] = id
    if not seen[id] then
      seen[id] = true
      local value = redis.call("GET", prefix .. id)
      if value then
        records[#records + 1] = id
        records[#records + 1] = value
      end
    end
  else
    reply[index] = ""
  end
end
for _, entry in ipairs(records) do
  reply[#reply + 1] = entry
end
return reply
`);
