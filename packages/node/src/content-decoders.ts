import { Transform, type TransformCallback } from "node:stream";
import * as zlib from "node:zlib";

/** Flush what each compressed read holds at once: a stream's events must not wait for the next read. */
const ZLIB_SYNC = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_FLUSH = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

/** `zlib.createZstdDecompress` where this Node has it (22.15 and later). */
const createZstdDecompress = (zlib as { createZstdDecompress?: (options?: object) => Transform })
  .createZstdDecompress;

/** No decoding: shared, since nearly every body is not compressed. */
const NONE: readonly Transform[] = [];

/** Statuses whose responses have no body to decode. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * `deflate` as servers send it: zlib-wrapped (RFC 1950), as the name says, or raw (RFC 1951), which some
 * send instead; the first byte tells which (a zlib header's low nibble is 8). Decided on the first
 * non-empty chunk, as `fetch` decides it.
 */
class Inflate extends Transform {
  #inflate: Transform | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.#inflate) {
      if (chunk.length === 0) {
        callback();
        return;
      }
      const inflate =
        (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate(ZLIB_SYNC) : zlib.createInflateRaw(ZLIB_SYNC);
      inflate.on("data", (data: Buffer) => this.push(data));
      inflate.once("end", () => this.push(null));
      inflate.once("error", (error) => this.destroy(error));
      this.#inflate = inflate;
    }
    this.#inflate.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The inner inflater ends this stream once it has given out everything; an empty body ends here.
    if (this.#inflate) this.#inflate.end();
    else this.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#inflate?.destroy();
    callback(error);
  }
}

/** The decoder of one content coding, or `undefined` for a coding `fetch` does not decode. */
function decoderOf(coding: string): Transform | undefined {
  switch (coding) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip(ZLIB_SYNC);
    case "deflate":
      return new Inflate();
    case "br":
      return zlib.createBrotliDecompress(BROTLI_FLUSH);
    case "zstd":
      return createZstdDecompress?.();
    default:
      return undefined;
  }
}

/**
 * The decoders a response body goes through, in order, as `fetch` decodes a `content-encoding`: each
 * listed coding undone from the last to the first (`gzip`/`x-gzip`, `deflate` zlib-wrapped or raw, `br`,
 * and `zstd` where Node has it), and none at all when one of them is a coding it does not know (the body
 * is then given as it came). A `HEAD` answer, or a status without a body, is not decoded.
 *
 * `nodeFetch()` asks for no compression (it sends no `accept-encoding`), so this only matters for a
 * server that compresses anyway, or when the upstream's own headers ask for it.
 */
export function contentDecoders(
  method: string,
  status: number,
  header: string | undefined,
): readonly Transform[] {
  if (header === undefined || method === "HEAD" || NULL_BODY_STATUSES.has(status)) return NONE;
  const codings = header.toLowerCase().split(",");
  const decoders: Transform[] = [];
  for (let index = codings.length - 1; index >= 0; index--) {
    const decoder = decoderOf(codings[index]!.trim());
    if (decoder === undefined) {
      for (const made of decoders) made.destroy();
      return NONE;
    }
    decoders.push(decoder);
  }
  return decoders;
}
