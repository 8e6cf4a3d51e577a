// UPSTREAM_BASE_URL=http://127.0.0.1:11434/v1 PORT=8080 pnpm start
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { nodeFetch, responsesPlugin } from "@responses-bridge/fastify";
import Fastify from "fastify";

const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({
    baseURL: process.env.UPSTREAM_BASE_URL ?? "http://127.0.0.1:11434/v1",
    apiKey: process.env.UPSTREAM_API_KEY,
    fetch: nodeFetch(), // undici keep-alive client: a fraction of the global fetch's CPU per call
  }),
});

const app = Fastify({ logger: true, bodyLimit: 20 * 1024 * 1024 }); // Codex histories outgrow the 1 MiB default
await app.register(responsesPlugin, { handler, prefix: "/v1" });
const port = Number(process.env.PORT ?? 8080);
await app.listen({ port, host: "127.0.0.1" });
console.log(`Responses API on http://127.0.0.1:${port}/v1`);
