/**
 * The JSON guard of `json-shape.ts` (depth and value-count bounds, checked on the text before anything
 * is parsed) run in time slices, for bodies too large to scan in one go without stalling other clients.
 * Same walk, same counts, same errors as `assertJsonShape`.
 */
import { invalidRequest } from "../errors.js";
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from "../json-shape.js";
import type { TimeSlice } from "./time-slice.js";

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

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

/** Characters looked at between two clock reads. */
const STEPS_PER_CHECK = 4096;

/**
 * `assertJsonShape(text, maxDepth, maxValues)`, pausing whenever `slice` is due. Throws the same 400s:
 * nested deeper than `maxDepth`, or more than `maxValues` values, naming the top-level field.
 */
export async function assertJsonShapeInSlices(
  text: string,
  slice: TimeSlice,
  maxDepth: number = MAX_JSON_DEPTH,
  maxValues: number = MAX_JSON_VALUES,
): Promise<void> {
  let depth = 0;
  let values = 0;
  let field: string | null = null;
  let steps = 0;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    if (++steps === STEPS_PER_CHECK) {
      steps = 0;
      await slice.check();
    }
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      const end = endOfString(text, index);
      if (end < 0) return;
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
}
