/** The Node upstream client, re-exported: `openAICompatibleUpstream({ baseURL, fetch: nodeFetch() })`. */
export { type NodeFetchOptions, nodeFetch } from "@responses-bridge/node";
export { type ResponsesRouterOptions, responsesRouter } from "./responses-router.js";
