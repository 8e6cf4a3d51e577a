// UPSTREAM_BASE_URL=http://127.0.0.1:11434/v1 PORT=8080 pnpm start
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { nodeFetch, responsesRouter } from "@responses-bridge/express";
import express from "express";

const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({
    baseURL: process.env.UPSTREAM_BASE_URL ?? "http://127.0.0.1:11434/v1",
    apiKey: process.env.UPSTREAM_API_KEY,
    fetch: nodeFetch(), // undici keep-alive client: a fraction of the global fetch's CPU per call
  }),
});

const app = express();
app.use("/v1", responsesRouter(handler)); // POST /v1/responses, GET|DELETE /v1/responses/:id
const port = Number(process.env.PORT ?? 8080);
app.listen(port, "127.0.0.1", () => console.log(`Responses API on http://127.0.0.1:${port}/v1`));
