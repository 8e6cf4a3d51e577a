/**
 * Turns the first zod issue of a failed request validation into an OpenAI-style 400:
 * `param` is the JSON path joined by "." and the message follows OpenAI's wording
 * ("Invalid type for 'input': expected ..., but got an integer instead.").
 *
 * Internal to the schema; not exported from the package.
 */
import type { z } from "zod";
import { invalidRequest, type ResponsesBridgeError } from "../errors.js";

type Issue = z.core.$ZodIssue;

/**
 * Marker messages the schema sets as a zod `error` and the formatter reads back from the issue's
 * `message`: a union's "expected <phrase>", and whether a range check is on an integer or a decimal.
 */
export const EXPECTED = "expected:";
/** Marker of an integer range check. */
export const INTEGER = "integer";
/** Marker of a decimal range check. */
export const DECIMAL = "decimal";

/**
 * The 400 for one zod issue. `root` is the validated value (to report what was received) and
 * `base` the path of the schema that produced the issue, when it was nested.
 */
export function issueToError(
  issue: Issue,
  root: unknown,
  base: readonly PropertyKey[],
): ResponsesBridgeError {
  const path = base.length === 0 ? issue.path : [...base, ...issue.path];
  const param = path.length === 0 ? null : path.map(String).join(".");
  const value = valueAt(root, path);
  const name = param ?? "body";
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return missing(name, param);
      return invalidType(name, param, expectedPhrase(issue.expected), value);
    case "invalid_value":
      return invalidValue(name, param, value, issue.values);
    case "too_big":
    case "too_small":
      return outOfRange(issue, name, param, value);
    case "invalid_union":
      return unionToError(issue, root, path, name, param, value);
    case "custom": {
      const params = issue.params ?? {};
      const code = typeof params.code === "string" ? params.code : "invalid_value";
      const message = params.prefix === true ? `Invalid '${name}': ${issue.message}` : issue.message;
      return invalidRequest(message, param, code);
    }
    default:
      return invalidRequest(`Invalid '${name}': ${issue.message}`, param, "invalid_value");
  }
}

function unionToError(
  issue: Extract<Issue, { code: "invalid_union" }>,
  root: unknown,
  path: readonly PropertyKey[],
  name: string,
  param: string | null,
  value: unknown,
): ResponsesBridgeError {
  if (value === undefined) return missing(name, param);
  if (issue.discriminator !== undefined) {
    // A discriminated union whose discriminator matched no option: `path` already ends with it.
    const options = (issue as { options?: unknown[] }).options ?? [];
    const values = options.filter((option): option is string => typeof option === "string");
    return typeof value === "string"
      ? invalidValue(name, param, value, values)
      : invalidType(name, param, "a string", value);
  }
  // Branches that failed deeper than the value itself (the value had the branch's shape) say more
  // than "wrong type": report the first problem of the only such branch.
  let deep: Issue | undefined;
  let deepCount = 0;
  let valueMismatch: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first === undefined) continue;
    const atRoot =
      first.path.length === 0 && (first.code === "invalid_type" || first.code === "invalid_value");
    if (!atRoot) {
      deepCount++;
      deep ??= first;
    } else if (
      first.code === "invalid_value" &&
      valueMismatch === undefined &&
      first.values.length > 0 &&
      typeof first.values[0] === typeof value
    ) {
      valueMismatch = first;
    }
  }
  if (deepCount === 1 && deep !== undefined) return issueToError(deep, root, path);
  if (valueMismatch !== undefined) return issueToError(valueMismatch, root, path);
  const phrase = issue.message.startsWith(EXPECTED)
    ? issue.message.slice(EXPECTED.length)
    : issue.errors
        .map((branch) =>
          branch[0]?.code === "invalid_type" ? expectedPhrase(branch[0].expected) : undefined,
        )
        .filter((text) => text !== undefined)
        .join(" or ") || "a different type";
  return invalidType(name, param, phrase, value);
}

function missing(name: string, param: string | null): ResponsesBridgeError {
  return invalidRequest(`Missing required parameter: '${name}'.`, param, "missing_required_parameter");
}

function invalidType(
  name: string,
  param: string | null,
  expected: string,
  value: unknown,
): ResponsesBridgeError {
  return invalidRequest(
    `Invalid type for '${name}': expected ${expected}, but got ${describeValue(value)} instead.`,
    param,
    "invalid_type",
  );
}

function invalidValue(
  name: string,
  param: string | null,
  value: unknown,
  values: readonly unknown[],
): ResponsesBridgeError {
  if (value === undefined) return missing(name, param);
  if (values.length > 0 && typeof value !== typeof values[0]) {
    return invalidType(name, param, expectedPhrase(typeof values[0]), value);
  }
  return invalidRequest(
    `Invalid value for '${name}': '${String(value)}'. Supported values are: ${listValues(values)}.`,
    param,
    "invalid_value",
  );
}

function outOfRange(
  issue: Extract<Issue, { code: "too_big" | "too_small" }>,
  name: string,
  param: string | null,
  value: unknown,
): ResponsesBridgeError {
  const above = issue.code === "too_big";
  const limit = above
    ? (issue as Extract<Issue, { code: "too_big" }>).maximum
    : (issue as Extract<Issue, { code: "too_small" }>).minimum;
  const bound = `${above ? "maximum" : "minimum"}`;
  if (issue.origin === "string" || issue.origin === "array") {
    const noun = issue.origin;
    const length = typeof value === "string" || Array.isArray(value) ? value.length : 0;
    const got =
      length === 0 ? `an empty ${noun}` : `${noun === "array" ? "an" : "a"} ${noun} with length ${length}`;
    return invalidRequest(
      `Invalid '${name}': ${noun} too ${above ? "long" : "short"}. Expected ${noun === "array" ? "an" : "a"} ${noun} with ${bound} length ${String(limit)}, but got ${got} instead.`,
      param,
      `${noun}_${above ? "above_max" : "below_min"}_length`,
    );
  }
  const kind = issue.message === INTEGER ? "integer" : "decimal";
  return invalidRequest(
    `Invalid '${name}': ${kind} ${above ? "above maximum" : "below minimum"} value. Expected a value ${above ? "<=" : ">="} ${String(limit)}, but got ${String(value)} instead.`,
    param,
    `${kind}_${above ? "above_max" : "below_min"}_value`,
  );
}

function expectedPhrase(expected: string): string {
  switch (expected) {
    case "int":
      return "an integer";
    case "number":
      return "a number";
    case "array":
    case "object":
      return `an ${expected}`;
    case "record":
      return "an object";
    default:
      return `a ${expected}`;
  }
}

/** OpenAI's wording for the type of a JSON value: "an integer", "a decimal", "null"... */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? "an integer" : "a decimal";
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    case "undefined":
      return "nothing";
    default:
      return typeof value;
  }
}

function listValues(values: readonly unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
