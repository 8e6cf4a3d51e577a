/**
 * `parseResponsesRequest` for bodies with many input items, in time slices: the rest of the body is
 * checked first (with `input` set aside), then the items a few at a time, giving the event loop back
 * whenever a slice is due, so a body of thousands of items does not hold other clients for the whole of
 * its validation. The outcome is the one `parseResponsesRequest` gives: the same value, and for an
 * invalid body the same first problem (fields are checked in the schema's order, so a bad `model`
 * is reported before a bad item, and a bad item before a bad `tools`).
 */
import { TimeSlice } from "../json/time-slice.js";
import type { MaybePromise } from "../maybe-promise.js";
import type { ResponsesRequest } from "../types.js";
import { checkInputItemLimits, checkRequestLimits, type RequestLimits } from "./request-limits.js";
import {
  getInputItemSchema,
  parseRequestFields,
  parseResponsesRequest,
  requestFieldOrder,
} from "./responses-request.js";
import { issueToError } from "./zod-issue-to-error.js";

/** Bodies with at least this many input items are validated in slices. */
export const SLICED_INPUT_ITEMS = 256;

/** Items checked between two clock reads. */
const ITEMS_PER_CHECK = 16;
/** Items whose counts are checked between two clock reads. */
const ITEMS_PER_LIMIT_CHECK = 256;

/**
 * Validates a parsed JSON body as a Responses API create request, like `parseResponsesRequest` (same
 * result, same 400s), validating a long `input` array in slices that give the event loop back. A body of
 * fewer than {@link SLICED_INPUT_ITEMS} items is validated at once, and its result returned as it is, not
 * as a promise (a request's first step costs no turn of the event loop).
 */
export function validateResponsesRequest(
  body: unknown,
  limits?: RequestLimits,
): MaybePromise<ResponsesRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return parseResponsesRequest(body);
  const items = (body as Record<string, unknown>).input;
  if (!Array.isArray(items) || items.length < SLICED_INPUT_ITEMS) return parseResponsesRequest(body, limits);
  return validateInSlices(body as Record<string, unknown>, items, limits);
}

async function validateInSlices(
  body: Record<string, unknown>,
  items: unknown[],
  limits: RequestLimits | undefined,
): Promise<ResponsesRequest> {
  const slice = new TimeSlice();
  checkRequestLimits(body, limits, true);
  for (let from = 0; from < items.length; from += ITEMS_PER_LIMIT_CHECK) {
    checkInputItemLimits(items, limits ?? {}, from, Math.min(items.length, from + ITEMS_PER_LIMIT_CHECK));
    await slice.check();
  }
  const rest = parseRequestFields({ ...body, input: [] });
  if (rest.error) {
    const order = requestFieldOrder();
    // A problem in a field checked before `input` is the first one.
    if (order.indexOf(rest.field) < order.indexOf("input")) throw rest.error;
  }
  const itemSchema = getInputItemSchema();
  for (let index = 0; index < items.length; index++) {
    const result = itemSchema.safeParse(items[index]);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw issueToError({ ...issue, path: [index, ...issue.path] }, body, ["input"]);
    }
    if (index % ITEMS_PER_CHECK === ITEMS_PER_CHECK - 1) await slice.check();
  }
  if (rest.error) throw rest.error;
  const request = rest.data as Record<string, unknown>;
  request.input = items;
  return request as ResponsesRequest;
}
