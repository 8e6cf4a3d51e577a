/**
 * Building blocks of the request schema. Arrays and records are checked element by element and stop at
 * the first bad element, so the work done for an invalid body is bounded by the position of its first
 * problem, never by its size (zod's own `array` and `record` collect one issue per bad element).
 *
 * Internal to the schema; not exported from the package.
 */
import * as z from "zod/mini";
import { DECIMAL, EXPECTED, INTEGER } from "./zod-issue-to-error.js";

/** A zod schema of any type. */
export type Schema = z.ZodMiniType;

type Issue = z.core.$ZodSuperRefineIssue;

/** Most issues one nested check reports upward (the error names only the first). */
const MAX_ISSUES = 4;

/** A union of types whose type error reads "expected <phrase>". */
export function expecting(phrase: string) {
  return { error: `${EXPECTED}${phrase}` };
}

/** An integer in `[min, max]`. */
export function integer(min: number, max?: number) {
  const atLeast = z.gte(min, { error: INTEGER });
  return max === undefined ? z.int().check(atLeast) : z.int().check(atLeast, z.lte(max, { error: INTEGER }));
}

/** A number in `[min, max]`. */
export function decimal(min: number, max: number) {
  return z.number().check(z.gte(min, { error: DECIMAL }), z.lte(max, { error: DECIMAL }));
}

/** A string of at least one character. */
export const nonEmptyString = () => z.string().check(z.minLength(1));
/** A string, null or absent. */
export const optionalString = () => z.nullish(z.string());
/** A boolean, null or absent. */
export const optionalBoolean = () => z.nullish(z.boolean());

/** Reports the first issues of a failed nested parse under `prefix`. */
function addIssues(
  context: { addIssue(issue: Issue): void },
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
) {
  for (const issue of issues.slice(0, MAX_ISSUES)) {
    context.addIssue({ ...issue, path: [...prefix, ...issue.path] } as Issue);
  }
}

/**
 * An array whose elements match `element`, checked in order up to the first bad one. The array itself
 * is returned (elements are not copied), so `element` must not transform its value.
 */
export function arrayOf(element: Schema): Schema {
  return z.unknown().check(
    z.superRefine((value, context) => {
      if (!Array.isArray(value)) {
        context.addIssue({ code: "invalid_type", expected: "array", input: value, continue: false });
        return;
      }
      for (let index = 0; index < value.length; index++) {
        const result = element.safeParse(value[index]);
        if (!result.success) {
          addIssues(context, result.error.issues, [index]);
          return;
        }
      }
    }),
  );
}

/** A plain object whose values match `value`, checked up to the first bad one; returned as it is. */
export function recordOf(value: Schema): Schema {
  return z.unknown().check(
    z.superRefine((input, context) => {
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        context.addIssue({ code: "invalid_type", expected: "record", input, continue: false });
        return;
      }
      for (const key in input) {
        if (!Object.hasOwn(input, key)) continue;
        const result = value.safeParse((input as Record<string, unknown>)[key]);
        if (!result.success) {
          addIssues(context, result.error.issues, [key]);
          return;
        }
      }
    }),
  );
}

/**
 * Builds a schema that dispatches an object on its `type` field to one schema of `schemas`, so
 * errors name the right fields (`input.3.call_id`) rather than listing every alternative.
 * The value itself is returned unchanged (no copy).
 */
export function dispatchOnType(
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
      if (!result.success) addIssues(context, result.error.issues, []);
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
