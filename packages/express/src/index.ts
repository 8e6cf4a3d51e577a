/** The Node upstream client, re-exported: `openAICompatibleUpstream({ baseURL, fetch: nodeFetch() })`. */
export { type NodeFetchOptions, nodeFetch } from "@responses-bridge/node";
export {
  type ResponsesRouter,
  type ResponsesRouterOptions,
  responsesRouter,
} from "./responses-router.js";
