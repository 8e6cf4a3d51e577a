// UPSTREAM_BASE_URL=http://127.0.0.1:11434/v1 PORT=8080 pnpm start
import { createServer } from "node:http";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { nodeFetch, toNodeHandler } from "@responses-bridge/node";

const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({
    baseURL: process.env.UPSTREAM_BASE_URL ?? "http://127.0.0.1:11434/v1",
    apiKey: process.env.UPSTREAM_API_KEY,
    fetch: nodeFetch(), // undici keep-alive client: a fraction of the global fetch's CPU per call
  }),
  onError: (error, { requestId }) => console.error(`${requestId} ${error.status} ${error.message}`),
});

const port = Number(process.env.PORT ?? 8080);
createServer(toNodeHandler(handler)).listen(port, "127.0.0.1", () => {
  console.log(`Responses API on http://127.0.0.1:${port}/v1`);
});
