// app/v1/[...path]/route.ts: serves POST /v1/responses, GET and DELETE /v1/responses/{id}.
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { toNextJsHandler } from "@responses-bridge/fetch";

const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({
    baseURL: process.env.UPSTREAM_BASE_URL ?? "http://127.0.0.1:11434/v1",
    apiKey: process.env.UPSTREAM_API_KEY,
  }),
});

export const { GET, POST, DELETE } = toNextJsHandler(handler);
