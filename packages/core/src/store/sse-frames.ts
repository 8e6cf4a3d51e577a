/**
 * Helpers for the SSE text a turn log keeps. The bridge numbers a stream's events 0, 1, 2… with one
 * frame (`event: …\ndata: {…}\n\n`) per event, so a frame's `sequence_number` is its position among the
 * stream's event frames; comments (keep-alives) are not events.
 */

/**
 * The event frames in SSE text written by the bridge, comments left out. JSON never holds a raw newline,
 * so frames split on blank lines.
 */
export function splitSSEFrames(text: string): string[] {
  const frames: string[] = [];
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf("\n\n", start);
    const stop = end < 0 ? text.length : end + 2;
    if (text.charCodeAt(start) !== 58 /* ":" */) frames.push(text.slice(start, stop));
    start = stop;
  }
  return frames;
}

/**
 * The event frames of `text` whose sequence number is greater than `after`, given that the first frame of
 * `text` has sequence number `first`; comments (keep-alives) left out.
 */
export function framesAfter(text: string, first: number, after: number): string {
  const hasComment = text.charCodeAt(0) === 58 /* ":" */ || text.includes("\n\n:");
  if (first > after && !hasComment) return text;
  const frames = splitSSEFrames(text);
  return frames.slice(Math.max(0, after + 1 - first)).join("");
}

/** How many event frames `text` holds (comments left out), without slicing it. */
export function countSSEFrames(text: string): number {
  let count = 0;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf("\n\n", start);
    if (text.charCodeAt(start) !== 58 /* ":" */) count++;
    if (end < 0) break;
    start = end + 2;
  }
  return count;
}
