import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { createAdaptorServer } from "@hono/node-server";
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesHandler,
  type ResponsesHandlerOptions,
} from "@responses-bridge/core";
import { responsesRouter } from "@responses-bridge/express";
import { responsesPlugin } from "@responses-bridge/fastify";
import { toFetchHandler } from "@responses-bridge/fetch";
import { toNodeHandler } from "@responses-bridge/node";
import {
  createScriptedBackend,
  listenNodeServer,
  OPENAI_DIALECT_DIFFERENCES,
  parseSSE,
  type ScriptedBackend,
  type ScriptedBackendOptions,
  serveFetchHandler,
  validateOpenResponsesObject,
  validateOpenResponsesStream,
  validateResponseEvents,
} from "@responses-bridge/testkit";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import type OpenAI from "openai";
import { accumulateResponse } from "openai/lib/responses/ResponseAccumulator";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { expect } from "vitest";
import { OpenAIClient } from "./openai-client.js";

/** Express 4, installed as the `express4` alias (its API is the one typed by `@types/express` 5). */
const express4 = createRequire(import.meta.url)("express4") as typeof express;

/**
 * How the bridge is mounted on a real socket:
 * - `node`: `toNodeHandler` on `node:http`;
 * - `express`: Express 5, `app.use("/v1", responsesRouter(handler))`;
 * - `express-json`: the same behind `express.json()` (the body arrives parsed);
 * - `express4`: Express 4 behind `express.json()` (which sets `req.body = {}` for bodies it skips);
 * - `fastify`: Fastify 5, `app.register(responsesPlugin, { handler, prefix: "/v1" })`;
 * - `fetch`: `toFetchHandler` served by the testkit's `node:http` bridge;
 * - `hono`: a Hono app (`app.all("/v1/*", (c) => handler.fetch(c.req.raw))`) on `@hono/node-server`.
 */
export type Mount = "node" | "express" | "express-json" | "express4" | "fastify" | "fetch" | "hono";
export const MOUNTS: Mount[] = ["node", "express", "express-json", "express4", "fastify", "fetch", "hono"];
/** The mounts built on `@responses-bridge/node` (they decode `br`, and `zstd` where Node has it). */
export const NODE_MOUNTS: readonly Mount[] = ["node", "express", "express-json", "express4", "fastify"];

/** Adapter options a test may set; every mount honours them the same way. */
export interface MountOptions {
  /** Request body limit, given to the handler and to the adapter. */
  maxBodyBytes?: number;
}

/** A running bridge: its base URL including `/v1`, and a close that drops open connections. */
export interface MountedBridge {
  url: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 through the given mount. */
export async function mountBridge(
  mount: Mount,
  handler: ResponsesHandler,
  options: MountOptions = {},
): Promise<MountedBridge> {
  const adapterOptions = options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes };
  const jsonLimit = options.maxBodyBytes ?? "20mb";
  switch (mount) {
    case "node":
      return listen(createServer(toNodeHandler(handler, adapterOptions)));
    case "express": {
      const app = express();
      app.use("/v1", responsesRouter(handler, adapterOptions));
      return listen(createServer(app));
    }
    case "express-json": {
      const app = express();
      app.use(express.json({ limit: jsonLimit }));
      app.use("/v1", responsesRouter(handler, adapterOptions));
      return listen(createServer(app));
    }
    case "express4": {
      const app = express4();
      app.use(express4.json({ limit: jsonLimit }));
      app.use("/v1", responsesRouter(handler, adapterOptions));
      return listen(createServer(app));
    }
    case "fastify": {
      const app = Fastify({ logger: false });
      await app.register(responsesPlugin, { handler, prefix: "/v1", ...adapterOptions });
      await app.ready();
      return listen(app.server);
    }
    case "fetch":
      return serveFetchHandler(toFetchHandler(handler));
    case "hono": {
      const app = new Hono();
      app.all("/v1/*", (c) => handler.fetch(c.req.raw));
      return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
    }
  }
}

/** An Open Responses event under OpenAI's name (see the testkit's `OPENAI_DIALECT_DIFFERENCES`). */
function toOpenAIName(event: ResponseStreamEvent): ResponseStreamEvent {
  for (const [openai, spec] of Object.entries(OPENAI_DIALECT_DIFFERENCES)) {
    if (event.type === spec) return { ...event, type: openai } as unknown as ResponseStreamEvent;
  }
  return event;
}

/** The upstream API key used in tests; it must never reach a client or a log. */
export const UPSTREAM_KEY = "sk-upstream-secret-0123456789abcdef";

/**
 * A `fetch` for the SDK client that checks every answer of the bridge against the oracles, while the
 * SDK reads its own copy: Response objects (POST and GET /responses) against the Open Responses
 * schema; event streams event by event against the schema in the server's `dialect` (the testkit's
 * `validateOpenResponsesStream`) and by `validateResponseEvents`, and folded with the SDK's
 * `accumulateResponse`, which must equal the Response in the terminal event.
 */
export function checkingFetch(
  failures: string[],
  dialect: "openai" | "open-responses" = "openai",
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (!/\/responses(\/resp_[^/]+)?$/.test(url.pathname) || response.status !== 200 || method === "DELETE")
      return response;
    // Record the bytes as the SDK reads them (a tee would keep the body alive after the client
    // breaks off); check once the body ends. A cancel reaches the bridge unchanged.
    const contentType = response.headers.get("content-type") ?? "";
    // A resumed stream (`?stream=true&starting_after=N`) starts mid-turn by design: only whole ones are checked.
    if (url.searchParams.has("starting_after") && contentType.includes("text/event-stream")) return response;
    const decoder = new TextDecoder();
    let text = "";
    const check = () => {
      if (contentType.includes("application/json")) {
        const schema = validateOpenResponsesObject(JSON.parse(text));
        if (!schema.valid) throw new Error(`validateOpenResponsesObject:\n${schema.problems.join("\n")}`);
        return;
      }
      const events = parseSSE(text).map((message) => JSON.parse(message.data) as ResponseStreamEvent);
      const schema = validateOpenResponsesStream(events, { dialect });
      if (!schema.valid) throw new Error(`validateOpenResponsesStream:\n${schema.problems.join("\n")}`);
      const report = validateResponseEvents(events, { dialect });
      if (!report.valid) throw new Error(`validateResponseEvents:\n${report.problems.join("\n")}`);
      const terminal = events.at(-1) as { type: string; response?: Record<string, unknown> };
      if (!terminal.response) throw new Error(`stream ended with ${terminal.type}`);
      let snapshot: OpenAI.Responses.Response | undefined;
      // The SDK's reducer knows only OpenAI's names (it throws on `response.reasoning.delta`).
      for (const event of events) snapshot = accumulateResponse(toOpenAIName(event), snapshot);
      const folded = { ...(snapshot as unknown as Record<string, unknown>) };
      delete folded.output_text;
      if (JSON.stringify(folded) !== JSON.stringify(terminal.response)) {
        throw new Error(
          `folded events differ from the terminal Response:\n${JSON.stringify(folded)}\n${JSON.stringify(terminal.response)}`,
        );
      }
    };
    const recorded = response.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          text += decoder.decode(chunk, { stream: true });
          controller.enqueue(chunk);
        },
        flush() {
          try {
            check();
          } catch (error) {
            failures.push(`${url.pathname}: ${String(error)}`);
          }
        },
      }),
    );
    return new Response(recorded, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

export interface Harness {
  /** Oracle failures seen so far (schema or fold); every test must end with none. */
  oracleFailures: string[];
  backend: ScriptedBackend;
  handler: ResponsesHandler;
  client: OpenAI;
  /** Bridge base URL including `/v1`. */
  url: string;
  /** The scripted upstream's base URL including `/v1`. */
  upstreamURL: string;
  close(): Promise<void>;
}

/** Serves a Node request listener on 127.0.0.1 and returns its base URL and a close that drops open sockets. */
/**
 * Closes `harness` (when a test started one) and then fails the test if the harness's oracles saw an
 * answer that does not conform (schema or fold): the `afterEach` every harness test runs.
 */
export async function closeHarness(harness: Harness | undefined): Promise<void> {
  const failures = harness?.oracleFailures ?? [];
  await harness?.close();
  expect(failures).toEqual([]);
}

export function listen(server: Server): Promise<MountedBridge> {
  return listenNodeServer(server);
}

/**
 * Starts the scripted upstream over HTTP and the bridge on a real socket with the given mount,
 * plus a real `openai` SDK client pointed at the bridge (no retries, so failures surface at once).
 */
export async function startHarness(
  mount: Mount,
  options: {
    handler?: Partial<ResponsesHandlerOptions>;
    backend?: ScriptedBackendOptions;
    adapter?: MountOptions;
  } = {},
): Promise<Harness> {
  const backend = createScriptedBackend(options.backend);
  const upstream = await backend.listen();
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({ baseURL: upstream.url, apiKey: UPSTREAM_KEY }),
    ...(options.adapter?.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.adapter.maxBodyBytes }),
    ...options.handler,
  });
  const bridge = await mountBridge(mount, handler, options.adapter);
  const oracleFailures: string[] = [];
  const client = new OpenAIClient({
    baseURL: bridge.url,
    apiKey: "client-key",
    maxRetries: 0,
    timeout: 15_000,
    fetch: checkingFetch(oracleFailures, options.handler?.dialect ?? "openai"),
  });
  return {
    oracleFailures,
    backend,
    handler,
    client,
    url: bridge.url,
    upstreamURL: upstream.url,
    async close() {
      await bridge.close();
      await upstream.close();
    },
  };
}

/** Polls `predicate` until it holds or `timeoutMs` passes (for effects that happen on another socket). */
export async function eventually(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Replaces generated ids and timestamps so two runs of the same scenario compare equal. */
export function normalizeResponse<T>(value: T): T {
  const ids = new Map<string, string>();
  const rename = (id: string) => {
    const prefix = id.split("_")[0];
    if (!ids.has(id)) ids.set(id, `${prefix}_${ids.size}`);
    return ids.get(id)!;
  };
  return JSON.parse(JSON.stringify(value), (key, inner) => {
    if ((key === "id" || key === "item_id" || key === "call_id") && typeof inner === "string")
      return rename(inner);
    if ((key === "created_at" || key === "completed_at") && typeof inner === "number") return 0;
    return inner;
  }) as T;
}
