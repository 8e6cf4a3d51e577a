/**
 * A guard run on a request body's text before `JSON.parse`: one pass that counts the JSON values the
 * body holds and how deep it nests, skipping over string contents with native `indexOf`, so its cost
 * follows the body's structure, not its size. A body over either bound is a 400 before any object is
 * built: parsing, validating and translating a body costs time proportional to its values, and all of
 * it runs on the event loop other clients share.
 */
import { invalidRequest } from "./errors.js";

/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 128;

/**
 * Most JSON values (array elements and object members, counted together) in one request body. Real
 * requests hold far fewer: a long Codex session (a few thousand input items) holds a few tens of thousands, and 10,000 input items (the default cap) about 100,000.
 */
export const MAX_JSON_VALUES = 250_000;

/** Character codes of JSON's structural characters (shared by the guard and the sliced parser). */
export const QUOTE = 34;
export const BACKSLASH = 92;
export const COLON = 58;
export const COMMA = 44;
export const OPEN_OBJECT = 123;
export const CLOSE_OBJECT = 125;
export const OPEN_ARRAY = 91;
export const CLOSE_ARRAY = 93;

/** Index of the quote that ends the string opened at `start`, or -1 (native `indexOf` over the contents). */
export function endOfString(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    at = text.indexOf('"', at);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return at;
    at++;
  }
}

/** Where one pass of the guard over a text stands: the next character to look at, and the counts so far. */
export interface JsonShapeScan {
  index: number;
  depth: number;
  values: number;
  /** The top-level field being scanned (named in the 400), once one is. */
  field: string | null;
}

/** A pass of the guard from the start of a text. */
export function startJsonShapeScan(): JsonShapeScan {
  return { index: 0, depth: 0, values: 0, field: null };
}

/**
 * One step of the guard: scans `text` from `scan.index` for at most `steps` tokens (a string counts as
 * one), updating `scan`; `scan.index` is the text's length once it is done. Throws the guard's 400s.
 */
export function scanJsonShape(
  text: string,
  scan: JsonShapeScan,
  maxDepth: number,
  maxValues: number,
  steps: number,
): void {
  let { depth, values, field } = scan;
  const length = text.length;
  let index = scan.index;
  for (let left = steps; index < length && left > 0; index++, left--) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const end = endOfString(text, index);
      // An unterminated string: malformed, left to `JSON.parse`.
      if (end < 0) {
        index = length;
        break;
      }
      if (depth === 1) {
        let next = end + 1;
        while (next < length && text.charCodeAt(next) <= 32) next++;
        if (text.charCodeAt(next) === COLON) field = text.slice(index + 1, Math.min(end, index + 65));
      }
      index = end;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      depth++;
      values++;
      if (depth > maxDepth) {
        throw invalidRequest(
          `The request body is nested too deeply: at most ${maxDepth} levels are accepted.`,
          field,
        );
      }
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
    } else if (code === COMMA) {
      values++;
    }
    if (values > maxValues) {
      throw invalidRequest(
        `The request body holds too many JSON values: at most ${maxValues} array elements and object members are accepted.`,
        depth === 0 ? null : field,
        "too_many_values",
      );
    }
  }
  scan.index = index;
  scan.depth = depth;
  scan.values = values;
  scan.field = field;
}

/**
 * Throws a 400 when `text` nests deeper than `maxDepth` or holds more than `maxValues` values, naming
 * the top-level field where the bound was crossed in `param`. Malformed JSON is left to `JSON.parse`.
 */
export function assertJsonShape(
  text: string,
  maxDepth: number = MAX_JSON_DEPTH,
  maxValues: number = MAX_JSON_VALUES,
): void {
  scanJsonShape(text, startJsonShapeScan(), maxDepth, maxValues, Number.POSITIVE_INFINITY);
}
