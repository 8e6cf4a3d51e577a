import type { IdPrefix } from "./types.js";

const hex: string[] = Array.from({ length: 256 }, (_, index) => index.toString(16).padStart(2, "0"));
const ID_BYTES = 24;
// Random bytes are drawn 128 ids at a time: one `getRandomValues` call instead of one per id.
const pool = new Uint8Array(ID_BYTES * 128);
let offset = pool.length;

/**
 * A new id such as `resp_0f3a…`: the prefix, an underscore and 192 random bits (48 hex digits)
 * from the Web Crypto API, so ids are unguessable. Every byte is used once.
 */
export function generateId(prefix: IdPrefix): string {
  if (offset === pool.length) {
    crypto.getRandomValues(pool);
    offset = 0;
  }
  let out = `${prefix}_`;
  const end = offset + ID_BYTES;
  for (let index = offset; index < end; index++) out += hex[pool[index]!];
  offset = end;
  return out;
}

/** True when `value` looks like an id this bridge (or OpenAI) issued with the given prefix. */
export function isWellFormedId(value: string, prefix: IdPrefix): boolean {
  return value.length <= 128 && value.startsWith(`${prefix}_`) && /^[A-Za-z0-9_-]+$/.test(value);
}
