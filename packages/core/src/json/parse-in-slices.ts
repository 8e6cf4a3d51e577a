/**
 * `JSON.parse` for large texts, in time slices. The text is walked structurally (native `indexOf` over
 * strings, sticky regular expressions over whitespace and literals), and every span of up to
 * {@link CHUNK_CHARS} characters, a run of small array elements or object members, is handed to the
 * native `JSON.parse`, which validates and builds it. Only containers larger than that are assembled
 * here, member by member, and strings longer than {@link LONG_STRING_CHARS} are parsed in pieces cut
 * between escapes. The result equals `JSON.parse(text)`, including `__proto__` members (own data
 * properties) and duplicate keys (the last wins); any text `JSON.parse` refuses throws
 * {@link JsonSyntaxError}.
 *
 * Recursion follows only the containers larger than a chunk, so its depth is that of the text, which the
 * JSON guard has bounded before this runs.
 */
import { endOfString } from "./shape-in-slices.js";
import type { TimeSlice } from "./time-slice.js";

/** Thrown for text that is not JSON (the caller turns it into its 400). */
export class JsonSyntaxError extends Error {
  constructor() {
    super("Malformed JSON");
    this.name = "JsonSyntaxError";
  }
}

/** Largest span handed to one native `JSON.parse` call when grouping small values. */
export const CHUNK_CHARS = 64 * 1024;
/** Strings longer than this are parsed in pieces of `STRING_PIECE_CHARS`. */
export const LONG_STRING_CHARS = 1024 * 1024;
const STRING_PIECE_CHARS = 256 * 1024;

/** The sizes the parser works with (smaller ones in tests, to reach every path with small texts). */
export interface SliceSizes {
  chunk: number;
  longString: number;
  stringPiece: number;
}

const DEFAULT_SIZES: SliceSizes = {
  chunk: CHUNK_CHARS,
  longString: LONG_STRING_CHARS,
  stringPiece: STRING_PIECE_CHARS,
};

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;

const SPACE = /[ \t\n\r]*/y;
const LITERAL = /[^,\]}\s]*/y;

/** `JSON.parse(text)`, giving the event loop back whenever `slice` is due. */
export async function parseJsonInSlices(
  text: string,
  slice: TimeSlice,
  sizes: SliceSizes = DEFAULT_SIZES,
): Promise<unknown> {
  const parser = new SlicedParser(text, slice, sizes);
  const start = parser.skipSpace(0);
  const [value, end] = await parser.value(start);
  if (parser.skipSpace(end) !== text.length) throw new JsonSyntaxError();
  return value;
}

/** Own data property, as `JSON.parse` defines it (a `__proto__` key does not set the prototype). */
function assign(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function nativeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new JsonSyntaxError();
  }
}

class SlicedParser {
  constructor(
    private readonly text: string,
    private readonly slice: TimeSlice,
    private readonly sizes: SliceSizes,
  ) {}

  skipSpace(at: number): number {
    if (at >= this.text.length) return at;
    SPACE.lastIndex = at;
    SPACE.test(this.text);
    return SPACE.lastIndex;
  }

  /**
   * End (exclusive) of the value at `at` when it spans at most `sizes.chunk` characters (and is
   * not a long string), or -1 when it is larger: then {@link value} assembles it.
   */
  private smallEnd(at: number): number {
    const text = this.text;
    const code = text.charCodeAt(at);
    if (code === QUOTE) {
      const end = endOfString(text, at);
      if (end < 0) throw new JsonSyntaxError();
      return end - at > this.sizes.longString ? -1 : end + 1;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      const limit = at + this.sizes.chunk;
      let depth = 0;
      for (let index = at; index < text.length; index++) {
        if (index > limit) return -1;
        const char = text.charCodeAt(index);
        if (char === QUOTE) {
          index = endOfString(text, index);
          if (index < 0) throw new JsonSyntaxError();
        } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
          depth++;
        } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
          if (--depth === 0) return index + 1;
        }
      }
      throw new JsonSyntaxError();
    }
    LITERAL.lastIndex = at;
    LITERAL.test(text);
    if (LITERAL.lastIndex === at) throw new JsonSyntaxError();
    return LITERAL.lastIndex;
  }

  /** The value starting at `at` (no leading space) and the index just after it. */
  async value(at: number): Promise<[unknown, number]> {
    const end = this.smallEnd(at);
    if (end >= 0) return [nativeParse(this.text.slice(at, end)), end];
    const code = this.text.charCodeAt(at);
    if (code === OPEN_ARRAY) return this.array(at);
    if (code === OPEN_OBJECT) return this.object(at);
    return this.longString(at);
  }

  private async array(at: number): Promise<[unknown[], number]> {
    const text = this.text;
    const result: unknown[] = [];
    let groupStart = -1;
    let groupEnd = -1;
    const flush = async () => {
      if (groupStart < 0) return;
      const group = nativeParse(`[${text.slice(groupStart, groupEnd)}]`) as unknown[];
      for (let index = 0; index < group.length; index++) result.push(group[index]);
      groupStart = -1;
      await this.slice.check();
    };
    let index = this.skipSpace(at + 1);
    if (text.charCodeAt(index) === CLOSE_ARRAY) return [result, index + 1];
    for (;;) {
      let end = this.smallEnd(index);
      if (end >= 0) {
        if (groupStart < 0) groupStart = index;
        groupEnd = end;
        if (groupEnd - groupStart >= this.sizes.chunk) await flush();
      } else {
        await flush();
        const [item, after] = await this.value(index);
        result.push(item);
        end = after;
      }
      const next = this.skipSpace(end);
      const code = text.charCodeAt(next);
      if (code === CLOSE_ARRAY) {
        await flush();
        return [result, next + 1];
      }
      if (code !== COMMA) throw new JsonSyntaxError();
      index = this.skipSpace(next + 1);
    }
  }

  private async object(at: number): Promise<[Record<string, unknown>, number]> {
    const text = this.text;
    const result: Record<string, unknown> = {};
    let groupStart = -1;
    let groupEnd = -1;
    const flush = async () => {
      if (groupStart < 0) return;
      const group = nativeParse(`{${text.slice(groupStart, groupEnd)}}`) as Record<string, unknown>;
      for (const key of Object.keys(group)) assign(result, key, group[key]);
      groupStart = -1;
      await this.slice.check();
    };
    let index = this.skipSpace(at + 1);
    if (text.charCodeAt(index) === CLOSE_OBJECT) return [result, index + 1];
    for (;;) {
      if (text.charCodeAt(index) !== QUOTE) throw new JsonSyntaxError();
      const keyEnd = endOfString(text, index);
      if (keyEnd < 0) throw new JsonSyntaxError();
      const colon = this.skipSpace(keyEnd + 1);
      if (text.charCodeAt(colon) !== COLON) throw new JsonSyntaxError();
      const valueAt = this.skipSpace(colon + 1);
      let end = this.smallEnd(valueAt);
      if (end >= 0) {
        if (groupStart < 0) groupStart = index;
        groupEnd = end;
        if (groupEnd - groupStart >= this.sizes.chunk) await flush();
      } else {
        await flush();
        const key = nativeParse(text.slice(index, keyEnd + 1)) as string;
        const [item, after] = await this.value(valueAt);
        assign(result, key, item);
        end = after;
      }
      const next = this.skipSpace(end);
      const code = text.charCodeAt(next);
      if (code === CLOSE_OBJECT) {
        await flush();
        return [result, next + 1];
      }
      if (code !== COMMA) throw new JsonSyntaxError();
      index = this.skipSpace(next + 1);
    }
  }

  /**
   * A string longer than `sizes.longString`, in pieces cut where no escape sequence is open.
   * Joining the pieces' UTF-16 code units gives the whole string, even where a surrogate pair (raw or
   * escaped) straddles a cut.
   */
  private async longString(at: number): Promise<[string, number]> {
    const text = this.text;
    const close = endOfString(text, at);
    if (close < 0) throw new JsonSyntaxError();
    let result = "";
    let start = at + 1;
    while (start < close) {
      let cut = Math.min(close, start + this.sizes.stringPiece);
      if (cut < close) cut = cutBeforeEscape(text, start, cut);
      result += nativeParse(`"${text.slice(start, cut)}"`) as string;
      start = cut;
      await this.slice.check();
    }
    return [result, close + 1];
  }
}

/**
 * `cut`, or the start of the escape sequence (`\n`, `\uXXXX`: at most 6 characters) it would split.
 * `start` is itself such a boundary.
 */
function cutBeforeEscape(text: string, start: number, cut: number): number {
  const backslash = text.lastIndexOf("\\", cut - 1);
  if (backslash < start || backslash < cut - 6) return cut;
  let run = 0;
  while (backslash - run >= start && text.charCodeAt(backslash - run) === BACKSLASH) run++;
  // An even run ends a `\\` pair before the cut; an odd one ends with a backslash opening an escape,
  // cut before it (or after it, when it opens the piece).
  if ((run & 1) === 0) return cut;
  if (backslash > start) return backslash;
  return backslash + (text.charCodeAt(backslash + 1) === 117 ? 6 : 2);
}
