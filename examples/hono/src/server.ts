// UPSTREAM_BASE_URL=http://127.0.0.1:11434/v1 PORT=8080 pnpm start
import { serve } from "@hono/node-server";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { Hono } from "hono";

const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({
    baseURL: process.env.UPSTREAM_BASE_URL ?? "http://127.0.0.1:11434/v1",
    apiKey: process.env.UPSTREAM_API_KEY,
  }),
});

const app = new Hono();
app.all("/v1/*", (c) => handler.fetch(c.req.raw)); // Bun.serve / Deno.serve / Workers take app.fetch as is
const port = Number(process.env.PORT ?? 8080);
serve({ fetch: app.fetch, port, hostname: "127.0.0.1" }, () =>
  console.log(`Responses API on http://127.0.0.1:${port}/v1`),
);
