import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { type ResponsesBridgeError, upstreamConnectionError, upstreamError } from "../errors.js";
import {
  type ByteReader,
  openGuardedReader,
  textDecoderFor,
  type UpstreamBody,
} from "../upstream/byte-source.js";
import { markFinalBatch } from "./chat-chunk-stream.js";
import { ChunkParser } from "./chunk-parser.js";

/** Options for {@link readChatStream}. */
export interface ReadChatStreamOptions {
  /** Largest single SSE event accepted, in characters. Default 16 MiB. */
  maxEventSize?: number;
  /** Redacts secrets from upstream text before it reaches an error message. */
  redact?: (text: string) => string;
  /** Longest silence between two reads, in milliseconds; then the body is cancelled and a 504 `upstream_timeout` thrown. Default: none. */
  idleTimeoutMs?: number;
  /** Largest body, in bytes; past it the body is cancelled and a 502 `upstream_response_too_large` thrown. Default: none. */
  maxBytes?: number;
}

function errorFromPayload(
  payload: { error?: unknown },
  redact: (text: string) => string,
): ResponsesBridgeError {
  const error = payload.error as { message?: unknown; code?: unknown; status?: unknown } | string | undefined;
  const message =
    typeof error === "string" ? error : typeof error?.message === "string" ? error.message : "Upstream error";
  const code = typeof error === "object" && typeof error?.code === "string" ? error.code : null;
  const status = typeof error === "object" && typeof error?.status === "number" ? error.status : 502;
  return upstreamError(status >= 400 && status < 600 ? status : 502, `Upstream error: ${redact(message)}`, {
    code,
  });
}

/** A chunk that carries the usage and no choice: the last one of a stream asked for `include_usage`. */
export function isUsageChunk(chunk: ChatCompletionChunk): boolean {
  return chunk.usage != null && (chunk.choices === undefined || chunk.choices.length === 0);
}

/**
 * Reads a Chat Completions SSE body into chunks: each event parsed once (a chunk shaped like the one
 * before it by parsing only the string that changed, see {@link ChunkParser}), no re-serialising.
 * Ends at `data: [DONE]`. A body that ends without `[DONE]` and without any `finish_reason` (on choice 0)
 * is an interrupted stream and throws; a body that carried a `finish_reason` is accepted without `[DONE]`
 * (older llama.cpp, several local servers). Tolerated as servers send them: SSE comments (OpenRouter's
 * `: OPENROUTER PROCESSING`, DeepSeek's `: keep-alive`), events with empty data, CRLF line ends, events
 * split at any byte. Malformed JSON, in-band `{"error": …}` payloads and `event: error` frames throw.
 * Returning early (breaking the loop) cancels the body.
 */
export async function* readChatStream(
  body: UpstreamBody,
  options: ReadChatStreamOptions = {},
): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  for await (const batch of readChatStreamBatches(body, options)) yield* batch;
}

/**
 * {@link readChatStream} one network read at a time: each batch holds the chunks completed by one read
 * of the body (never empty), so a writer can translate and send them in one write.
 */
export async function* readChatStreamBatches(
  body: UpstreamBody,
  options: ReadChatStreamOptions = {},
): AsyncGenerator<ChatCompletionChunk[], void, undefined> {
  const redact = options.redact ?? ((text: string) => text);
  const idleTimeoutMs = options.idleTimeoutMs ?? 0;
  const reader = openGuardedReader(body, {
    idleMs: idleTimeoutMs,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    idleMessage: `The upstream sent nothing for ${idleTimeoutMs} ms while streaming; the call was cut.`,
    lostMessage: "The upstream connection failed while streaming the response.",
  });
  const decoder = textDecoderFor(body);
  const chunks = new ChunkParser();
  const pending: EventSourceMessage[] = [];
  let parseFailure: Error | undefined;
  const parser = createParser({
    maxBufferSize: options.maxEventSize ?? 16 * 1024 * 1024,
    onEvent: (message) => pending.push(message),
    onError: (error) => {
      if (error.type === "max-buffer-size-exceeded") parseFailure = error;
    },
  });
  let sawDone = false;
  let sawFinish = false;
  let ended = false;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        ended = true;
        parser.feed(decoder.decode());
      } else {
        parser.feed(decoder.decode(result.value, { stream: true }));
      }
      if (parseFailure)
        throw upstreamConnectionError(
          "The upstream sent an event larger than the allowed size.",
          parseFailure,
        );
      let batch: ChatCompletionChunk[] | undefined;
      for (let i = 0; i < pending.length; i++) {
        const message = pending[i]!;
        const data = message.data;
        // Keep-alive events with no data (some proxies send `data:` alone) carry nothing.
        if (data.length === 0 || (data.length < 16 && data.trim().length === 0)) continue;
        if (data === "[DONE]" || (data.length < 16 && data.trim() === "[DONE]")) {
          sawDone = true;
          break;
        }
        let chunk: ChatCompletionChunk & { error?: unknown };
        try {
          chunk = chunks.parse(data) as typeof chunk;
        } catch (error) {
          throw upstreamConnectionError("The upstream sent a malformed stream chunk (invalid JSON).", error);
        }
        if (chunk === null || typeof chunk !== "object") {
          throw upstreamConnectionError("The upstream sent a malformed stream chunk (not an object).");
        }
        if (chunk.error !== undefined && chunk.error !== null) throw errorFromPayload(chunk, redact);
        if (message.event === "error") throw errorFromPayload({ error: chunk }, redact);
        if (!sawFinish && chunk.choices?.some((choice) => choice.finish_reason && !choice.index)) {
          sawFinish = true;
        }
        if (batch) batch.push(chunk);
        else batch = [chunk];
        // The usage chunk after a finish is the last one (OpenAI sends `[DONE]` next): the reply is whole.
        if (sawFinish && isUsageChunk(chunk)) {
          sawDone = true;
          break;
        }
      }
      pending.length = 0;
      if (batch) {
        if (sawDone || (ended && sawFinish)) markFinalBatch(batch);
        yield batch;
      }
      if (sawDone) return;
      if (ended) {
        if (sawFinish) return;
        throw upstreamConnectionError("The upstream stream ended before the response was complete.");
      }
    }
  } finally {
    reader.stop();
    // Nothing to do once the body ended. After [DONE] its end usually follows at once: it is awaited
    // briefly in the background (the reply does not wait), so the connection can be reused; then the
    // transfer is stopped: an upstream that keeps writing after [DONE] must not hold its connection open.
    if (!ended) {
      if (sawDone) void endsSoon(reader).then((end) => (end ? undefined : reader.cancel()));
      else await reader.cancel();
    }
  }
}

/** How long the end of a body is awaited after `[DONE]` before the body is cancelled. */
const END_GRACE_MS = 250;

/**
 * Whether the body of `reader` ends within {@link END_GRACE_MS}; what it still sends in that time (the
 * `[DONE]` after a usage chunk, comments) is dropped.
 */
async function endsSoon(reader: ByteReader): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), END_GRACE_MS);
  });
  try {
    for (;;) {
      const next = reader.read().then(
        (result) => (result.done ? "end" : "data"),
        () => "failed" as const,
      );
      const outcome = await Promise.race([late, next]);
      if (outcome !== "data") return outcome === "end";
    }
  } finally {
    clearTimeout(timer);
  }
}
