/** The Node upstream client, re-exported: `openAICompatibleUpstream({ baseURL, fetch: nodeFetch() })`. */
export { type NodeFetchOptions, nodeFetch } from "@responses-bridge/node";
export {
  type FrameworkErrorsHandler,
  responsesFrameworkErrors,
} from "./framework-errors.js";
export { type ResponsesPluginOptions, responsesPlugin } from "./responses-plugin.js";
