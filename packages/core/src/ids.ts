import type { IdPrefix } from "./types.js";

/** Character codes of the hex digits 0-9a-f. */
const HEX_CODES = Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const ID_BYTES = 24;
// Random bytes are drawn 128 ids at a time: one `getRandomValues` call instead of one per id.
const pool = new Uint8Array(ID_BYTES * 128);
let offset = pool.length;
const digits: number[] = new Array(ID_BYTES * 2).fill(0);

/**
 * A new id such as `resp_0f3a…`: the prefix, an underscore and 192 random bits (48 hex digits)
 * from the Web Crypto API, so ids are unguessable. Every byte is used once.
 */
export function generateId(prefix: IdPrefix): string {
  if (offset === pool.length) {
    crypto.getRandomValues(pool);
    offset = 0;
  }
  for (let index = 0; index < ID_BYTES; index++) {
    const byte = pool[offset + index]!;
    digits[2 * index] = HEX_CODES[byte >> 4]!;
    digits[2 * index + 1] = HEX_CODES[byte & 15]!;
  }
  offset += ID_BYTES;
  // One flat string: appending 24 pieces would keep a rope of 25 strings alive per id, costly to the
  // garbage collector when a turn of thousands of input items is given its ids.
  return `${prefix}_${String.fromCharCode(...digits)}`;
}

/** True when `value` looks like an id this bridge (or OpenAI) issued with the given prefix. */
export function isWellFormedId(value: string, prefix: IdPrefix): boolean {
  return value.length <= 128 && value.startsWith(`${prefix}_`) && /^[A-Za-z0-9_-]+$/.test(value);
}
