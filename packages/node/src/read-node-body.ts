import type { IncomingMessage } from "node:http";
import { Readable, type Transform } from "node:stream";
import * as zlib from "node:zlib";
import {
  DEFAULT_MAX_BODY_BYTES,
  invalidRequest,
  ResponsesBridgeError,
  readJsonBody,
} from "@responses-bridge/core";

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
 * Encodings decoded here with `node:zlib`, beyond the core's `gzip`/`deflate`: `br` everywhere, `zstd`
 * where the runtime has it (Node 22.15+, 24). Any other encoding reaches the core, which answers 415.
 */
const NODE_DECODERS: Record<string, (() => Transform) | undefined> = {
  br: () => zlib.createBrotliDecompress(),
  zstd: zstd && (() => zstd()),
};

/** Content encodings the Node adapters accept on request bodies, on this runtime. */
export const NODE_CONTENT_ENCODINGS: readonly string[] = [
  "gzip",
  "x-gzip",
  "deflate",
  ...Object.keys(NODE_DECODERS).filter((name) => NODE_DECODERS[name] !== undefined),
];

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
  if (options.stream === undefined && (req.readableDidRead || req.readableEnded)) {
    await assertDeclaredSize(req, maxBytes);
    const parsed = (req as { body?: unknown }).body;
    if (typeof parsed === "object" && parsed !== null && !ArrayBuffer.isView(parsed)) return parsed;
    // Bytes or text from express.raw()/express.text() (already decoded), or nothing at all.
    const body = typeof parsed === "string" || ArrayBuffer.isView(parsed) ? parsed : null;
    return await readJsonBody(
      new Request("http://localhost/", { method: "POST", body } as RequestInit),
      maxBytes,
    );
  }
  const encoding = (header(req, "content-encoding") ?? "identity").trim().toLowerCase();
  const decoder = NODE_DECODERS[encoding]?.();
  const headers = new Headers();
  if (!decoder) {
    for (const name of ["content-encoding", "content-length"]) {
      const value = header(req, name);
      if (value !== undefined) headers.set(name, value);
    }
  }
  let decodeError: unknown;
  decoder?.once("error", (error) => {
    decodeError = error;
  });
  const bytes = decoder ? source.pipe(decoder) : source;
  if (decoder) source.once("error", (error) => decoder.destroy(error));
  const request = new Request("http://localhost/", {
    method: "POST",
    headers,
    body: Readable.toWeb(bytes) as ReadableStream<Uint8Array>,
    duplex: "half",
  } as RequestInit);
  try {
    return await readJsonBody(request, maxBytes);
  } catch (error) {
    if (decodeError === undefined || (ResponsesBridgeError.isInstance(error) && error.status === 413))
      throw error;
    throw invalidRequest(`The request body could not be read as ${encoding}.`);
  }
}

/**
 * The limit for a body a parser already read: its declared length (when not encoded) must fit too.
 * The core answers with its own 413 for a declared length over the limit, before reading anything.
 */
async function assertDeclaredSize(req: IncomingMessage, maxBytes: number): Promise<void> {
  const declared = Number(header(req, "content-length") ?? Number.NaN);
  const encoding = (header(req, "content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" || !(declared > maxBytes)) return;
  const headers = { "content-length": String(declared) };
  await readJsonBody(new Request("http://localhost/", { method: "POST", headers }), maxBytes);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
