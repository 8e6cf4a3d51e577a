// Request bodies through every adapter: the same limit, the same encodings and the same
// OpenAI-shaped errors (status and body), whichever framework reads the bytes.

import * as zlib from "node:zlib";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MOUNTS, type Mount, NODE_MOUNTS, startHarness } from "./utils/harness.js";

const zstdCompressSync = (zlib as { zstdCompressSync?: (input: Buffer) => Buffer }).zstdCompressSync;
const LIMIT = 2000;

/** The encodings each mount decodes; every other encoding must be the same 415. */
function decodes(mount: Mount, encoding: string): boolean {
  if (["gzip", "deflate"].includes(encoding)) return true;
  if (mount === "express4") return false; // body-parser 1.x: gzip and deflate only
  if (mount === "express-json")
    return encoding === "br" || (encoding === "zstd" && zstdCompressSync !== undefined); // body-parser 2.x
  if (encoding === "br") return NODE_MOUNTS.includes(mount);
  if (encoding === "zstd") return NODE_MOUNTS.includes(mount) && zstdCompressSync !== undefined;
  return false;
}

function tooLarge(limit: number) {
  return {
    error: {
      message: `Request body too large: the limit is ${limit} bytes.`,
      type: "invalid_request_error",
      param: null,
      code: "request_too_large",
    },
  };
}

function unsupported(encoding: string) {
  return {
    error: {
      message: `Unsupported content-encoding '${encoding}': send the body uncompressed, or gzip or deflate encoded.`,
      type: "invalid_request_error",
      param: null,
      code: "unsupported_content_encoding",
    },
  };
}

async function post(harness: Harness, body: Uint8Array | string, headers: Record<string, string> = {}) {
  const response = await fetch(`${harness.url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const request = (input: string) => JSON.stringify({ model: "m", input });

describe.each(MOUNTS)("request bodies through the %s mount", (mount) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("answers 413 for a body over the limit", async () => {
    harness = await startHarness(mount, { adapter: { maxBodyBytes: LIMIT } });
    expect(await post(harness, request("x".repeat(LIMIT)))).toEqual({ status: 413, body: tooLarge(LIMIT) });
    expect(harness.backend.requests).toHaveLength(0);
  });

  // With express.json() in front the declared content-length is held to it; Fastify takes the smaller limit.
  it("follows the handler's own maxBodyBytes when the adapter has none", async () => {
    harness = await startHarness(mount, { handler: { maxBodyBytes: LIMIT } });
    expect(await post(harness, request("x".repeat(LIMIT)))).toEqual({ status: 413, body: tooLarge(LIMIT) });
  });

  it("answers 413 for a gzip body that inflates past the limit", async () => {
    harness = await startHarness(mount, { adapter: { maxBodyBytes: LIMIT } });
    const bomb = gzipSync(request(" ".repeat(1_000_000)));
    expect(bomb.byteLength).toBeLessThan(LIMIT);
    expect(await post(harness, bomb, { "content-encoding": "gzip" })).toEqual({
      status: 413,
      body: tooLarge(LIMIT),
    });
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["br", brotliCompressSync],
    ["zstd", zstdCompressSync],
  ] as const)("a %s body is decoded, or refused with the same 415", async (encoding, compress) => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: `decoded ${encoding}` });
    const raw = request(`compressed with ${encoding}`);
    const body = compress ? compress(Buffer.from(raw)) : Buffer.from(raw);
    const answer = await post(harness, body, { "content-encoding": encoding });
    if (decodes(mount, encoding)) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body.output)).toContain(`decoded ${encoding}`);
      expect(harness.backend.requests[0]?.body?.messages).toEqual([
        { role: "user", content: `compressed with ${encoding}` },
      ]);
    } else {
      expect(answer).toEqual({ status: 415, body: unsupported(encoding) });
    }
  });

  it("answers the same 415 for an encoding nobody decodes", async () => {
    harness = await startHarness(mount);
    expect(await post(harness, request("x"), { "content-encoding": "compress" })).toEqual({
      status: 415,
      body: unsupported("compress"),
    });
  });

  it("answers 400 for a corrupt gzip body", async () => {
    harness = await startHarness(mount);
    const answer = await post(harness, Buffer.from("definitely not gzip"), { "content-encoding": "gzip" });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        message: "The request body could not be read as gzip.",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
  });

  it("accepts JSON sent with another content type, as OpenAI does", async () => {
    harness = await startHarness(mount);
    harness.backend.enqueue({ text: "plain" });
    const answer = await post(harness, request("hi"), { "content-type": "text/plain" });
    expect(answer.status).toBe(200);
  });
});
