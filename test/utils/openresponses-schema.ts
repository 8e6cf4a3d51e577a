/**
 * Schema oracle: validates Response objects and streaming events against the Open Responses
 * OpenAPI document vendored in the testkit, `packages/testkit/spec/openresponses-openapi.json` (see
 * `packages/testkit/spec/README.md`). The testkit's dialect-aware validator
 * (`validateOpenResponsesStream`) is the one to use for new tests; this file keeps the throwing helpers.
 *
 * - `validateResponseObject(value)` checks a non-streaming body (or the `response` inside a
 *   terminal event) against `components.schemas.ResponseResource`.
 * - `validateResponseEvent(event)` checks one SSE `data:` payload against the schema for its
 *   `type`, taken from the event list under
 *   `paths["/responses"].post.responses["200"].content["text/event-stream"]`. Event types the spec
 *   does not list (for example `response.custom_tool_call_input.delta`) cannot be validated; they
 *   are reported back as skipped, never silently passed as "valid". A known type is always checked.
 * - `assertValidEventStream(events)` does both for a whole stream and also checks that
 *   `sequence_number` runs 0, 1, 2, ... without gaps.
 *
 * Spec quirks (from the README) to keep in mind when a failure looks odd:
 * `JsonSchemaResponseFormat.schema` is typed `null`; `ResponseResource.metadata` has no type;
 * `Tool` is only `FunctionTool`; `temperature`, `top_p`, `presence_penalty`, `frequency_penalty`,
 * `top_logprobs`, `store`, `background`, `service_tier`, `truncation` and `text` are required and
 * NOT nullable, so a Response must carry concrete values (defaults) for them.
 */
import { readFileSync } from "node:fs";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";

const SPEC_URL = new URL("../../packages/testkit/spec/openresponses-openapi.json", import.meta.url);
const SCHEMA_ID = "openresponses";
const MAX_JSON_IN_MESSAGE = 20_000;

interface SchemaRef {
  $ref: string;
}

interface OpenResponsesSpec {
  components: { schemas: Record<string, { properties?: { type?: { enum?: unknown[] } } }> };
  paths: {
    "/responses": {
      post: {
        responses: { "200": { content: { "text/event-stream": { schema: { oneOf: SchemaRef[] } } } } };
      };
    };
  };
}

interface Oracle {
  ajv: Ajv2020;
  response: ValidateFunction;
  /** Event `type` -> the validator for that event's schema. */
  events: Map<string, { schemaName: string; validate: ValidateFunction }>;
}

let oracle: Oracle | undefined;

/** Compiles the spec once per test worker, on first use. */
function getOracle(): Oracle {
  if (oracle) return oracle;
  const spec = JSON.parse(readFileSync(SPEC_URL, "utf8")) as OpenResponsesSpec;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: SCHEMA_ID, components: spec.components });

  const response = ajv.getSchema(`${SCHEMA_ID}#/components/schemas/ResponseResource`);
  if (!response) throw new Error("ResponseResource schema not found in the Open Responses spec");

  const events = new Map<string, { schemaName: string; validate: ValidateFunction }>();
  const eventRefs = spec.paths["/responses"].post.responses["200"].content["text/event-stream"].schema.oneOf;
  for (const { $ref } of eventRefs) {
    const schemaName = $ref.slice($ref.lastIndexOf("/") + 1);
    const types = spec.components.schemas[schemaName]?.properties?.type?.enum;
    if (types?.length !== 1 || typeof types[0] !== "string") {
      throw new Error(`event schema ${schemaName} does not pin exactly one "type"`);
    }
    const validate = ajv.getSchema(`${SCHEMA_ID}${$ref}`);
    if (!validate) throw new Error(`event schema ${$ref} not found in the Open Responses spec`);
    events.set(types[0], { schemaName, validate });
  }
  oracle = { ajv, response, events };
  return oracle;
}

function describeJSON(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    json = String(value);
  }
  return json.length > MAX_JSON_IN_MESSAGE ? `${json.slice(0, MAX_JSON_IN_MESSAGE)}\n... (truncated)` : json;
}

function fail(what: string, errorsText: string, value: unknown): never {
  throw new Error(`${what} does not match the Open Responses schema: ${errorsText}\n${describeJSON(value)}`);
}

/** The event types the spec lists for `text/event-stream`, in spec order. */
export function specEventTypes(): string[] {
  return [...getOracle().events.keys()];
}

/** Throws unless `value` is a valid `ResponseResource` (every required key present, right types). */
export function validateResponseObject(value: unknown): void {
  const { ajv, response } = getOracle();
  if (!response(value))
    fail("Response object", ajv.errorsText(response.errors, { dataVar: "response" }), value);
}

export interface EventValidationResult {
  type: string;
  /** `true` when the event was checked against its schema; `false` when its type is not in the spec. */
  validated: boolean;
  /** Set when `validated` is false: the event type the spec does not describe. */
  skippedType?: string;
}

/**
 * Throws unless `event` is a valid streaming event of a type the spec lists. An event whose type is
 * absent from the spec is not validated (beyond having a string `type` and an integer
 * `sequence_number`) and comes back with `validated: false` and `skippedType` set.
 */
export function validateResponseEvent(event: unknown): EventValidationResult {
  const { ajv, events } = getOracle();
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    fail("Event", "event must be an object", event);
  }
  const { type, sequence_number: sequenceNumber } = event as { type?: unknown; sequence_number?: unknown };
  if (typeof type !== "string") fail("Event", 'event must have a string "type"', event);

  const known = events.get(type);
  if (!known) {
    if (!Number.isInteger(sequenceNumber)) {
      fail(`Event ${type} (not in the spec)`, 'event must have an integer "sequence_number"', event);
    }
    return { type, validated: false, skippedType: type };
  }
  if (!known.validate(event)) {
    fail(
      `Event ${type} (${known.schemaName})`,
      ajv.errorsText(known.validate.errors, { dataVar: "event" }),
      event,
    );
  }
  return { type, validated: true };
}

export interface EventStreamValidationResult {
  /** How many events were checked against their schema. */
  validated: number;
  /** Distinct event types the spec does not list, in first-seen order (not validated). */
  skippedTypes: string[];
}

/**
 * Validates every event of a stream (see `validateResponseEvent`) and checks that the stream is
 * non-empty and that `sequence_number` is 0, 1, 2, ... in order.
 */
export function assertValidEventStream(events: Iterable<unknown>): EventStreamValidationResult {
  const skipped = new Set<string>();
  let validated = 0;
  let index = 0;
  for (const event of events) {
    const result = validateResponseEvent(event);
    if (result.skippedType !== undefined) skipped.add(result.skippedType);
    else validated += 1;
    const sequenceNumber = (event as { sequence_number: number }).sequence_number;
    if (sequenceNumber !== index) {
      fail(
        `Event #${index} (${result.type})`,
        `sequence_number is ${sequenceNumber}, expected ${index}`,
        event,
      );
    }
    index += 1;
  }
  if (index === 0) throw new Error("Event stream is empty");
  return { validated, skippedTypes: [...skipped] };
}
