/**
 * `JSON.stringify` for values holding long arrays (a chat request's `messages`, a stored turn's input
 * items), in time slices: each element of an array is serialised on its own and the pieces joined, the
 * event loop given back whenever a slice is due. The text equals `JSON.stringify(value)` for plain data
 * (objects, arrays, strings, numbers, booleans, null; `undefined` and functions left out as it does);
 * a value with a `toJSON` method at the top is handed to `JSON.stringify` whole.
 */
import { TimeSlice } from "./time-slice.js";

/** Arrays with at least this many elements are serialised element by element. */
const SLICED_ARRAY_LENGTH = 64;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  );
}

async function stringifyArray(array: readonly unknown[], slice: TimeSlice): Promise<string> {
  const pieces: string[] = new Array(array.length);
  for (let index = 0; index < array.length; index++) {
    pieces[index] = JSON.stringify(array[index]) ?? "null";
    await slice.check();
  }
  return `[${pieces.join(",")}]`;
}

/**
 * `JSON.stringify(value)`, serialising long arrays (the value itself, or the arrays among its own
 * properties) one element at a time, pausing whenever `slice` is due.
 */
export async function stringifyInSlices(value: unknown, slice: TimeSlice = new TimeSlice()): Promise<string> {
  if (Array.isArray(value)) {
    return value.length >= SLICED_ARRAY_LENGTH ? stringifyArray(value, slice) : JSON.stringify(value);
  }
  if (!isPlainObject(value)) return JSON.stringify(value);
  const keys = Object.keys(value);
  if (
    !keys.some((key) => Array.isArray(value[key]) && (value[key] as unknown[]).length >= SLICED_ARRAY_LENGTH)
  ) {
    return JSON.stringify(value);
  }
  const members: string[] = [];
  for (const key of keys) {
    const member = value[key];
    const text =
      Array.isArray(member) && member.length >= SLICED_ARRAY_LENGTH
        ? await stringifyArray(member, slice)
        : JSON.stringify(member);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    await slice.check();
  }
  return `{${members.join(",")}}`;
}
