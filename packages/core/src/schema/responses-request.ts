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
 *   support a new item type, add its schema to {@link inputItemSchemas} (and its converter to
 *   `translate/input-to-messages.ts`).
 * - Item and tool types the bridge does not know (hosted tool calls such as `web_search_call`, types
 *   added by OpenAI tomorrow) are accepted unchecked: the translator leaves them out with a warning
 *   (real clients echo such items, and a 400 would end their session). Known types are checked, so a
 *   clearly malformed item (a `function_call` without `call_id`, a `reasoning` whose `summary` is not an
 *   array, an `item_reference` without `id`) is still a 400. Unknown content part types are a 400 too:
 *   leaving out part of a message would silently change what the model is asked.
 * - The first problem found becomes an {@link invalidRequest} error whose `param` is the JSON path
 *   joined by "." (`input.2.content`) and whose message follows OpenAI's wording.
 */
import * as z from "zod/mini";
import { invalidRequest } from "../errors.js";
import type { ResponsesRequest } from "../types.js";
import { DECIMAL, describeValue, EXPECTED, INTEGER, issueToError } from "./zod-issue-to-error.js";

type Schema = z.ZodMiniType;

/**
 * Validates a parsed JSON body as a Responses API create request.
 *
 * Unknown top-level fields and unknown fields inside items are kept and ignored. Input items are
 * returned as the very objects the caller passed (no copy).
 *
 * @param body - The request body, already parsed from JSON.
 * @returns The body, typed as `ResponsesRequest` (`ResponseCreateParams` plus the fields OpenAI
 *   accepts that the SDK does not type yet).
 * @throws {ResponsesBridgeError} 400 `invalid_request_error` for a body that is not an object, or a
 *   field of the wrong type or value; `param` names the offending field (`input.2.content`), or is null
 *   when the body itself is wrong.
 */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest(
      `Invalid request body: expected a JSON object, but got ${describeValue(body)} instead.`,
      null,
      "invalid_type",
    );
  }
  const result = getRequestSchema().safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw issue ? issueToError(issue, body, []) : invalidRequest("Invalid request body.");
  }
  return result.data as ResponsesRequest;
}

// ---------------------------------------------------------------------------------------------
// Schema (built lazily)
// ---------------------------------------------------------------------------------------------

let requestSchema: Schema | undefined;

function getRequestSchema(): Schema {
  requestSchema ??= buildRequestSchema();
  return requestSchema;
}

/** A union of types whose type error reads "expected <phrase>". */
function expecting(phrase: string) {
  return { error: `${EXPECTED}${phrase}` };
}

function integer(min: number, max?: number) {
  const atLeast = z.gte(min, { error: INTEGER });
  return max === undefined ? z.int().check(atLeast) : z.int().check(atLeast, z.lte(max, { error: INTEGER }));
}

function decimal(min: number, max: number) {
  return z.number().check(z.gte(min, { error: DECIMAL }), z.lte(max, { error: DECIMAL }));
}

const nonEmptyString = () => z.string().check(z.minLength(1));
const optionalString = () => z.nullish(z.string());
const optionalBoolean = () => z.nullish(z.boolean());

/**
 * Builds a schema that dispatches an object on its `type` field to one schema of `schemas`, so
 * errors name the right fields (`input.3.call_id`) rather than listing every alternative.
 * The value itself is returned unchanged (no copy).
 */
function dispatchOnType(
  schemas: ReadonlyMap<string, Schema>,
  options: {
    /**
     * Type assumed when `type` is absent (an EasyInputMessage, or an item reference); without it
     * `type` is required.
     */
    defaultType?: (value: object) => string;
    /** Types not in `schemas`: accepted as they are, or rejected as an invalid value listing the supported types. */
    unknown: "accept" | "reject";
  },
): Schema {
  const supported = [...schemas.keys()];
  return z.unknown().check(
    z.superRefine((value, context) => {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        // `continue: false` marks the value as not even of this shape, so a union tries its other options.
        context.addIssue({ code: "invalid_type", expected: "object", input: value, continue: false });
        return;
      }
      const type = (value as { type?: unknown }).type ?? options.defaultType?.(value);
      if (typeof type !== "string") {
        context.addIssue({ code: "invalid_type", expected: "string", path: ["type"], input: type });
        return;
      }
      const schema = schemas.get(type);
      if (schema === undefined) {
        if (options.unknown === "reject") {
          context.addIssue({ code: "invalid_value", values: supported, path: ["type"], input: type });
        }
        return;
      }
      const result = schema.safeParse(value);
      if (!result.success) {
        for (const issue of result.error.issues) context.addIssue(issue as z.core.$ZodSuperRefineIssue);
      }
    }),
  );
}

/**
 * The type of an input item that has no `type`: an item reference when it has an `id` and no `role`
 * (`{ id }` is OpenAI's short form of `{ type: "item_reference", id }`), otherwise a message.
 *
 * @internal
 */
export function defaultItemType(value: object): string {
  const item = value as { role?: unknown; id?: unknown };
  return item.role === undefined && typeof item.id === "string" ? "item_reference" : "message";
}

/**
 * Input item schemas by `type`. Items of any other type (hosted tool calls, future types) are
 * accepted as they are; the translator leaves them out with an `unsupported_item` warning.
 */
function inputItemSchemas(tool: Schema): Map<string, Schema> {
  const contentPart = dispatchOnType(contentPartSchemas(), { unknown: "reject" });
  const content = z.union(
    [z.string(), z.array(contentPart)],
    expecting("a string or an array of content parts"),
  );
  const output = z.union(
    [z.string(), z.array(contentPart)],
    expecting("a string or an array of output content parts"),
  );
  // Reasoning parts: only `text` is read; lenient, because clients echo these items verbatim.
  const reasoningParts = z.nullish(z.array(z.looseObject({ text: optionalString() })));
  return new Map<string, Schema>([
    [
      "message",
      z.looseObject({
        role: z.enum(["user", "assistant", "system", "developer"]),
        content,
      }),
    ],
    [
      "function_call",
      z.looseObject({
        call_id: nonEmptyString(),
        name: nonEmptyString(),
        arguments: z.string(),
        namespace: optionalString(),
      }),
    ],
    ["function_call_output", z.looseObject({ call_id: nonEmptyString(), output })],
    [
      "custom_tool_call",
      z.looseObject({
        call_id: nonEmptyString(),
        name: nonEmptyString(),
        input: z.string(),
        namespace: optionalString(),
      }),
    ],
    ["custom_tool_call_output", z.looseObject({ call_id: nonEmptyString(), output })],
    [
      "local_shell_call",
      z.looseObject({
        call_id: nonEmptyString(),
        action: z.looseObject({
          command: z.array(z.string()),
          env: z.nullish(z.record(z.string(), z.string())),
          timeout_ms: z.nullish(z.number()),
          working_directory: optionalString(),
          user: optionalString(),
        }),
      }),
    ],
    [
      "local_shell_call_output",
      z.looseObject({ call_id: optionalString(), id: optionalString(), output: z.string() }).check(
        z.superRefine((value: { call_id?: string | null; id?: string | null }, context) => {
          // OpenAI names the call in `id`; other clients use `call_id`. One of them is needed.
          if (!value.call_id && !value.id) {
            context.addIssue({
              code: "invalid_type",
              expected: "string",
              path: ["call_id"],
              input: undefined,
            });
          }
        }),
      ),
    ],
    [
      "reasoning",
      z.looseObject({
        summary: reasoningParts,
        content: reasoningParts,
        encrypted_content: optionalString(),
      }),
    ],
    ["item_reference", z.looseObject({ id: nonEmptyString() })],
    ["additional_tools", z.looseObject({ tools: z.array(tool) })],
  ]);
}

/** Content part schemas by `type` (message content and tool call outputs). */
function contentPartSchemas(): Map<string, Schema> {
  return new Map<string, Schema>([
    ["input_text", z.looseObject({ text: z.string() })],
    ["output_text", z.looseObject({ text: z.string() })],
    ["refusal", z.looseObject({ refusal: z.string() })],
    // The translator checks which source is given (and answers a `file_id` with a 400).
    [
      "input_image",
      z.looseObject({ image_url: optionalString(), file_id: optionalString(), detail: optionalString() }),
    ],
    [
      "input_file",
      z.looseObject({
        file_id: optionalString(),
        file_data: optionalString(),
        file_url: optionalString(),
        filename: optionalString(),
      }),
    ],
  ]);
}

/**
 * Tool schemas by `type`. Other tool types (hosted tools such as `web_search`, future types) are
 * accepted as they are; the translator leaves them out (or rejects them, per its `hostedTools` option).
 */
function toolSchemas(): Map<string, Schema> {
  const functionTool = z.looseObject({
    name: nonEmptyString(),
    description: optionalString(),
    parameters: z.nullish(z.record(z.string(), z.unknown())),
    strict: optionalBoolean(),
  });
  const customTool = z.looseObject({
    name: nonEmptyString(),
    description: optionalString(),
    format: z.nullish(
      z.discriminatedUnion("type", [
        z.looseObject({ type: z.literal("text") }),
        z.looseObject({
          type: z.literal("grammar"),
          syntax: z.enum(["lark", "regex"]),
          definition: z.string(),
        }),
      ]),
    ),
  });
  const namespaced = dispatchOnType(
    new Map<string, Schema>([
      ["function", functionTool],
      ["custom", customTool],
    ]),
    { unknown: "accept" },
  );
  return new Map<string, Schema>([
    ["function", functionTool],
    ["custom", customTool],
    [
      "namespace",
      z.looseObject({
        name: nonEmptyString(),
        description: optionalString(),
        tools: z.array(namespaced),
      }),
    ],
  ]);
}

function toolChoiceSchema(): Schema {
  const objectChoice = dispatchOnType(
    new Map<string, Schema>([
      ["function", z.looseObject({ name: nonEmptyString() })],
      ["custom", z.looseObject({ name: nonEmptyString() })],
      [
        "allowed_tools",
        z.looseObject({
          mode: z.enum(["auto", "required"]),
          tools: z.array(z.looseObject({ type: z.string() })),
        }),
      ],
      ["mcp", z.looseObject({ server_label: z.string(), name: optionalString() })],
    ]),
    { unknown: "accept" },
  );
  return z.union(
    [z.enum(["none", "auto", "required"]), objectChoice],
    expecting("one of 'none', 'auto', 'required' or a tool choice object"),
  );
}

function metadataSchema(): Schema {
  return z.record(z.string(), z.string().check(z.maxLength(512))).check(
    z.superRefine((value: Record<string, string>, context) => {
      const keys = Object.keys(value);
      if (keys.length > 16) {
        context.addIssue({
          code: "custom",
          input: value,
          message: `too many properties. Expected an object with at most 16 properties, but got an object with ${keys.length} properties instead.`,
          params: { code: "object_above_max_properties", prefix: true },
        });
        return;
      }
      for (const key of keys) {
        if (key.length > 64) {
          context.addIssue({
            code: "custom",
            input: value,
            message: `key too long. Expected keys with maximum length 64, but got a key with length ${key.length} instead.`,
            params: { code: "string_above_max_length", prefix: true },
          });
          return;
        }
      }
    }),
  );
}

function textSchema(): Schema {
  const format = z.discriminatedUnion("type", [
    z.looseObject({ type: z.literal("text") }),
    z.looseObject({ type: z.literal("json_object") }),
    z.looseObject({
      type: z.literal("json_schema"),
      name: nonEmptyString(),
      schema: z.record(z.string(), z.unknown()),
      strict: optionalBoolean(),
      description: optionalString(),
    }),
  ]);
  return z.looseObject({ format: z.nullish(format), verbosity: optionalString() });
}

function buildRequestSchema(): Schema {
  const tool = dispatchOnType(toolSchemas(), { unknown: "accept" });
  const inputItem = dispatchOnType(inputItemSchemas(tool), {
    defaultType: defaultItemType,
    unknown: "accept",
  });
  return z.looseObject({
    model: z.string(),
    input: z.optional(
      z.union([z.string(), z.array(inputItem)], expecting("a string or an array of input items")),
    ),
    instructions: optionalString(),
    tools: z.nullish(z.array(tool)),
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
    include: z.nullish(z.array(z.string())),
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
        variables: z.nullish(z.record(z.string(), z.unknown())),
        version: optionalString(),
      }),
    ),
    prompt_cache_key: optionalString(),
    prompt_cache_retention: optionalString(),
    service_tier: optionalString(),
    client_metadata: z.nullish(z.record(z.string(), z.unknown())),
  });
}
