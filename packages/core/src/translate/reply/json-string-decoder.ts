const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

function hexValue(text: string, start: number): number {
  let value = 0;
  for (let index = start; index < start + 4; index++) {
    const code = text.charCodeAt(index);
    let digit: number;
    if (code >= 0x30 && code <= 0x39) digit = code - 0x30;
    else if (code >= 0x41 && code <= 0x46) digit = code - 0x37;
    else if (code >= 0x61 && code <= 0x66) digit = code - 0x57;
    else return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Result of {@link JsonStringDecoder.decode}. */
export interface DecodedPiece {
  /** Decoded characters that are certain (never a partial escape or a lone trailing high surrogate). */
  text: string;
  /** Index in the piece just after the closing quote, or -1 when the string is still open. */
  end: number;
}

/**
 * Decodes the body of a JSON string (after its opening quote) that arrives in pieces split anywhere,
 * including inside an escape sequence (`\n`, `\"`, `\\`, `\uXXXX`, surrogate pairs written as two
 * escapes). Each call does O(piece) work: at most 5 characters of a partial escape and one high surrogate
 * are carried to the next piece.
 *
 * Lenient where models are sloppy: raw control characters (a literal newline) are kept as they are, and
 * an unknown escape such as `\q` yields the escaped character.
 */
export class JsonStringDecoder {
  /** An incomplete escape sequence from the previous piece, starting with a backslash. */
  private pendingEscape = "";
  /** A decoded high surrogate held until its low half is known. */
  private heldHigh = "";

  /** Decodes `piece` from `start` up to the closing quote or the end of the piece. */
  decode(piece: string, start = 0): DecodedPiece {
    let source = piece;
    let offset = start;
    let shift = 0;
    if (this.pendingEscape.length > 0) {
      shift = this.pendingEscape.length;
      source = this.pendingEscape + piece.slice(start);
      offset = 0;
      this.pendingEscape = "";
    }
    const length = source.length;
    let out = this.heldHigh;
    this.heldHigh = "";
    let run = offset;
    let index = offset;
    let end = -1;
    while (index < length) {
      const code = source.charCodeAt(index);
      if (code === 0x22) {
        out += source.slice(run, index);
        end = index + 1;
        break;
      }
      if (code !== 0x5c) {
        index++;
        continue;
      }
      out += source.slice(run, index);
      if (index + 1 >= length) {
        this.pendingEscape = "\\";
        index = length;
        run = length;
        break;
      }
      const kind = source[index + 1]!;
      if (kind === "u") {
        if (index + 6 > length) {
          this.pendingEscape = source.slice(index);
          index = length;
          run = length;
          break;
        }
        const value = hexValue(source, index + 2);
        if (value < 0) {
          out += "u";
          index += 2;
        } else {
          out += String.fromCharCode(value);
          index += 6;
        }
      } else {
        out += SIMPLE_ESCAPES[kind] ?? kind;
        index += 2;
      }
      run = index;
    }
    if (end < 0) {
      out += source.slice(run, index);
      const last = out.charCodeAt(out.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        this.heldHigh = out.slice(-1);
        out = out.slice(0, -1);
      }
      return { text: out, end: -1 };
    }
    // Map the index back into the caller's piece.
    return { text: out, end: shift > 0 ? end - shift + start : end };
  }

  /** Characters still held when the input ends without a closing quote (a lone high surrogate). */
  flush(): string {
    const held = this.heldHigh;
    this.heldHigh = "";
    this.pendingEscape = "";
    return held;
  }
}
