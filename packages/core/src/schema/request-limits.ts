/**
 * Caps on the counts a request may carry (input items, tools, content parts, `include` entries,
 * `metadata` keys), checked before the schema runs, so the work spent on any body, valid or not, is
 * bounded by these caps rather than by the body's size. Each cap is far above what real clients send
 * (Codex CLI sends 4-10 tools, 2-3 content parts per message and a few hundred to a few thousand
 * input items in a long session) and configurable through the handler's `limits` option.
 *
 * Also refuses ids with control characters (`input.N.id`, `previous_response_id`): ids are store keys.
 */
import { invalidRequest } from "../errors.js";

/** Caps on what one `POST /v1/responses` body may hold; each excess is a 400 naming the cap. */
export interface RequestLimits {
  /** Most items in `input`. Default 10,000. */
  maxInputItems?: number;
  /** Most tools in `tools` (and in each `namespace` or `additional_tools` item's `tools`). Default 1,000. */
  maxTools?: number;
  /** Most content parts in one message's `content` (or one tool output's `output`). Default 2,000. */
  maxContentParts?: number;
  /** Most entries in `include`. Default 64. */
  maxInclude?: number;
  /** Most keys in `metadata`. Default 16 (OpenAI's own limit). */
  maxMetadataKeys?: number;
}

/** The caps applied when the handler's `limits` option leaves one out. */
export const DEFAULT_REQUEST_LIMITS: Readonly<Required<RequestLimits>> = Object.freeze({
  maxInputItems: 10_000,
  maxTools: 1_000,
  maxContentParts: 2_000,
  maxInclude: 64,
  maxMetadataKeys: 16,
});

/** C0 controls, DEL and C1 controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `id` holds a control character (NUL, newline, ESC...): such ids are refused. */
export function hasControlCharacter(id: string): boolean {
  return CONTROL.test(id);
}

/** The 400 for an id with a control character. */
export function invalidId(param: string): ReturnType<typeof invalidRequest> {
  return invalidRequest(
    `Invalid '${param}': an ID must not contain control characters.`,
    param,
    "invalid_value",
  );
}

/** `limits` over the defaults; a cap left out, undefined or not a non-negative number keeps its default. */
function resolveLimits(limits: RequestLimits): Required<RequestLimits> {
  const caps = { ...DEFAULT_REQUEST_LIMITS };
  for (const key of Object.keys(caps) as (keyof RequestLimits)[]) {
    const value = limits[key];
    if (typeof value === "number" && value >= 0) caps[key] = value;
  }
  return caps;
}

function tooLong(param: string, limit: number, length: number, option: keyof RequestLimits) {
  return invalidRequest(
    `Invalid '${param}': array too long. Expected an array with maximum length ${limit}, but got an array with length ${length} instead. (This server's limit: limits.${option}.)`,
    param,
    "array_above_max_length",
  );
}

function checkLength(value: unknown, param: string, limit: number, option: keyof RequestLimits): void {
  if (Array.isArray(value) && value.length > limit) throw tooLong(param, limit, value.length, option);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed body against `limits` (merged over {@link DEFAULT_REQUEST_LIMITS}): O(number of input
 * items), each item looked at once, nothing allocated per element.
 *
 * With `itemsLater`, the per-item checks are left to {@link checkInputItemLimits} (run in slices).
 *
 * @throws {ResponsesBridgeError} 400 `array_above_max_length` (or `object_above_max_properties` for
 *   `metadata`) naming the field in `param`, or 400 `invalid_value` for an id with a control character.
 */
export function checkRequestLimits(
  body: Record<string, unknown>,
  limits: RequestLimits = {},
  itemsLater = false,
): void {
  const caps = resolveLimits(limits);
  checkLength(body.tools, "tools", caps.maxTools, "maxTools");
  if (Array.isArray(body.tools)) {
    body.tools.forEach((tool, index) => {
      if (isObject(tool)) checkLength(tool.tools, `tools.${index}.tools`, caps.maxTools, "maxTools");
    });
  }
  checkLength(body.include, "include", caps.maxInclude, "maxInclude");
  if (isObject(body.metadata)) {
    let keys = 0;
    for (const key in body.metadata) if (Object.hasOwn(body.metadata, key)) keys++;
    if (keys > caps.maxMetadataKeys) {
      throw invalidRequest(
        `Invalid 'metadata': too many properties. Expected an object with at most ${caps.maxMetadataKeys} properties, but got an object with ${keys} properties instead.`,
        "metadata",
        "object_above_max_properties",
      );
    }
  }
  const previous = body.previous_response_id;
  if (typeof previous === "string" && hasControlCharacter(previous)) throw invalidId("previous_response_id");
  const input = body.input;
  if (!Array.isArray(input)) return;
  checkLength(input, "input", caps.maxInputItems, "maxInputItems");
  if (!itemsLater) checkInputItems(input, caps, 0, input.length);
}

/**
 * The per-item part of {@link checkRequestLimits} for `input[from..to)` (ids, content parts, tools), for
 * callers that check a long input in slices. `limits` as for `checkRequestLimits`.
 */
export function checkInputItemLimits(
  input: readonly unknown[],
  limits: RequestLimits,
  from: number,
  to: number,
): void {
  checkInputItems(input, resolveLimits(limits), from, to);
}

function checkInputItems(input: readonly unknown[], caps: Required<RequestLimits>, from: number, to: number) {
  for (let index = from; index < to; index++) {
    const item = input[index];
    if (!isObject(item)) continue;
    if (typeof item.id === "string" && hasControlCharacter(item.id)) throw invalidId(`input.${index}.id`);
    checkLength(item.content, `input.${index}.content`, caps.maxContentParts, "maxContentParts");
    checkLength(item.output, `input.${index}.output`, caps.maxContentParts, "maxContentParts");
    checkLength(item.tools, `input.${index}.tools`, caps.maxTools, "maxTools");
  }
}
