import type { IncomingMessage } from "node:http";
import type { Readable, Transform } from "node:stream";
import * as zlib from "node:zlib";
import { invalidRequest } from "@responses-bridge/core";
import {
  DEFAULT_MAX_BODY_BYTES,
  parseJsonBody,
  parseJsonBytes,
  payloadTooLarge,
  unsupportedContentEncoding,
} from "@responses-bridge/core/http";
import { utf8Text } from "./utf8.js";

/** Options of {@link readNodeBody}. */
export interface ReadNodeBodyOptions {
  /** Largest accepted body in bytes, after decompression; larger bodies are a 413. Default: the core's 20 MiB. */
  maxBodyBytes?: number;
  /**
   * The body bytes to read instead of `req` itself (Fastify's `payload`). Its encoding is still taken
   * from `req.headers["content-encoding"]`.
   */
  stream?: Readable;
}

const zstd = (zlib as { createZstdDecompress?: () => Transform }).createZstdDecompress;

/**
 * Encodings decoded here with `node:zlib`: the core's `gzip`/`deflate`, plus `br` everywhere and `zstd`
 * where the runtime has it (Node 22.15+, 24). Any other encoding is a 415.
 */
const NODE_DECODERS: Record<string, (() => Transform) | undefined> = {
  gzip: () => zlib.createGunzip(),
  "x-gzip": () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
  zstd: zstd && (() => zstd()),
};

/** Content encodings the Node adapters accept on request bodies, on this runtime. */
export const NODE_CONTENT_ENCODINGS: readonly string[] = Object.keys(NODE_DECODERS).filter(
  (name) => NODE_DECODERS[name] !== undefined,
);

/**
 * Reads a Node request's JSON body with the core's rules (same limit, same OpenAI-shaped 400/413/415
 * errors), adding `br` and `zstd` decoding. A body that a middleware already read (`express.json()`,
 * `express.raw()`, `body-parser`) is taken from `req.body` instead of reading the spent stream again.
 * Throws a `ResponsesBridgeError`.
 */
export async function readNodeBody(
  req: IncomingMessage,
  options: ReadNodeBodyOptions = {},
): Promise<unknown> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const source = options.stream ?? req;
  const encoding = (header(req, "content-encoding") ?? "identity").trim().toLowerCase();
  // A declared length over the limit is refused before anything is read (or trusted from a parser).
  if (encoding === "identity" && Number(header(req, "content-length") ?? Number.NaN) > maxBytes) {
    throw payloadTooLarge(maxBytes);
  }
  if (options.stream === undefined && (req.readableDidRead || req.readableEnded)) {
    return alreadyRead((req as { body?: unknown }).body, maxBytes);
  }
  if (encoding === "identity") {
    return parseCollected(await collectBytes(source, maxBytes, "The request body could not be read."));
  }
  const decoder = NODE_DECODERS[encoding]?.();
  if (!decoder) throw unsupportedContentEncoding(encoding);
  source.once("error", (error) => decoder.destroy(error));
  const body = await collectBytes(
    source.pipe(decoder),
    maxBytes,
    `The request body could not be read as ${encoding}.`,
  );
  return parseCollected(body);
}

/** Bodies over this size are parsed in slices (the core's threshold in `parseJsonBytes`). */
const SLICED_PARSE_BYTES = 1024 * 1024;

/**
 * The JSON value of a body read whole: small bodies as `parseJsonBody` does on their text (Node's
 * decoder), bodies over 1 MiB with the core's `parseJsonBytes`, which decodes and parses them in slices
 * so other requests keep being served meanwhile.
 */
function parseCollected({ parts, total }: { parts: Buffer[]; total: number }): unknown {
  if (total <= SLICED_PARSE_BYTES) return parseJsonBody(utf8Text(parts));
  return parseJsonBytes(parts, total);
}

/**
 * The whole of `stream` as byte chunks, failing with a 413 once more than `maxBytes` arrived (the rest is
 * discarded, not buffered) and with a 400 `unreadable` when the stream errors or closes early.
 */
function collectBytes(
  stream: Readable,
  maxBytes: number,
  unreadable: string,
): Promise<{ parts: Buffer[]; total: number }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let total = 0;
    const finish = (outcome: () => void) => {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total <= maxBytes) {
        parts.push(chunk);
        return;
      }
      finish(() => reject(payloadTooLarge(maxBytes)));
      // Keep draining so the connection can still carry the 413.
      stream.on("error", () => {});
      stream.resume();
    };
    const onEnd = () => finish(() => resolve({ parts, total }));
    const onError = () => finish(() => reject(invalidRequest(unreadable)));
    const onClose = () => finish(() => reject(invalidRequest(unreadable)));
    stream.on("data", onData);
    stream.once("end", onEnd);
    stream.once("error", onError);
    stream.once("close", onClose);
  });
}

/**
 * The body a middleware already read: an object as it is; bytes or text from `express.raw()` /
 * `express.text()` (already decoded) within the limit and parsed as JSON; nothing at all is an empty body.
 */
function alreadyRead(parsed: unknown, maxBytes: number): unknown {
  if (typeof parsed === "object" && parsed !== null && !ArrayBuffer.isView(parsed)) return parsed;
  let text: string;
  if (typeof parsed === "string") {
    if (Buffer.byteLength(parsed) > maxBytes) throw payloadTooLarge(maxBytes);
    text = parsed;
  } else if (ArrayBuffer.isView(parsed)) {
    if (parsed.byteLength > maxBytes) throw payloadTooLarge(maxBytes);
    text = Buffer.from(parsed.buffer, parsed.byteOffset, parsed.byteLength).toString("utf8");
  } else {
    throw invalidRequest("The request body is empty: expected a JSON object.");
  }
  return parseJsonBody(text);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
