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
import {
  BACKSLASH,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  endOfString,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
} from "../json-shape.js";
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

/** What {@link SlicedParser.scanGroup} found. */
interface Group {
  /** End of the run of whole elements (-1: none before a large one). */
  end: number;
  /** What ends the run: a comma (more follows), the closing bracket, or an element larger than a chunk. */
  next: "comma" | "close" | "big";
  /** Start of the large element, when `next` is "big". */
  big: number;
}

class SlicedParser {
  constructor(
    private readonly text: string,
    private readonly slice: TimeSlice,
    private readonly sizes: SliceSizes,
  ) {}

  skipSpace(at: number): number {
    const code = this.text.charCodeAt(at);
    // Most values are followed by punctuation, not space: no regular expression run for them.
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return at;
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

  /**
   * Scans the elements (or members) of the container whose first one starts at `start`, at the
   * container's own depth, until about `sizes.chunk` characters have been passed. Returns where the run
   * of whole elements scanned ends (`end`, before a separating comma or the closing bracket), what comes
   * after it, and, when an element alone is larger than a chunk, where that element starts.
   */
  private scanGroup(start: number): Group {
    const text = this.text;
    const limit = this.sizes.chunk;
    let depth = 0;
    let elementStart = start;
    let lastComma = -1;
    for (let index = start; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === QUOTE) {
        index = endOfString(text, index);
        if (index < 0) throw new JsonSyntaxError();
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        depth++;
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        if (depth === 0) return { end: index, next: "close", big: -1 };
        depth--;
      } else if (code === COMMA && depth === 0) {
        if (index - start >= limit) return { end: index, next: "comma", big: -1 };
        lastComma = index;
        elementStart = index + 1;
        continue;
      }
      if (index - elementStart > limit) return { end: lastComma, next: "big", big: elementStart };
    }
    throw new JsonSyntaxError();
  }

  /**
   * The elements (or members) of a container larger than a chunk: runs of small ones parsed natively,
   * each as `[run]` (or `{run}`), large ones one at a time through `member`.
   */
  private async container(
    at: number,
    close: number,
    parseRun: (run: string) => void,
    member: (start: number) => Promise<number>,
  ): Promise<number> {
    const text = this.text;
    let start = this.skipSpace(at + 1);
    if (text.charCodeAt(start) === close) return start + 1;
    for (;;) {
      const group = this.scanGroup(start);
      // An empty run before a comma or the end (`[1,]`, or `[1,,2]` split at a comma) is malformed.
      if (group.end >= 0) {
        if (this.skipSpace(start) === group.end) throw new JsonSyntaxError();
        parseRun(text.slice(start, group.end));
      }
      const after =
        group.next === "big" ? this.skipSpace(await member(this.skipSpace(group.big))) : group.end;
      await this.slice.check();
      const code = text.charCodeAt(after);
      if (code === close) return after + 1;
      if (code !== COMMA) throw new JsonSyntaxError();
      start = this.skipSpace(after + 1);
    }
  }

  private async array(at: number): Promise<[unknown[], number]> {
    const result: unknown[] = [];
    const end = await this.container(
      at,
      CLOSE_ARRAY,
      (run) => {
        const items = nativeParse(`[${run}]`) as unknown[];
        for (let index = 0; index < items.length; index++) result.push(items[index]);
      },
      async (start) => {
        const [item, after] = await this.value(start);
        result.push(item);
        return after;
      },
    );
    return [result, end];
  }

  private async object(at: number): Promise<[Record<string, unknown>, number]> {
    const text = this.text;
    const result: Record<string, unknown> = {};
    const end = await this.container(
      at,
      CLOSE_OBJECT,
      (run) => {
        const members = nativeParse(`{${run}}`) as Record<string, unknown>;
        for (const key of Object.keys(members)) assign(result, key, members[key]);
      },
      async (start) => {
        if (text.charCodeAt(start) !== QUOTE) throw new JsonSyntaxError();
        const keyEnd = endOfString(text, start);
        if (keyEnd < 0) throw new JsonSyntaxError();
        const colon = this.skipSpace(keyEnd + 1);
        if (text.charCodeAt(colon) !== COLON) throw new JsonSyntaxError();
        const key = nativeParse(text.slice(start, keyEnd + 1)) as string;
        const [item, after] = await this.value(this.skipSpace(colon + 1));
        assign(result, key, item);
        return after;
      },
    );
    return [result, end];
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
