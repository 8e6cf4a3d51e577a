// The bridge under test, mounted on every adapter available in this checkout, each on its own
// 127.0.0.1 port, all in one process (the bench runs it as a child so its CPU and memory are its own).
import { existsSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import { pathToFileURL } from "node:url";
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesHandler,
} from "@responses-bridge/core";
import { nodeFetch } from "@responses-bridge/node";
import { listenNodeServer } from "@responses-bridge/testkit";
import { workspaceSource } from "./workspace.js";

export interface MountedAdapter {
  name: string;
  /** Base URL including `/v1`. */
  url: string;
  close(): Promise<void>;
}

export interface BridgeOptions {
  upstreamURL: string;
  /** The handler's `keepAliveMs` (default: the core's default). */
  keepAliveMs?: number;
  /** Mount only this adapter (default: every available one). */
  only?: string;
  /** The upstream's HTTP client: `node` (`nodeFetch()`, the default) or `fetch` (the global fetch). */
  upstreamClient?: "node" | "fetch";
}

/** Listens on a free 127.0.0.1 port with a long keep-alive; `close()` also drops open connections. */
export function listenLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  server.keepAliveTimeout = 65_000;
  return listenNodeServer(server);
}

/**
 * The module of an optional adapter: its bundle next to this file when the bench built one
 * (`<name>.mjs`), else its TypeScript source (when run under tsx).
 */
async function importAdapter(name: string, source: string): Promise<unknown> {
  const bundled = new URL(`./${name}.mjs`, import.meta.url);
  const file =
    import.meta.url.endsWith(".mjs") && existsSync(bundled) ? bundled.href : pathToFileURL(source).href;
  return import(file);
}

type Mounter = (handler: ResponsesHandler) => Promise<{ url: string; close(): Promise<void> }>;

/**
 * The adapters to measure, each loaded only when mounted, so a child measuring one adapter holds
 * only that adapter's code, as a user's server would: node, fetch (on the testkit's
 * `serveFetchHandler`) and hono (the fetch adapter on `@hono/node-server`) always; express and fastify
 * when `packages/express` and `packages/fastify` exist (and their framework is installed), so new
 * adapters join by themselves.
 */
function availableAdapters(): Array<{ name: string; load: () => Promise<Mounter> }> {
  const adapters: Array<{ name: string; load: () => Promise<Mounter> }> = [
    {
      name: "node",
      load: async () => {
        const { toNodeHandler } = await import("@responses-bridge/node");
        return (handler) => listenLoopback(createServer(toNodeHandler(handler)));
      },
    },
    {
      name: "fetch",
      load: async () => {
        const [{ toFetchHandler }, { serveFetchHandler }] = await Promise.all([
          import("@responses-bridge/fetch"),
          import("@responses-bridge/testkit"),
        ]);
        return (handler) => serveFetchHandler(toFetchHandler(handler));
      },
    },
    // The fetch adapter as Hono apps run on Node: @hono/node-server's request listener.
    {
      name: "hono",
      load: async () => {
        const [{ toFetchHandler }, { getRequestListener }] = await Promise.all([
          import("@responses-bridge/fetch"),
          import("@hono/node-server"),
        ]);
        return (handler) => listenLoopback(createServer(getRequestListener(toFetchHandler(handler))));
      },
    },
  ];
  const expressPkg = workspaceSource("express");
  if (expressPkg) {
    adapters.push({
      name: "express",
      load: async () => {
        const adapter = (await importAdapter("express", expressPkg.entry)) as {
          responsesRouter: (handler: ResponsesHandler) => unknown;
        };
        const express = expressPkg.require("express") as () => {
          use: (...args: unknown[]) => void;
        } & RequestListener;
        return (handler) => {
          const app = express();
          app.use("/v1", adapter.responsesRouter(handler));
          return listenLoopback(createServer(app));
        };
      },
    });
  }
  const fastifyPkg = workspaceSource("fastify");
  if (fastifyPkg) {
    adapters.push({
      name: "fastify",
      load: async () => {
        const adapter = (await importAdapter("fastify", fastifyPkg.entry)) as { responsesPlugin: unknown };
        const fastify = fastifyPkg.require("fastify") as (options: object) => {
          register(plugin: unknown, options: object): Promise<unknown>;
          ready(): Promise<unknown>;
          server: Server;
        };
        return async (handler) => {
          const app = fastify({ logger: false, keepAliveTimeout: 65_000 });
          await app.register(adapter.responsesPlugin, { handler, prefix: "/v1" });
          await app.ready();
          return listenLoopback(app.server);
        };
      },
    });
  }
  return adapters;
}

/** Creates one handler over the upstream and mounts it on every available adapter. */
export async function startBridge(options: BridgeOptions): Promise<MountedAdapter[]> {
  const handler = createResponsesHandler({
    upstream: openAICompatibleUpstream({
      baseURL: options.upstreamURL,
      apiKey: "sk-bench-upstream-key",
      ...(options.upstreamClient === "fetch" ? {} : { fetch: nodeFetch() }),
    }),
    ...(options.keepAliveMs === undefined ? {} : { keepAliveMs: options.keepAliveMs }),
  });
  const mounted: MountedAdapter[] = [];
  for (const adapter of availableAdapters()) {
    if (options.only !== undefined && adapter.name !== options.only) continue;
    let mount: Mounter;
    try {
      mount = await adapter.load();
    } catch (error) {
      // An optional adapter whose framework is not installed is skipped (unless it was asked for by name).
      if (options.only !== undefined) throw error;
      console.error(`bench: skipping ${adapter.name} (${(error as Error).message})`);
      continue;
    }
    mounted.push({ name: adapter.name, ...(await mount(handler)) });
  }
  if (mounted.length === 0) throw new Error(`no adapter named ${options.only}`);
  return mounted;
}
