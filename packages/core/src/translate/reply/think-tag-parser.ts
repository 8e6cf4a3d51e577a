const OPEN = "<think>";
const CLOSE = "</think>";

/** Where the parser puts what it reads. Empty strings are never passed. */
export interface ThinkTagSink {
  /** Text inside the think block. */
  reasoning(text: string): void;
  /** Text outside it (before a block is ruled out, or after `</think>`). */
  text(text: string): void;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * Splits streamed content into reasoning and text when the model writes its reasoning inline as
 * `<think>…</think>` (Qwen3, DeepSeek-R1 and others behind servers without a reasoning parser).
 *
 * Rules:
 * - Only a think block at the **start** of the content counts (leading whitespace allowed). Once any
 *   other character arrives the content is plain text, and later `<think>` tags stay in the text.
 * - Tags may be split across pieces at any character; nothing is emitted until it is certain, and at most
 *   7 characters (a partial tag) are held back.
 * - Whitespace right after `<think>` is dropped (the text after `</think>` keeps its whitespace; the
 *   translator drops the separator before the message).
 * - A block that is still open when the reply ends is reasoning (a model cut off while thinking).
 * - A reply that opens with `…</think>` without the opening tag (some templates inject `<think>` into the
 *   prompt) is not detected: use the server's reasoning parser for those models.
 *
 * Work per piece is O(piece length): the held-back part is at most 7 characters and accumulated text is
 * never rescanned.
 */
export class ThinkTagParser {
  private phase: "start" | "think" | "text" = "start";
  /** In `start`: leading whitespace plus the matched part of `<think>`. In `think`: a partial `</think>`. */
  private held = "";
  private matched = 0;
  /** No reasoning emitted yet: whitespace right after `<think>` is dropped. */
  private thinkStart = true;

  /** Feeds one piece of content. */
  push(piece: string, sink: ThinkTagSink): void {
    if (piece.length === 0) return;
    if (this.phase === "text") {
      sink.text(piece);
      return;
    }
    if (this.phase === "start") {
      const length = piece.length;
      let index = 0;
      for (; index < length; index++) {
        const code = piece.charCodeAt(index);
        if (this.matched === 0 && isWhitespace(code)) continue;
        if (piece[index] === OPEN[this.matched]) {
          this.matched++;
          if (this.matched === OPEN.length) break;
          continue;
        }
        // Not a think block: everything held and the rest of the piece is text.
        this.phase = "text";
        const text = this.held + piece;
        this.held = "";
        sink.text(text);
        return;
      }
      if (this.matched < OPEN.length) {
        this.held += piece;
        return;
      }
      this.phase = "think";
      this.held = "";
      this.pushThink(piece.slice(index + 1), sink);
      return;
    }
    this.pushThink(piece, sink);
  }

  private pushThink(piece: string, sink: ThinkTagSink): void {
    if (this.thinkStart) {
      let skip = 0;
      while (skip < piece.length && isWhitespace(piece.charCodeAt(skip))) skip++;
      if (skip === piece.length) return;
      this.thinkStart = false;
      if (skip > 0) piece = piece.slice(skip);
    }
    const text = this.held.length > 0 ? this.held + piece : piece;
    this.held = "";
    const close = text.indexOf(CLOSE);
    if (close >= 0) {
      if (close > 0) sink.reasoning(text.slice(0, close));
      this.phase = "text";
      const rest = text.slice(close + CLOSE.length);
      if (rest.length > 0) sink.text(rest);
      return;
    }
    // Hold back a trailing partial `</think>` (at most 7 characters).
    let keep = Math.min(CLOSE.length - 1, text.length);
    while (keep > 0 && !text.endsWith(CLOSE.slice(0, keep))) keep--;
    const emit = text.length - keep;
    if (emit > 0) sink.reasoning(keep > 0 ? text.slice(0, emit) : text);
    if (keep > 0) this.held = text.slice(emit);
  }

  /** Ends the content: held characters are flushed (an unclosed block's tail is reasoning). */
  end(sink: ThinkTagSink): void {
    const held = this.held;
    this.held = "";
    if (held.length === 0) return;
    if (this.phase === "think") sink.reasoning(held);
    else sink.text(held);
  }

  /** True while the content may still turn out to start with a think block, or is inside one. */
  get undecided(): boolean {
    return this.phase !== "text";
  }
}
