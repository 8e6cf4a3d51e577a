/**
 * Validation of `POST /v1/responses` bodies. The zod schema is built on first use and cached,
 * so importing the core costs nothing until the first request.
 *
 * Policy:
 * - The top level is loose: unknown fields are kept and ignored, so newer clients keep working.
 * - Every field OpenAI documents is checked for its type. Enums the bridge acts on (roles, content
 *   part types, `tool_choice`, `text.format.type`, `truncation`) are checked for their values; enums
 *   the bridge only echoes (`reasoning.effort`, `service_tier`, `include` entries...) are checked as
 *   strings, so a value added by OpenAI tomorrow is not rejected.
 * - Input items, content parts and tools are dispatched on `type` through the registries below: to
 *   support a new item type, add its schema to {@link inputItemSchemas} (and its unit to
 *   `translate/items/`, see CONTRIBUTING.md).
 * - Item and tool types the bridge does not know (hosted tool calls such as `web_search_call`, types
 *   added by OpenAI tomorrow) are accepted unchecked: the translator leaves them out with a warning
 *   (real clients echo such items, and a 400 would end their session). Known types are checked, so a
 *   clearly malformed item (a `function_call` without `call_id`, a `reasoning` whose `summary` is not an
 *   array, an `item_reference` without `id`) is still a 400. Unknown content part types are a 400 too:
 *   leaving out part of a message would silently change what the model is asked.
 * - Work is bounded: counts are capped before the schema runs (see `request-limits.ts`), and arrays and
 *   records stop at their first bad element, so an invalid body of any size costs no more than a valid one.
 * - The first problem found becomes an {@link invalidRequest} error whose `param` is the JSON path
 *   joined by "." (`input.2.content`) and whose message follows OpenAI's wording.
 */
import * as z from "zod/mini";
import { invalidRequest, type ResponsesBridgeError } from "../errors.js";
import type { ResponsesRequest } from "../types.js";
import {
  inputItemSchemas,
  metadataSchema,
  textSchema,
  toolChoiceSchema,
  toolSchemas,
} from "./item-schemas.js";
import { checkRequestLimits, type RequestLimits } from "./request-limits.js";
import {
  arrayOf,
  decimal,
  defaultItemType,
  dispatchOnType,
  expecting,
  integer,
  nonEmptyString,
  optionalBoolean,
  optionalString,
  recordOf,
  type Schema,
} from "./schema-helpers.js";
import { describeValue, issueToError } from "./zod-issue-to-error.js";

export { defaultItemType };

/**
 * Validates a parsed JSON body as a Responses API create request.
 *
 * Unknown top-level fields and unknown fields inside items are kept and ignored. Input items are
 * returned as the very objects the caller passed (no copy).
 *
 * @param body - The request body, already parsed from JSON.
 * @param limits - Caps on counts (input items, tools, content parts...), merged over the defaults.
 * @returns The body, typed as `ResponsesRequest` (`ResponseCreateParams` plus the fields OpenAI
 *   accepts that the SDK does not type yet).
 * @throws {ResponsesBridgeError} 400 `invalid_request_error` for a body that is not an object, a count
 *   over a limit, or a field of the wrong type or value; `param` names the offending field
 *   (`input.2.content`), or is null when the body itself is wrong.
 */
export function parseResponsesRequest(body: unknown, limits?: RequestLimits): ResponsesRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest(
      `Invalid request body: expected a JSON object, but got ${describeValue(body)} instead.`,
      null,
      "invalid_type",
    );
  }
  checkRequestLimits(body as Record<string, unknown>, limits);
  const parsed = parseRequestFields(body as Record<string, unknown>);
  if (parsed.error) throw parsed.error;
  return parsed.data;
}

/** What {@link parseRequestFields} makes of a body: its value, or the 400 of its first bad field. */
export type ParsedFields =
  | { data: ResponsesRequest; error?: undefined; field?: undefined }
  | { data?: undefined; error: ResponsesBridgeError; field: string };

/**
 * What `getRequestSchema().safeParse(body)` does, one field at a time: only the fields the body has are
 * parsed (a small request names four or five of the schema's 34, and zod's object runs every one of
 * them, present or not, at one payload object each). Fields are checked in the schema's order and the
 * first problem is returned, which is the first issue the whole-object parse reports; unknown fields are
 * kept as they are, after the known ones, and `__proto__` is dropped, as zod's loose object does. The
 * limits are not checked here (see {@link parseResponsesRequest}).
 */
export function parseRequestFields(body: Record<string, unknown>): ParsedFields {
  const { shape, keys, required } = getRequestFields();
  const data: Record<string, unknown> = {};
  for (const key of keys) {
    if (!(key in body) && !required.has(key)) continue;
    const result = (shape[key] as Schema).safeParse(body[key]);
    if (!result.success) {
      const issue = result.error.issues[0];
      const error = issue ? issueToError(issue, body, [key]) : invalidRequest("Invalid request body.", key);
      return { error, field: key };
    }
    data[key] = result.data;
  }
  for (const key in body) {
    if (key !== "__proto__" && !Object.hasOwn(shape, key)) data[key] = body[key];
  }
  return { data: data as ResponsesRequest };
}

/** The request schema's fields: each field's schema, their order, and the ones a body must have. */
interface RequestFields {
  shape: Record<string, Schema>;
  keys: readonly string[];
  required: ReadonlySet<string>;
}

let requestFields: RequestFields | undefined;
let requestSchema: Schema | undefined;
let inputItemSchema: Schema | undefined;

/** The request schema's fields, built on first use. */
function getRequestFields(): RequestFields {
  if (requestFields) return requestFields;
  const shape = buildRequestShape();
  const keys = Object.keys(shape);
  // A field is required when its schema rejects `undefined` (today only `model`).
  const required = new Set(keys.filter((key) => !(shape[key] as Schema).safeParse(undefined).success));
  requestFields = { shape, keys, required };
  return requestFields;
}

/** The request schema's top-level fields, in the order they are checked (the first problem is reported). */
export function requestFieldOrder(): readonly string[] {
  return getRequestFields().keys;
}

/**
 * The request schema, built on first use: a loose object of {@link getRequestFields}' fields. The
 * reference {@link parseRequestFields} agrees with (the tests compare them); requests are checked field
 * by field.
 */
export function getRequestSchema(): Schema {
  requestSchema ??= z.looseObject(getRequestFields().shape);
  return requestSchema;
}

/** The schema of one `input` item, as the request schema checks each (for `validate-in-slices.ts`). */
export function getInputItemSchema(): Schema {
  getRequestFields();
  return inputItemSchema!;
}

function buildRequestShape(): Record<string, Schema> {
  const tool = dispatchOnType(toolSchemas(), { unknown: "accept" });
  const inputItem = dispatchOnType(inputItemSchemas(tool), {
    defaultType: defaultItemType,
    unknown: "accept",
  });
  inputItemSchema = inputItem;
  return {
    model: nonEmptyString(),
    input: z.optional(
      z.union([z.string(), arrayOf(inputItem)], expecting("a string or an array of input items")),
    ),
    instructions: optionalString(),
    tools: z.nullish(arrayOf(tool)),
    tool_choice: z.nullish(toolChoiceSchema()),
    parallel_tool_calls: optionalBoolean(),
    max_tool_calls: z.nullish(integer(0)),
    temperature: z.nullish(decimal(0, 2)),
    top_p: z.nullish(decimal(0, 1)),
    presence_penalty: z.nullish(decimal(-2, 2)),
    frequency_penalty: z.nullish(decimal(-2, 2)),
    top_logprobs: z.nullish(integer(0, 20)),
    // OpenAI rejects values below 16; chat backends accept any positive count, and small limits
    // are handy for tests and cheap probes, so the bridge only requires a positive integer.
    max_output_tokens: z.nullish(integer(1)),
    user: optionalString(),
    safety_identifier: optionalString(),
    metadata: z.nullish(metadataSchema()),
    store: optionalBoolean(),
    stream: optionalBoolean(),
    stream_options: z.nullish(z.looseObject({ include_obfuscation: optionalBoolean() })),
    background: optionalBoolean(),
    reasoning: z.nullish(
      z.looseObject({
        effort: optionalString(),
        summary: optionalString(),
        generate_summary: optionalString(),
      }),
    ),
    text: z.nullish(textSchema()),
    truncation: z.nullish(z.enum(["auto", "disabled"])),
    // Server-side compaction (compaction/context-management.ts); 'compaction' is the one entry type.
    context_management: z.nullish(
      arrayOf(
        z.looseObject({
          type: z.enum(["compaction"]),
          compact_threshold: z.nullish(integer(1)),
        }),
      ),
    ),
    include: z.nullish(arrayOf(z.string())),
    previous_response_id: optionalString(),
    conversation: z.nullish(
      z.union(
        [z.string(), z.looseObject({ id: z.string() })],
        expecting("a string or a conversation object"),
      ),
    ),
    prompt: z.nullish(
      z.looseObject({
        id: z.string(),
        variables: z.nullish(recordOf(z.unknown())),
        version: optionalString(),
      }),
    ),
    prompt_cache_key: optionalString(),
    prompt_cache_retention: optionalString(),
    service_tier: optionalString(),
    client_metadata: z.nullish(recordOf(z.unknown())),
  };
}
