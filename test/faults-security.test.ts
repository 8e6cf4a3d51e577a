// The security checklist of SECURITY.md, as tests: no SSRF surface (image and file URLs are passed to
// the upstream, never fetched by the bridge), unguessable ids, and no upstream secret in anything a
// client or a log sees, whatever the upstream echoes back.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesBridgeError,
} from "@responses-bridge/core";
import { createScriptedBackend } from "@responses-bridge/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { generateId } from "../packages/core/src/ids.js";

const KEY = "sk-security-canary-0123456789abcdef";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A loopback server that only counts the requests it gets. */
async function canary(): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end("canary");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits };
}

function post(handler: { fetch(request: Request): Promise<Response> }, body: unknown): Promise<Response> {
  return handler.fetch(
    new Request("http://bridge.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

describe("security checklist", () => {
  it("no SSRF: image and file URLs go to the upstream as data, the bridge never fetches them", async () => {
    const target = await canary();
    const backend = createScriptedBackend();
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://upstream.test/v1", fetch: backend.fetch }),
      keepAliveMs: 0,
    });
    const response = await post(handler, {
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "look" },
            { type: "input_image", image_url: `${target.url}/image.png`, detail: "auto" },
            { type: "input_file", file_url: `${target.url}/doc.pdf`, filename: "doc.pdf" },
          ],
        },
      ],
    });
    // Whatever the bridge answers for these parts (sent on, or refused), it never reaches the URLs.
    expect(response.status).toBeLessThan(500);
    await response.text();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.hits()).toBe(0);
    if (response.status === 200) {
      expect(JSON.stringify(backend.requests.at(-1)!.body)).toContain(`${target.url}/image.png`);
    }
  });

  it("ids are 192-bit random: 48 hex digits, unique, evenly spread", () => {
    const ids = Array.from({ length: 4000 }, () => generateId("resp"));
    for (const id of ids) expect(id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit appears about 1/16 of the time (4000 * 48 digits): a fixed or counter-based
    // generator fails this by far.
    const counts = new Map<string, number>();
    for (const id of ids) for (const digit of id.slice(5)) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    const expected = (ids.length * 48) / 16;
    for (const digit of "0123456789abcdef") {
      expect(Math.abs((counts.get(digit) ?? 0) - expected) / expected).toBeLessThan(0.05);
    }
  });

  it("the upstream key never reaches a client or a log, whatever the upstream echoes", async () => {
    const echoes = [
      {
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${KEY}`, code: "invalid_api_key" } },
      },
      { status: 400, body: { error: `bad request, Authorization: Bearer ${KEY}` } },
      { status: 500, body: `upstream crashed; env OPENAI_API_KEY=${KEY}` },
      { status: 429, body: { message: `slow down ${KEY}` }, headers: { "retry-after": "1" } },
    ];
    const backend = createScriptedBackend();
    const logged: string[] = [];
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({
        baseURL: "http://upstream.test/v1",
        apiKey: KEY,
        fetch: backend.fetch,
      }),
      keepAliveMs: 0,
      onError: (error: ResponsesBridgeError) => {
        logged.push(
          `${error.message} ${JSON.stringify(error)} ${String((error.cause as Error | undefined)?.message)}`,
        );
      },
      onWarning: (warning) => logged.push(JSON.stringify(warning)),
    });
    for (const echo of echoes) {
      for (const stream of [false, true]) {
        backend.enqueue({ error: echo });
        const response = await post(handler, { model: "m", input: "hi", stream });
        const text = await response.text();
        expect(response.status).toBe(echo.status);
        expect(text).not.toContain(KEY);
      }
    }
    // The key did go upstream, as it must.
    expect(backend.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join("\n")).not.toContain(KEY);
  });
});
