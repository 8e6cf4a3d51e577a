/**
 * The stored-turn encoding of `stored-records.ts`, for turns with many items, in time slices: each item
 * is serialised on its own, the text encoded to UTF-8 a batch at a time and the event loop given back
 * whenever a slice is due, so storing a turn of thousands of items does not hold other clients for the
 * whole of its `JSON.stringify` and encoding (and no text of the turn's whole size is built).
 */
import { writeResponseJson } from "../json/response-json.js";
import { stringifyInto, Utf8Pieces } from "../json/stringify-in-slices.js";
import { forEachInSlices, TimeSlice } from "../json/time-slice.js";
import type { StoredResponse, StoreScope } from "../types.js";
import { scopedKey } from "./scope.js";
import { encodeStoredResponse, itemIdsOf } from "./stored-records.js";

/** Turns with at least this many input items are encoded in slices. */
export const SLICED_RECORD_ITEMS = 64;

const encoder = new TextEncoder();

/**
 * The UTF-8 bytes of `encodeStoredResponse(record)`, in slices when the turn holds many input items
 * (`slice`, when given, is the caller's time budget, shared with its other sliced steps).
 */
export async function encodeStoredResponseInSlices(
  record: StoredResponse,
  slice: TimeSlice = new TimeSlice(),
): Promise<Uint8Array> {
  if (record.input.length < SLICED_RECORD_ITEMS) return encoder.encode(encodeStoredResponse(record));
  const sink = new Utf8Pieces();
  sink.push(`${JSON.stringify(record.previousResponseId)}\n`);
  await stringifyInto(record.input, sink, slice);
  sink.push("\n");
  // A Response of a few output items is written as `encodeStoredResponse` writes it (its text kept for
  // the stream's terminal event); one of many output items, in slices.
  if (record.response.output.length < SLICED_RECORD_ITEMS) sink.push(writeResponseJson(record.response));
  else await stringifyInto(record.response, sink, slice);
  return sink.bytes(slice);
}

/** Items indexed between two clock reads. */
const ITEMS_PER_STEP = 256;

/**
 * `itemIdsOf(record)`, each as its key in `scope` (`scopedKey`): at once for a few items, in slices for
 * many. Each key is hashed here (deduplicated through a set), so that indexing them afterwards, in one
 * go, costs little.
 */
export async function itemKeysInSlices(
  record: StoredResponse,
  scope: StoreScope | undefined,
  slice: TimeSlice = new TimeSlice(),
): Promise<string[]> {
  if (record.input.length < SLICED_RECORD_ITEMS) return itemIdsOf(record).map((id) => scopedKey(id, scope));
  const keys = new Set<string>();
  const add = (item: unknown) => {
    const id = (item as { id?: unknown }).id;
    if (typeof id === "string" && id !== "") keys.add(scopedKey(id, scope));
  };
  await forEachInSlices(
    record.input.length,
    ITEMS_PER_STEP,
    (from, to) => {
      for (let index = from; index < to; index++) add(record.input[index]);
    },
    slice,
  );
  for (const item of record.response.output) add(item);
  return [...keys];
}
