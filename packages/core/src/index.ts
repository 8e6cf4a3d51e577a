// The main entry: what a user composes into a bridge. The handler and its options, the upstreams, the
// stores, the errors, the backend profiles and the pure `convert*` functions, with their types. What an
// adapter needs to speak HTTP is in `./http.ts` (`@responses-bridge/core/http`); the rest is internal.
// The surface is recorded in api/core.api.md: `node scripts/api-report.mjs` after a deliberate change.
export { DEFAULT_COMPACTION_PROMPT } from "./compaction/compact.js";
export {
  type AuthenticationRequest,
  createResponsesHandler,
  type HookContext,
  type ModelRoutes,
  type Principal,
  type ResponsesHandler,
  type ResponsesHandlerOptions,
  type RouteTarget,
  type UpstreamRoute,
} from "./create-responses-handler.js";
export {
  type BridgeErrorType,
  invalidRequest,
  ResponsesBridgeError,
  type ResponsesBridgeErrorOptions,
  upstreamConnectionError,
  upstreamError,
} from "./errors.js";
export { combineObservers } from "./handler/combine-observers.js";
export type { BridgeLogFields, BridgeLogger } from "./handler/error-log.js";
export type { BridgeObserver, ObservedRequest, RequestObserver } from "./handler/observer.js";
export { type Backend, type BackendName, backendProfiles, backends } from "./profiles.js";
export { registerSecrets } from "./redact-secrets.js";
export type { RequestLimits } from "./schema/request-limits.js";
export { parseResponsesRequest } from "./schema/responses-request.js";
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from "./store/memory-store.js";
export type { ResponsesDialect } from "./stream/dialect.js";
export {
  type ConvertChatStreamOptions,
  convertChatStreamToEvents,
} from "./translate/chat-stream-to-events.js";
export { type ConvertChatToResponseOptions, convertChatToResponse } from "./translate/chat-to-response.js";
export { convertInputToMessages } from "./translate/input-to-messages.js";
export type { ConvertInputOptions, OrphanToolOutputPolicy } from "./translate/request/input-conversion.js";
export type { HostedToolPolicy } from "./translate/request/tools.js";
export {
  type ConvertRequestOptions,
  type ConvertRequestResult,
  convertRequestToChat,
} from "./translate/request-to-chat.js";
export { createResponseObject } from "./translate/response-object.js";
export type {
  ChatUpstream,
  ResponseObject,
  ResponseStore,
  ResponsesRequest,
  ResponseUsage,
  StoredResponse,
  StoreScope,
  TranslationWarning,
  UpstreamCallOptions,
  UpstreamCapabilities,
  UpstreamModel,
} from "./types.js";
export { fromOpenAIClient, type OpenAIClientLike } from "./upstream/from-openai-client.js";
export {
  type OpenAICompatibleUpstreamOptions,
  openAICompatibleUpstream,
} from "./upstream/openai-compatible-upstream.js";
