import { JsonStringDecoder } from "./json-string-decoder.js";

/**
 * Keys whose string value is taken as a custom tool's input when a model wraps it in an object, in the
 * order they are looked for: `{"input": …}` (what the bridge asks for), `{"patch": …}`,
 * `{"content": …}`, `{"text": …}`, `{"code": …}` (seen from models given Codex's apply_patch).
 */
export const CUSTOM_INPUT_KEYS: ReadonlySet<string> = new Set(["input", "patch", "content", "text", "code"]);

type Mode =
  /** Skipping whitespace before the value. */
  | "lead"
  /** Inside a bare JSON string value: streaming. */
  | "bare"
  /** Not JSON: the arguments are the input, streamed as they are. */
  | "raw"
  /** After `{` or `,`: expecting a key (or `}`). */
  | "key-start"
  /** Inside a key. */
  | "key"
  /** After a key: expecting `:`. */
  | "colon"
  /** After `:`: expecting the value. */
  | "value-start"
  /** Inside the string value of an input key: streaming. */
  | "value"
  /** Inside the string value of another key: skipped. */
  | "skip-value"
  /** After a skipped value: expecting `,` or `}`. */
  | "after-pair"
  /** The streamed string ended; the rest only matters at the end. */
  | "after-value"
  /** Shape not recognised early: the input is decided when the arguments are complete. */
  | "buffer";

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Turns the JSON arguments of a chat function call back into a custom tool's raw `input`, streaming
 * decoded text as soon as it is certain.
 *
 * Streamed early: `{"input": "…"}` (or another key of {@link CUSTOM_INPUT_KEYS}, after any other
 * string-valued keys), a bare JSON string, and arguments that are not JSON at all (raw text, streamed as
 * is). Any other shape is buffered and decided at the end by {@link decideCustomToolInput}. Work per piece
 * is O(piece).
 */
export class CustomToolInputExtractor {
  private mode: Mode = "lead";
  private readonly decoder = new JsonStringDecoder();
  private key = "";
  /** Whitespace skipped before the first significant character (part of a raw input). */
  private leading = "";
  /** Everything emitted so far. */
  private streamed = "";

  /** Feeds one piece of the arguments; returns the decoded text that became certain (maybe ""). */
  push(piece: string): string {
    let out = "";
    let index = 0;
    const length = piece.length;
    while (index < length) {
      switch (this.mode) {
        case "after-value":
        case "buffer":
          index = length;
          break;
        case "raw":
          out += piece.slice(index);
          index = length;
          break;
        case "bare":
        case "value": {
          const decoded = this.decoder.decode(piece, index);
          out += decoded.text;
          if (decoded.end < 0) index = length;
          else {
            index = decoded.end;
            this.mode = "after-value";
          }
          break;
        }
        case "key":
        case "skip-value": {
          const decoded = this.decoder.decode(piece, index);
          if (this.mode === "key") this.key += decoded.text;
          if (decoded.end < 0) index = length;
          else {
            index = decoded.end;
            if (this.mode === "key") this.mode = "colon";
            else this.mode = "after-pair";
          }
          break;
        }
        default: {
          const code = piece.charCodeAt(index);
          if (isWhitespace(code)) {
            if (this.mode === "lead") this.leading += piece[index];
            index++;
            break;
          }
          index++;
          this.step(code);
          if ((this.mode as Mode) === "raw") {
            out += `${this.leading}${piece.slice(index - 1)}`;
            this.leading = "";
            index = length;
          }
        }
      }
    }
    this.streamed += out;
    return out;
  }

  /** One significant (non-whitespace) character outside strings. */
  private step(code: number): void {
    switch (this.mode) {
      case "lead":
        this.mode = code === 0x22 ? "bare" : code === 0x7b ? "key-start" : "raw";
        if (this.mode !== "raw") this.leading = "";
        return;
      case "key-start":
        if (code === 0x22) {
          this.key = "";
          this.mode = "key";
        } else this.mode = "buffer";
        return;
      case "colon":
        this.mode = code === 0x3a ? "value-start" : "buffer";
        return;
      case "value-start":
        if (code !== 0x22) this.mode = "buffer";
        else this.mode = CUSTOM_INPUT_KEYS.has(this.key) ? "value" : "skip-value";
        return;
      case "after-pair":
        // Another pair may hold the input; a closing brace means none did (decided at the end).
        this.mode = code === 0x2c ? "key-start" : "buffer";
        return;
      default:
        this.mode = "buffer";
    }
  }

  /** True when the arguments were recognised as raw (non-JSON) text. */
  get raw(): boolean {
    return this.mode === "raw";
  }

  /** True when a string value was being (or has been) streamed. */
  get streamedValue(): boolean {
    return this.mode === "value" || this.mode === "bare" || this.mode === "after-value";
  }

  /**
   * The final input for the complete `args`, and the text still to emit so the deltas add up to it
   * (empty when they already do, or when they cannot because the early guess proved wrong; the
   * `.done` event always carries the full input).
   */
  finish(args: string): { input: string; remainder: string } {
    // A lone high surrogate held back at the very end belongs to the streamed value.
    const held = this.decoder.flush();
    const input = this.raw
      ? args
      : decideCustomToolInput(args, this.streamedValue ? this.streamed + held : undefined);
    const emitted = this.streamed;
    let remainder = "";
    if (emitted.length === 0) remainder = input;
    else if (input.length > emitted.length && input.startsWith(emitted)) {
      remainder = input.slice(emitted.length);
    }
    return { input, remainder };
  }
}

function pick(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  let single: string | undefined;
  let strings = 0;
  for (const key of Object.keys(record)) {
    const entry = record[key];
    if (typeof entry !== "string") continue;
    if (CUSTOM_INPUT_KEYS.has(key)) return entry;
    strings++;
    single = entry;
  }
  return strings === 1 ? single : undefined;
}

/** Escapes raw control characters inside JSON strings (models sometimes write literal newlines). */
function escapeControlCharacters(text: string): string {
  let out = "";
  let run = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x5c && inString) {
      index++;
      continue;
    }
    if (code === 0x22) inString = !inString;
    else if (inString && code < 0x20) {
      out += `${text.slice(run, index)}\\u${code.toString(16).padStart(4, "0")}`;
      run = index + 1;
    }
  }
  return run === 0 ? text : out + text.slice(run);
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * The custom tool input a model meant, given its complete function arguments. Done once per call (O(n)):
 * - a JSON string → its value;
 * - a JSON object → the first key of {@link CUSTOM_INPUT_KEYS} with a string value, else its only
 *   string-valued property;
 * - JSON with raw control characters inside strings is repaired first;
 * - when `streamed` is given (a string value was streamed early) and the JSON is broken (for example cut
 *   off by `max_output_tokens`), the streamed text;
 * - anything else (raw text, `{}`, an object without a usable string) → the arguments unchanged.
 */
export function decideCustomToolInput(args: string, streamed?: string): string {
  const trimmed = args.trim();
  if (trimmed.length === 0) return args;
  const first = trimmed.charCodeAt(0);
  if (first !== 0x7b && first !== 0x22) return args;
  let parsed = tryParse(trimmed);
  if (!parsed.ok) {
    if (streamed !== undefined) return streamed;
    parsed = tryParse(escapeControlCharacters(trimmed));
  }
  if (!parsed.ok) return args;
  return pick(parsed.value) ?? args;
}
