/**
 * Validation against the Open Responses specification (OpenAPI 3.1, version 2026-04-24, Apache-2.0,
 * vendored in `spec/` of this package with its attribution): every streaming event against the schema
 * of its `type`, and Response objects against `ResponseResource`.
 *
 * A server speaks one of two dialects. In `"open-responses"` every event and object must be the
 * specification's; in `"openai"` the differences in {@link OPENAI_DIALECT_DIFFERENCES} are expected
 * (and only those). Items and events the specification does not model at all (custom and local shell
 * tool calls, which a client only gets when it declares such tools) are listed in
 * {@link SPEC_EXTENSIONS}: they are left out of Responses before validation, and their events are only
 * checked for a `type` and a `sequence_number`.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import spec from "../spec/openresponses-openapi.json" with { type: "json" };

/** Which names a server's events use: OpenAI's or the Open Responses specification's. */
export type SchemaDialect = "openai" | "open-responses";

/**
 * What the OpenAI dialect does differently from the specification, in one place: event `type` in the
 * OpenAI dialect → the specification's name. The openai SDK, Codex and the Agents SDK read OpenAI's
 * names; the payloads are the same.
 */
export const OPENAI_DIALECT_DIFFERENCES: Readonly<Record<string, string>> = {
  "response.reasoning_text.delta": "response.reasoning.delta",
  "response.reasoning_text.done": "response.reasoning.done",
};

/**
 * Items and events outside the specification in either dialect (the specification's `ItemField` has
 * only message, function_call, function_call_output, reasoning and compaction; its `Tool` only
 * functions): Codex's `custom` tools (`apply_patch`) and `local_shell`.
 */
export const SPEC_EXTENSIONS: {
  readonly items: readonly string[];
  readonly events: readonly string[];
  readonly tools: readonly string[];
} = {
  items: ["custom_tool_call", "local_shell_call"],
  tools: ["custom", "local_shell", "namespace"],
  events: ["response.custom_tool_call_input.delta", "response.custom_tool_call_input.done"],
};

/** What {@link validateOpenResponsesStream} and {@link validateOpenResponsesObject} found. */
export interface SchemaReport {
  /** True when no problem was found. */
  valid: boolean;
  /** One line per problem, naming the event (`#index type`) or object and the schema errors. */
  problems: string[];
  /** How many events or objects were checked against a schema. */
  validated: number;
  /** Distinct event types not checked against a schema because they are {@link SPEC_EXTENSIONS}. */
  extensions: string[];
}

interface OpenApiDocument {
  components: { schemas: Record<string, { properties?: { type?: { enum?: unknown[] } } }> };
  paths: Record<
    string,
    {
      post: {
        responses: { "200": { content: Record<string, { schema: { oneOf?: Array<{ $ref: string }> } }> } };
      };
    }
  >;
}

interface Oracle {
  ajv: Ajv2020;
  response: ValidateFunction;
  events: Map<string, { schemaName: string; validate: ValidateFunction }>;
}

const SCHEMA_ID = "openresponses";
let oracle: Oracle | undefined;

/** Compiles the specification once, on first use. */
function getOracle(): Oracle {
  if (oracle) return oracle;
  const document = spec as unknown as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: SCHEMA_ID, components: document.components });
  const response = ajv.getSchema(`${SCHEMA_ID}#/components/schemas/ResponseResource`);
  if (!response) throw new Error("ResponseResource schema not found in the Open Responses spec");
  const events = new Map<string, { schemaName: string; validate: ValidateFunction }>();
  const refs = document.paths["/responses"]?.post.responses["200"].content["text/event-stream"]?.schema.oneOf;
  for (const { $ref } of refs ?? []) {
    const schemaName = $ref.slice($ref.lastIndexOf("/") + 1);
    const types = document.components.schemas[schemaName]?.properties?.type?.enum;
    const validate = ajv.getSchema(`${SCHEMA_ID}${$ref}`);
    if (types?.length !== 1 || typeof types[0] !== "string" || !validate) {
      throw new Error(`event schema ${schemaName} does not pin exactly one "type"`);
    }
    events.set(types[0], { schemaName, validate });
  }
  oracle = { ajv, response, events };
  return oracle;
}

/** The event types the specification lists for `text/event-stream`, in its order. */
export function openResponsesEventTypes(): string[] {
  return [...getOracle().events.keys()];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Response without the {@link SPEC_EXTENSIONS} items and tools, which the specification cannot judge. */
function withoutExtensions(response: unknown): unknown {
  if (!isObject(response)) return response;
  const keep = (list: unknown, types: readonly string[]) =>
    Array.isArray(list)
      ? list.filter((entry) => !(isObject(entry) && types.includes(String(entry.type))))
      : list;
  return {
    ...response,
    output: keep(response.output, SPEC_EXTENSIONS.items),
    tools: keep(response.tools, SPEC_EXTENSIONS.tools),
  };
}

function errorsOf(ajv: Ajv2020, validate: ValidateFunction, what: string): string {
  return ajv.errorsText(validate.errors, { dataVar: what });
}

/**
 * Checks a Response object (a JSON body, or the `response` of a lifecycle event) against the
 * specification's `ResponseResource`; {@link SPEC_EXTENSIONS} items are left out first.
 */
export function validateOpenResponsesObject(value: unknown): SchemaReport {
  const { ajv, response } = getOracle();
  const valid = response(withoutExtensions(value));
  return {
    valid: Boolean(valid),
    problems: valid ? [] : [`Response object: ${errorsOf(ajv, response, "response")}`],
    validated: 1,
    extensions: [],
  };
}

/** Checks a `POST /responses/compact` body against the specification's `CompactResource`. */
export function validateOpenResponsesCompaction(value: unknown): SchemaReport {
  const { ajv } = getOracle();
  const validate = ajv.getSchema(`${SCHEMA_ID}#/components/schemas/CompactResource`);
  if (!validate) throw new Error("CompactResource schema not found in the Open Responses spec");
  const valid = validate(value);
  return {
    valid: Boolean(valid),
    problems: valid ? [] : [`Compaction object: ${errorsOf(ajv, validate, "compaction")}`],
    validated: 1,
    extensions: [],
  };
}

/**
 * Checks every event of a stream against the schema of its `type` (and the `response` of lifecycle
 * events against `ResponseResource`), in the given dialect: in `"openai"` the events named in
 * {@link OPENAI_DIALECT_DIFFERENCES} are checked under the specification's name; in `"open-responses"`
 * they are problems. Events of {@link SPEC_EXTENSIONS} (and item events of such items) are only checked
 * for a `type` and an integer `sequence_number`; any other type the specification does not list is a
 * problem. Never throws.
 */
export function validateOpenResponsesStream(
  events: readonly unknown[],
  options: { dialect?: SchemaDialect } = {},
): SchemaReport {
  const { ajv, events: schemas } = getOracle();
  const openai = (options.dialect ?? "openai") === "openai";
  const problems: string[] = [];
  const extensions = new Set<string>();
  let validated = 0;
  events.forEach((event, index) => {
    const type = isObject(event) && typeof event.type === "string" ? event.type : undefined;
    const at = `#${index} ${type ?? "(no type)"}`;
    if (!isObject(event) || type === undefined) {
      problems.push(`${at}: not an event object with a string "type"`);
      return;
    }
    const renamed = Object.hasOwn(OPENAI_DIALECT_DIFFERENCES, type)
      ? OPENAI_DIALECT_DIFFERENCES[type]
      : undefined;
    if (renamed !== undefined && !openai) {
      problems.push(`${at}: not an Open Responses event, the specification names it ${renamed}`);
      return;
    }
    const specType = renamed ?? type;
    const item = event.item;
    const extension =
      SPEC_EXTENSIONS.events.includes(type) ||
      (isObject(item) && SPEC_EXTENSIONS.items.includes(String(item.type)));
    if (extension) {
      extensions.add(type);
      if (!Number.isInteger(event.sequence_number)) problems.push(`${at}: no integer sequence_number`);
      return;
    }
    const schema = schemas.get(specType);
    if (!schema) {
      problems.push(`${at}: the specification has no event of this type`);
      return;
    }
    const checkable = isObject(event.response)
      ? { ...event, type: specType, response: withoutExtensions(event.response) }
      : { ...event, type: specType };
    validated += 1;
    if (!schema.validate(checkable)) {
      problems.push(`${at} (${schema.schemaName}): ${errorsOf(ajv, schema.validate, "event")}`);
    }
  });
  return { valid: problems.length === 0, problems, validated, extensions: [...extensions] };
}
