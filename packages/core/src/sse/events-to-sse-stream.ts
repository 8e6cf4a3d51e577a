import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { encodeSSEEvent } from "./encode-sse-event.js";

const encoder = new TextEncoder();

/**
 * A pull-based `ReadableStream` of SSE bytes over an event iterable. Each pull writes the next
 * batch as one chunk; cancelling the stream (the client went away) calls the iterator's `return()`,
 * which finishes the translation and aborts the upstream request.
 *
 * The iterable may yield single events or arrays of events (one array per upstream chunk, so one
 * chunk is written with one enqueue).
 */
export function eventsToSSEStream(
  events: AsyncIterable<ResponseStreamEvent | readonly ResponseStreamEvent[]>,
): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<ResponseStreamEvent | readonly ResponseStreamEvent[]> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= events[Symbol.asyncIterator]();
        // Skip batches that produced no events so every pull enqueues something or closes.
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            controller.close();
            return;
          }
          const value = next.value;
          let text: string;
          if (Array.isArray(value)) {
            if (value.length === 0) continue;
            text = "";
            for (const event of value as readonly ResponseStreamEvent[]) text += encodeSSEEvent(event);
          } else {
            text = encodeSSEEvent(value as ResponseStreamEvent);
          }
          controller.enqueue(encoder.encode(text));
          return;
        }
      },
      async cancel() {
        await iterator?.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
