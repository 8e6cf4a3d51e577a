/**
 * A request body's bytes to its JSON value, with the rules of `parseJsonBody`: small bodies in one go
 * (native decoding and `JSON.parse`), bodies over {@link COOPERATIVE_BODY_BYTES} decoded, guarded and
 * parsed in time slices, so that a body of many megabytes does not hold the event loop for the whole
 * of its parse.
 */
import { decodeWhole } from "../bytes.js";
import { invalidRequest } from "../errors.js";
import { assertJsonShape } from "../json-shape.js";
import { JsonSyntaxError, parseJsonInSlices } from "./parse-in-slices.js";
import { assertJsonShapeInSlices } from "./shape-in-slices.js";
import { TimeSlice } from "./time-slice.js";

/** Bodies above this many bytes are decoded and parsed cooperatively (1 MiB). */
export const COOPERATIVE_BODY_BYTES = 1024 * 1024;

/** Bytes decoded per step. */
const DECODE_STEP_BYTES = 1024 * 1024;

/** The 400 for a body that is empty or not JSON (the wording of OpenAI's API). */
export function malformedJson(text: string): ReturnType<typeof invalidRequest> {
  if (text.trim() === "") return invalidRequest("The request body is empty: expected a JSON object.");
  return invalidRequest(
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  );
}

/**
 * Parses a whole request body's text as JSON with the rules of `readJsonBody` (a leading byte-order
 * mark is ignored; an empty or malformed body is a 400; a body nesting deeper than 128 levels or
 * holding more than 250,000 values is a 400 before it is parsed), for adapters that read bodies themselves.
 */
export function parseJsonBody(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  assertJsonShape(json);
  try {
    return JSON.parse(json);
  } catch {
    throw malformedJson(json);
  }
}

/** The UTF-8 text of `parts` (a leading byte-order mark dropped, as `decodeWhole` does), decoded in steps. */
async function decodeInSlices(parts: readonly Uint8Array[], slice: TimeSlice): Promise<string> {
  const decoder = new TextDecoder();
  const pieces: string[] = [];
  for (const part of parts) {
    for (let offset = 0; offset < part.byteLength; offset += DECODE_STEP_BYTES) {
      const step = part.subarray(offset, Math.min(part.byteLength, offset + DECODE_STEP_BYTES));
      pieces.push(decoder.decode(step, { stream: true }));
      await slice.check();
    }
  }
  pieces.push(decoder.decode());
  return pieces.join("");
}

/**
 * Parses a request body given as byte chunks (read in order, `total` bytes in all) as JSON, with the
 * rules and errors of `parseJsonBody` (a leading byte-order mark is ignored; a body nesting deeper than
 * 128 levels or holding more than 250,000 values is a 400 before it is parsed; an empty or malformed body
 * is a 400). A body over 1 MiB is decoded, checked and parsed in slices of a few milliseconds, giving the
 * event loop back between them, so other requests keep being served while it is parsed.
 *
 * @param parts - The body's bytes, in order.
 * @param total - Their total length in bytes.
 */
export async function parseJsonBytes(parts: readonly Uint8Array[], total: number): Promise<unknown> {
  if (total <= COOPERATIVE_BODY_BYTES) return parseJsonBody(decodeWhole(parts, total));
  const slice = new TimeSlice();
  const text = await decodeInSlices(parts, slice);
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  await assertJsonShapeInSlices(json, slice);
  try {
    return await parseJsonInSlices(json, slice);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw malformedJson(json);
    throw error;
  }
}
