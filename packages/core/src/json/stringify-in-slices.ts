/**
 * `JSON.stringify` for values holding long arrays (a chat request's `messages`, a stored turn's input
 * items), in time slices: each element of an array is serialised on its own and the pieces joined, the
 * event loop given back whenever a slice is due. The text equals `JSON.stringify(value)` for plain data
 * (objects, arrays, strings, numbers, booleans, null; `undefined` and functions left out as it does);
 * a value with a `toJSON` method at the top is handed to `JSON.stringify` whole. The text can also be
 * had as UTF-8 bytes ({@link Utf8Pieces}), encoded a batch of pieces at a time, so that no text of the
 * whole size is built nor encoded in one go.
 */
import { TimeSlice } from "./time-slice.js";

/** Arrays with at least this many elements are serialised element by element. */
const SLICED_ARRAY_LENGTH = 64;

/** Where the serialised pieces go, in order. */
export interface TextSink {
  push(text: string): void;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return (
    (prototype === Object.prototype || prototype === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  );
}

const isLongArray = (value: unknown): value is unknown[] =>
  Array.isArray(value) && value.length >= SLICED_ARRAY_LENGTH;

/** Whether {@link stringifyInto} would serialise `value` in pieces: a long array, or an object holding one. */
function holdsLongArray(value: unknown): boolean {
  if (isLongArray(value)) return true;
  if (!isPlainObject(value)) return false;
  for (const key in value) if (Object.hasOwn(value, key) && isLongArray(value[key])) return true;
  return false;
}

async function stringifyArray(array: readonly unknown[], slice: TimeSlice, sink: TextSink): Promise<void> {
  sink.push("[");
  for (let index = 0; index < array.length; index++) {
    if (index > 0) sink.push(",");
    sink.push(JSON.stringify(array[index]) ?? "null");
    await slice.check();
  }
  sink.push("]");
}

/**
 * Pushes the pieces of `JSON.stringify(value)` into `sink`, serialising long arrays (the value itself, or
 * the arrays among its own properties) one element at a time, pausing whenever `slice` is due. Nothing is
 * pushed for a value `JSON.stringify` leaves out (`undefined`, a function).
 */
export async function stringifyInto(value: unknown, sink: TextSink, slice: TimeSlice): Promise<void> {
  if (isLongArray(value)) return stringifyArray(value, slice, sink);
  if (!isPlainObject(value) || !holdsLongArray(value)) {
    const text = JSON.stringify(value);
    if (text !== undefined) sink.push(text);
    return;
  }
  let first = true;
  for (const key of Object.keys(value)) {
    const member = value[key];
    const text = isLongArray(member) ? undefined : JSON.stringify(member);
    if (text === undefined && !isLongArray(member)) continue;
    sink.push(`${first ? "{" : ","}${JSON.stringify(key)}:`);
    first = false;
    if (text === undefined) await stringifyArray(member as unknown[], slice, sink);
    else sink.push(text);
    await slice.check();
  }
  sink.push(first ? "{}" : "}");
}

/**
 * Characters of text gathered before they are joined (and encoded) as one batch: large enough for the
 * batch to be allocated outside the young generation, so that the garbage collector's scavenges do not
 * copy the text over and over while the rest is serialised.
 */
const BATCH_CHARS = 256 * 1024;

/**
 * A {@link TextSink} that joins its pieces into batches of about {@link BATCH_CHARS} characters (a batch
 * ends on a whole piece, so never inside a surrogate pair), each turned into a `T` on its own.
 */
class Batches<T> implements TextSink {
  protected readonly batches: T[] = [];
  private pending: string[] = [];
  private pendingChars = 0;
  /** Characters pushed in all. */
  chars = 0;

  constructor(private readonly convert: (text: string) => T) {}

  push(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    this.chars += text.length;
    if (this.pendingChars >= BATCH_CHARS) this.flush();
  }

  protected flush(): void {
    if (this.pending.length === 0) return;
    this.batches.push(this.convert(this.pending.join("")));
    this.pending = [];
    this.pendingChars = 0;
  }
}

/**
 * Characters from which {@link serializeInSlices} hands out UTF-8 bytes rather than text: encoding a text
 * of many megabytes is one long step for whichever HTTP client does it.
 */
export const BYTES_FROM_CHARS = 1024 * 1024;

/**
 * Characters from which {@link serializeInSlices} gives the event loop back after joining the text: the
 * join is one copy of the whole text, and its reader (the HTTP client encoding it) another.
 */
const PAUSE_FROM_CHARS = 64 * 1024;

/**
 * `JSON.stringify(value)`, serialising long arrays one element at a time, pausing whenever `slice` is due;
 * a text of `bytesFromChars` characters or more comes back as its UTF-8 bytes instead, encoded a batch at
 * a time and joined in steps, so that neither the join nor the encoding is one long step. A value without
 * long arrays (a chat request of a few messages) is one `JSON.stringify`, returned as it is, not as a
 * promise.
 */
export function serializeInSlices(
  value: unknown,
  slice?: TimeSlice,
  bytesFromChars: number = BYTES_FROM_CHARS,
): string | Promise<string | Bytes> {
  if (!holdsLongArray(value)) return JSON.stringify(value);
  return serializeLong(value, slice ?? new TimeSlice(), bytesFromChars);
}

async function serializeLong(
  value: unknown,
  slice: TimeSlice,
  bytesFromChars: number,
): Promise<string | Bytes> {
  const batches = new TextBatches();
  await stringifyInto(value, batches, slice);
  if (batches.chars >= bytesFromChars) return batches.bytes(slice);
  const text = batches.text();
  // The join is one copy of the whole text: when that is long, or the slice is used up, its reader (the
  // HTTP client encoding it) starts on a later macrotask, so the two do not add up to one longer pause.
  if (batches.chars >= PAUSE_FROM_CHARS || slice.due()) await slice.pause();
  return text;
}

class TextBatches extends Batches<string> {
  constructor() {
    super((text) => text);
  }

  /** The batches joined into one flat string (a rope would be flattened by its reader, in a longer step). */
  text(): string {
    this.flush();
    return this.batches.join("");
  }

  /** The UTF-8 bytes of the batches, each encoded on its own, pausing whenever `slice` is due. */
  async bytes(slice: TimeSlice): Promise<Bytes> {
    this.flush();
    const texts = this.batches.splice(0);
    const encoded: Bytes[] = [];
    for (let index = 0; index < texts.length; index++) {
      encoded.push(encoder.encode(texts[index]!));
      // Each batch of text is released once encoded: the text and its bytes never coexist whole.
      texts[index] = "";
      await slice.check();
    }
    return joinBytes(encoded, slice);
  }
}

/** Bytes on an `ArrayBuffer` of their own (what `fetch` bodies and `TextEncoder` use). */
type Bytes = Uint8Array<ArrayBuffer>;

/** Bytes copied into the result between two clock reads. */
const COPY_STEP_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

/**
 * A {@link TextSink} that keeps its text as UTF-8, each batch encoded on its own; `bytes()` joins the
 * batches into one array in steps. Its bytes equal `TextEncoder.encode` of the pieces joined.
 */
export class Utf8Pieces extends Batches<Bytes> {
  constructor() {
    super((text) => encoder.encode(text));
  }

  /** The bytes of everything pushed, joined in steps that pause whenever `slice` is due. */
  bytes(slice: TimeSlice): Promise<Bytes> {
    this.flush();
    return joinBytes(this.batches.splice(0), slice);
  }
}

/** `batches` copied into one array in steps that pause whenever `slice` is due; each is released once copied. */
async function joinBytes(batches: Bytes[], slice: TimeSlice): Promise<Bytes> {
  if (batches.length === 1) return batches[0]!;
  let total = 0;
  for (const batch of batches) total += batch.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  let copied = 0;
  for (let index = 0; index < batches.length; index++) {
    bytes.set(batches[index]!, offset);
    offset += batches[index]!.byteLength;
    copied += batches[index]!.byteLength;
    // Each batch is released once copied: the two copies never coexist whole.
    batches[index] = EMPTY;
    if (copied >= COPY_STEP_BYTES) {
      copied = 0;
      await slice.check();
    }
  }
  return bytes;
}

const EMPTY: Bytes = new Uint8Array(0);
