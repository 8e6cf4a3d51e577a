/**
 * The stored-turn encoding of `stored-records.ts`, for turns with many items, in time slices: each item
 * is serialised on its own and the event loop given back whenever a slice is due, so storing a turn of
 * thousands of items does not hold other clients for the whole of its `JSON.stringify`.
 */
import { stringifyInSlices } from "../json/stringify-in-slices.js";
import { TimeSlice } from "../json/time-slice.js";
import type { StoredResponse } from "../types.js";
import { encodeStoredResponse } from "./stored-records.js";

/** Turns with at least this many input items are encoded in slices. */
export const SLICED_RECORD_ITEMS = 64;

/** `encodeStoredResponse(record)` (the same string), in slices when the turn holds many input items. */
export async function encodeStoredResponseInSlices(record: StoredResponse): Promise<string> {
  if (record.input.length < SLICED_RECORD_ITEMS) return encodeStoredResponse(record);
  const slice = new TimeSlice();
  const input = await stringifyInSlices(record.input, slice);
  const response = await stringifyInSlices(record.response, slice);
  return `${JSON.stringify(record.previousResponseId)}\n${input}\n${response}`;
}
