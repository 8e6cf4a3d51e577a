import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { encodeSSEEvent } from "./encode-sse-event.js";

const encoder = new TextEncoder();

/**
 * A pull-based `ReadableStream` of bytes over an async iterable of text pieces: each pull writes the
 * next piece as one chunk. Cancelling the stream (the client went away) calls the iterator's
 * `return()`, which finishes the producer and, for the bridge, aborts the upstream request.
 */
export function textToByteStream(pieces: AsyncIterable<string>): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<string> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        iterator ??= pieces[Symbol.asyncIterator]();
        for (;;) {
          const next = await iterator.next();
          if (next.done) {
            controller.close();
            return;
          }
          if (next.value.length === 0) continue;
          controller.enqueue(encoder.encode(next.value));
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

async function* encodeEvents(
  events: AsyncIterable<ResponseStreamEvent | readonly ResponseStreamEvent[]>,
): AsyncGenerator<string, void, undefined> {
  for await (const value of events) {
    if (Array.isArray(value)) {
      let text = "";
      for (const event of value as readonly ResponseStreamEvent[]) text += encodeSSEEvent(event);
      yield text;
    } else {
      yield encodeSSEEvent(value as ResponseStreamEvent);
    }
  }
}

/**
 * A pull-based `ReadableStream` of SSE bytes over Responses events (single events, or arrays of
 * events written together). Cancelling the stream calls the iterator's `return()`.
 */
export function eventsToSSEStream(
  events: AsyncIterable<ResponseStreamEvent | readonly ResponseStreamEvent[]>,
): ReadableStream<Uint8Array> {
  return textToByteStream(encodeEvents(events));
}
