import { invalidRequest, ResponsesBridgeError } from "./errors.js";
import { parseJsonBody, parseJsonBytes } from "./json/parse-json-bytes.js";
import { MAX_JSON_DEPTH } from "./json-shape.js";

export { MAX_JSON_DEPTH, parseJsonBody, parseJsonBytes };

/** Default request body limit: 20 MiB, enough for long agent histories with inline images. */
export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** The 413 `request_too_large` error for a body over `limit` bytes (for adapters that read bodies themselves). */
export function payloadTooLarge(limit: number): ResponsesBridgeError {
  return new ResponsesBridgeError(`Request body too large: the limit is ${limit} bytes.`, {
    status: 413,
    type: "invalid_request_error",
    code: "request_too_large",
  });
}

const SUPPORTED_ENCODINGS = new Set(["gzip", "x-gzip", "deflate"]);

/**
 * Reads a Web `Request` body as JSON, enforcing `maxBytes` on the decoded size: a body with a declared
 * length within the limit is read in one call, any other one while streaming (never buffering more than
 * the limit), decoding `gzip`/`deflate` bodies. A body over 1 MiB is parsed in slices that give the
 * event loop back (see `parseJsonBytes`). Errors are OpenAI-shaped:
 * 413 over the limit, 415 for an unsupported `content-encoding`, 400 for malformed JSON or a bad
 * compressed body.
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<unknown> {
  const length = request.headers.get("content-length");
  const declared = Number(length ?? Number.NaN);
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "identity" && declared > maxBytes) throw payloadTooLarge(maxBytes);
  if (encoding !== "identity" && !SUPPORTED_ENCODINGS.has(encoding))
    throw unsupportedContentEncoding(encoding);
  const unreadable = () =>
    invalidRequest(`The request body could not be read${encoding === "identity" ? "" : ` as ${encoding}`}.`);
  if (encoding === "identity" && length !== null && /^\d+$/.test(length)) {
    // A server reads no more than the declared length, which is within the limit: read the body in one
    // call, which runtimes serve without a web stream per request (@hono/node-server reads the Node
    // request directly). The size is still checked, for a `Request` built in process.
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await request.arrayBuffer());
    } catch {
      throw unreadable();
    }
    if (bytes.byteLength > maxBytes) throw payloadTooLarge(maxBytes);
    return parseJsonBytes([bytes], bytes.byteLength);
  }
  if (!request.body) throw invalidRequest("The request body is empty: expected a JSON object.");
  let stream: ReadableStream<Uint8Array> = request.body;
  if (encoding !== "identity") {
    const format = encoding === "deflate" ? "deflate" : "gzip";
    stream = stream.pipeThrough(
      new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw payloadTooLarge(maxBytes);
      }
      parts.push(value);
    }
  } catch (error) {
    if (ResponsesBridgeError.isInstance(error)) throw error;
    throw unreadable();
  }
  return parseJsonBytes(parts, total);
}

/** The 415 `unsupported_content_encoding` error for a body encoded with `encoding`. */
export function unsupportedContentEncoding(encoding: string): ResponsesBridgeError {
  return new ResponsesBridgeError(
    `Unsupported content-encoding '${encoding}': send the body uncompressed, or gzip or deflate encoded.`,
    { status: 415, type: "invalid_request_error", code: "unsupported_content_encoding" },
  );
}

/**
 * Rejects bodies nested deeper than `maxDepth` with a 400 naming the top-level field, before any
 * recursive code (validation, `JSON.stringify` of the upstream request) can overflow the stack.
 * Iterative, one pass over the value.
 */
export function assertJsonDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): void {
  if (typeof value !== "object" || value === null) return;
  // Three parallel stacks, so the walk allocates nothing per value.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  const fields: (string | null)[] = [null];
  while (values.length > 0) {
    const current = values.pop() as object;
    const depth = depths.pop()!;
    const field = fields.pop()!;
    if (depth > maxDepth) {
      throw invalidRequest(
        `The request body is nested too deeply: at most ${maxDepth} levels are accepted.`,
        field,
      );
    }
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item === "object" && item !== null) {
          values.push(item);
          depths.push(depth + 1);
          fields.push(field);
        }
      }
    } else {
      for (const key in current) {
        const item = (current as Record<string, unknown>)[key];
        if (typeof item === "object" && item !== null) {
          values.push(item);
          depths.push(depth + 1);
          fields.push(field ?? key);
        }
      }
    }
  }
}
