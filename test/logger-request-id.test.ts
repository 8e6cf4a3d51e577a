// Library mode is never silent: upstream failures and 5xx are logged by default (console.error, secrets
// redacted), a custom logger or `false` changes that; a client's sane x-request-id is reused.

import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import {
  type BridgeLogFields,
  createResponsesHandler,
  openAICompatibleUpstream,
} from "@responses-bridge/core";
import { toNodeHandler } from "@responses-bridge/node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Harness, listen, startHarness, UPSTREAM_KEY } from "./utils/harness.js";
import { OpenAIClient } from "./utils/openai-client.js";

let harness: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await harness?.close();
  harness = undefined;
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("logger", () => {
  it("prints an unreachable upstream with console.error by default, without the key", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const port = await closedPort();
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: UPSTREAM_KEY }),
    });
    const bridge = await listen(createHttpServer(toNodeHandler(handler)));
    try {
      const client = new OpenAIClient({ baseURL: bridge.url, apiKey: "client-key", maxRetries: 0 });
      await expect(client.responses.create({ model: "m", input: "hi" })).rejects.toMatchObject({
        status: 502,
      });
    } finally {
      await bridge.close();
    }
    expect(errors).toHaveBeenCalledTimes(1);
    const line = String(errors.mock.calls[0]![0]);
    expect(line).toMatch(
      /^\[responses-bridge\] req_\S+ 502 upstream_connection_error: Could not reach the upstream/,
    );
    expect(line).not.toContain(UPSTREAM_KEY);
  });

  it("sends 5xx to logger.error and upstream 4xx to logger.warn; client mistakes are not logged", async () => {
    const errors: [string, BridgeLogFields][] = [];
    const warnings: [string, BridgeLogFields][] = [];
    harness = await startHarness("node", {
      handler: {
        logger: { error: (...args) => errors.push(args), warn: (...args) => warnings.push(args) },
      },
    });
    harness.backend.enqueue({ error: { status: 500 } }, { error: { status: 401 } });
    await expect(harness.client.responses.create({ model: "m", input: "hi" })).rejects.toMatchObject({
      status: 500,
    });
    await expect(harness.client.responses.create({ model: "m", input: "hi" })).rejects.toMatchObject({
      status: 401,
    });
    await expect(harness.client.responses.create({ model: "m", input: 42 as never })).rejects.toMatchObject({
      status: 400,
    });
    expect(errors.map(([, fields]) => fields.status)).toEqual([500]);
    expect(warnings.map(([, fields]) => fields.status)).toEqual([401]);
    expect(errors[0]![1].code).toBe("upstream_error");
  });

  it("logs nothing with logger: false", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    harness = await startHarness("node", { handler: { logger: false } });
    harness.backend.enqueue({ error: { status: 503 } });
    await expect(harness.client.responses.create({ model: "m", input: "hi" })).rejects.toMatchObject({
      status: 503,
    });
    expect(errors).not.toHaveBeenCalled();
  });
});

describe("x-request-id", () => {
  it("reuses a client's sane id and replaces anything else", async () => {
    const seen: string[] = [];
    harness = await startHarness("node", {
      handler: { onResponse: (_response, { requestId }) => seen.push(requestId) },
    });
    harness.backend.enqueue({ text: "a" }, { text: "b" }, { text: "c" });
    const first = await harness.client.responses
      .create({ model: "m", input: "hi" }, { headers: { "x-request-id": "trace-1234:abc.DEF_9" } })
      .withResponse();
    expect(first.response.headers.get("x-request-id")).toBe("trace-1234:abc.DEF_9");
    const second = await harness.client.responses
      .create({ model: "m", input: "hi" }, { headers: { "x-request-id": "bad id\twith spaces" } })
      .withResponse();
    expect(second.response.headers.get("x-request-id")).toMatch(/^req_/);
    const third = await harness.client.responses
      .create({ model: "m", input: "hi" }, { headers: { "x-request-id": "x".repeat(129) } })
      .withResponse();
    expect(third.response.headers.get("x-request-id")).toMatch(/^req_/);
    expect(seen[0]).toBe("trace-1234:abc.DEF_9");
  });
});
