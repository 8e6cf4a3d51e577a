/**
 * The JSON guard of `json-shape.ts` (depth and value-count bounds, checked on the text before anything
 * is parsed) run in time slices, for bodies too large to scan in one go without stalling other clients.
 * The same scanning step as `assertJsonShape`, so the same walk, counts and errors.
 */
import { MAX_JSON_DEPTH, MAX_JSON_VALUES, scanJsonShape, startJsonShapeScan } from "../json-shape.js";
import type { TimeSlice } from "./time-slice.js";

/** Tokens looked at between two clock reads. */
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
  const scan = startJsonShapeScan();
  while (scan.index < text.length) {
    scanJsonShape(text, scan, maxDepth, maxValues, STEPS_PER_CHECK);
    await slice.check();
  }
}
