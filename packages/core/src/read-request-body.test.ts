import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "./errors.js";
import { readJsonBody } from "./read-request-body.js";

const URL = "http://bridge.test/v1/responses";

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(URL, { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

/** A body stream that sends `chunks`, then fails (or ends, when `fail` is false). */
function stream(chunks: string[], fail = true): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(encoder.encode(chunks[index++]));
      else if (fail) controller.error(new Error("connection reset"));
      else controller.close();
    },
  });
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(ResponsesBridgeError.isInstance(error)).toBe(true);
  const bridgeError = error as ResponsesBridgeError;
  return { status: bridgeError.status, code: bridgeError.code, message: bridgeError.message };
}

describe("readJsonBody", () => {
  it("reads a body with a declared length, and one without (chunked)", async () => {
    const text = JSON.stringify({ model: "m", input: "héllo" });
    const bytes = new TextEncoder().encode(text);
    await expect(readJsonBody(post(bytes, { "content-length": String(bytes.byteLength) }))).resolves.toEqual(
      JSON.parse(text),
    );
    await expect(readJsonBody(post(stream([text.slice(0, 7), text.slice(7)], false)))).resolves.toEqual(
      JSON.parse(text),
    );
  });

  it("answers 413 for a body past the limit even when its declared length understates it", async () => {
    const body = JSON.stringify({ model: "m", input: "x".repeat(500) });
    expect(await failure(readJsonBody(post(body, { "content-length": "20" }), 100))).toEqual({
      status: 413,
      code: "request_too_large",
      message: "Request body too large: the limit is 100 bytes.",
    });
    // Declared over the limit: refused before reading.
    expect((await failure(readJsonBody(post(body, { "content-length": "501" }), 100))).status).toBe(413);
    // No declared length: the stream is cut at the limit.
    expect((await failure(readJsonBody(post(stream([body, body], false)), 100))).status).toBe(413);
  });

  it("answers 400 when the body cannot be read, with or without a declared length", async () => {
    const unreadable = {
      status: 400,
      code: null,
      message: "The request body could not be read.",
    };
    const declared = post(stream(['{"model":']), { "content-length": "40" });
    expect(await failure(readJsonBody(declared))).toEqual(unreadable);
    expect(await failure(readJsonBody(post(stream(['{"model":']))))).toEqual(unreadable);
  });

  it("answers 400 for an empty or malformed body", async () => {
    expect((await failure(readJsonBody(post("", { "content-length": "0" })))).message).toBe(
      "The request body is empty: expected a JSON object.",
    );
    expect((await failure(readJsonBody(post("{", { "content-length": "1" })))).message).toMatch(
      /^We could not parse the JSON body of your request/,
    );
  });
});
