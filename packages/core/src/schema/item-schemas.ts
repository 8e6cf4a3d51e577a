/**
 * The schemas of the request's nested values: input items, content parts, tools, `tool_choice`,
 * `metadata` and `text`, dispatched on `type` (see `responses-request.ts` for the policy).
 *
 * Internal to the schema; not exported from the package.
 */
import * as z from "zod/mini";
import {
  arrayOf,
  dispatchOnType,
  expecting,
  nonEmptyString,
  optionalBoolean,
  optionalString,
  recordOf,
  type Schema,
} from "./schema-helpers.js";

/**
 * Input item schemas by `type`. Items of any other type (hosted tool calls, future types) are
 * accepted as they are; the translator leaves them out with an `unsupported_item` warning.
 */
export function inputItemSchemas(tool: Schema): Map<string, Schema> {
  const contentPart = dispatchOnType(contentPartSchemas(), { unknown: "reject" });
  const content = z.union(
    [z.string(), arrayOf(contentPart)],
    expecting("a string or an array of content parts"),
  );
  const output = z.union(
    [z.string(), arrayOf(contentPart)],
    expecting("a string or an array of output content parts"),
  );
  // Reasoning parts: only `text` is read; lenient, because clients echo these items verbatim.
  const reasoningParts = z.nullish(arrayOf(z.looseObject({ text: optionalString() })));
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
          command: arrayOf(z.string()),
          env: z.nullish(recordOf(z.string())),
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
    ["additional_tools", z.looseObject({ tools: arrayOf(tool) })],
  ]);
}

/** Content part schemas by `type` (message content and tool call outputs). */
export function contentPartSchemas(): Map<string, Schema> {
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
export function toolSchemas(): Map<string, Schema> {
  const functionTool = z.looseObject({
    name: nonEmptyString(),
    description: optionalString(),
    parameters: z.nullish(recordOf(z.unknown())),
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
        tools: arrayOf(namespaced),
      }),
    ],
  ]);
}

export function toolChoiceSchema(): Schema {
  const objectChoice = dispatchOnType(
    new Map<string, Schema>([
      ["function", z.looseObject({ name: nonEmptyString() })],
      ["custom", z.looseObject({ name: nonEmptyString() })],
      [
        "allowed_tools",
        z.looseObject({
          mode: z.enum(["auto", "required"]),
          tools: arrayOf(z.looseObject({ type: z.string() })),
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

export function metadataSchema(): Schema {
  return recordOf(z.string().check(z.maxLength(512))).check(
    z.superRefine((value, context) => {
      // The number of keys is checked before the schema runs (`limits.maxMetadataKeys`).
      const keys = Object.keys(value as Record<string, string>);
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

export function textSchema(): Schema {
  const format = z.discriminatedUnion("type", [
    z.looseObject({ type: z.literal("text") }),
    z.looseObject({ type: z.literal("json_object") }),
    z.looseObject({
      type: z.literal("json_schema"),
      name: nonEmptyString(),
      schema: recordOf(z.unknown()),
      strict: optionalBoolean(),
      description: optionalString(),
    }),
  ]);
  return z.looseObject({ format: z.nullish(format), verbosity: optionalString() });
}
