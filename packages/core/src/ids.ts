import type { IdPrefix } from "./types.js";

const hex: string[] = Array.from({ length: 256 }, (_, index) => index.toString(16).padStart(2, "0"));

/**
 * A new id such as `resp_0f3a…`: the prefix, an underscore and 192 random bits (48 hex digits)
 * from the Web Crypto API, so ids are unguessable.
 */
export function generateId(prefix: IdPrefix): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let out = `${prefix}_`;
  for (const byte of bytes) out += hex[byte];
  return out;
}

/** True when `value` looks like an id this bridge (or OpenAI) issued with the given prefix. */
export function isWellFormedId(value: string, prefix: IdPrefix): boolean {
  return value.length <= 128 && value.startsWith(`${prefix}_`) && /^[A-Za-z0-9_-]+$/.test(value);
}
