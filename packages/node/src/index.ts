export {
  createNodeServer,
  type NodeServerLimits,
  type NodeServerOptions,
  nodeServerOptions,
  protectNodeServer,
} from "./create-node-server.js";
export { type NodeFetchOptions, nodeFetch } from "./node-fetch.js";
export { NODE_CONTENT_ENCODINGS, type ReadNodeBodyOptions, readNodeBody } from "./read-node-body.js";
export {
  type NodeHandler,
  type NodeHandlerOptions,
  type NodeHandlerSource,
  type ResolvedNodeRequest,
  type ResolveNodeRequestOptions,
  resolveNodeRequest,
  toNodeHandler,
} from "./to-node-handler.js";
export { writeResult } from "./write-result.js";
