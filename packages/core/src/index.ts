export {
  type AuthenticationRequest,
  type BridgeRequest,
  type BridgeResult,
  createResponsesHandler,
  type HandlerEventContext,
  type HookContext,
  type ModelRoutes,
  type Principal,
  type ResponsesHandler,
  type ResponsesHandlerOptions,
  type RouteTarget,
  toWebResponse,
  type UpstreamRoute,
} from "./create-responses-handler.js";
export {
  type BridgeErrorType,
  invalidRequest,
  mapContextOverflow,
  type OpenAIErrorBody,
  ResponsesBridgeError,
  type ResponsesBridgeErrorOptions,
  redactSecrets,
  toBridgeError,
  toOpenAIErrorBody,
  upstreamConnectionError,
  upstreamError,
} from "./errors.js";
export { isRetriableUpstreamFailure } from "./handler/upstream-router.js";
export { generateId } from "./ids.js";
export { type BackendName, backendProfiles, defaultBaseURLs } from "./profiles.js";
export {
  assertJsonDepth,
  DEFAULT_MAX_BODY_BYTES,
  MAX_JSON_DEPTH,
  parseJsonBody,
  payloadTooLarge,
  readJsonBody,
  unsupportedContentEncoding,
} from "./read-request-body.js";
export { parseResponsesRequest } from "./schema/responses-request.js";
export { encodeSSEComment, encodeSSEEvent, encodeTranslatorEvent } from "./sse/encode-sse-event.js";
export { eventsToSSEStream, textToByteStream } from "./sse/events-to-sse-stream.js";
export {
  createMemoryConversations,
  type MemoryConversationsOptions,
} from "./store/memory-conversations.js";
export { createMemoryStore, type MemoryStore, type MemoryStoreOptions } from "./store/memory-store.js";
export { createMemoryTurnLog, type MemoryTurnLogOptions } from "./store/memory-turn-log.js";
export { chainToItems, loadChain, resolveItemReferences } from "./store/resolve-history.js";
export { countSSEFrames, framesAfter, splitSSEFrames } from "./store/sse-frames.js";
export type {
  ConversationItem,
  ConversationStore,
  StoredConversation,
  TurnLog,
  TurnReadOptions,
  TurnState,
  TurnStopReason,
  TurnWriter,
} from "./store/stateful-types.js";
export {
  ChatStreamTranslator,
  type ChatStreamTranslatorOptions,
  type ConvertChatStreamOptions,
  convertChatStreamToEvents,
  translateChatStream,
} from "./translate/chat-stream-to-events.js";
export { type ConvertChatToResponseOptions, convertChatToResponse } from "./translate/chat-to-response.js";
export {
  type ConvertInputOptions,
  convertInputToMessages,
  normalizeInput,
  type OrphanToolOutputPolicy,
} from "./translate/input-to-messages.js";
export { mapFinishReason, mapUsage } from "./translate/map-chat-outcome.js";
export type { ReplyOptions } from "./translate/reply/reply-options.js";
export { collectItemReferenceIds } from "./translate/request/item-references.js";
export { flattenToolName } from "./translate/request/tool-names.js";
export type { HostedToolPolicy } from "./translate/request/tools.js";
export {
  type ConvertRequestOptions,
  type ConvertRequestResult,
  convertRequestToChat,
} from "./translate/request-to-chat.js";
export {
  createResponseObject,
  finishResponseObject,
  type ResponseIdentity,
} from "./translate/response-object.js";
export type {
  ChatChunkStream,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatUpstream,
  IdPrefix,
  Response,
  ResponseCreateParams,
  ResponseInputItem,
  ResponseObject,
  ResponseOutputItem,
  ResponseStore,
  ResponseStreamEvent,
  ResponsesRequest,
  ResponseUsage,
  StoredResponse,
  StoreScope,
  ToolBinding,
  ToolBindings,
  TranslationEnvironment,
  TranslationWarning,
  UpstreamCallOptions,
  UpstreamCapabilities,
} from "./types.js";
export type { StreamTextDecoder, UpstreamBody } from "./upstream/byte-source.js";
export { chatChunkStream } from "./upstream/chat-chunk-stream.js";
export { fromOpenAIClient, type OpenAIClientLike } from "./upstream/from-openai-client.js";
export {
  type OpenAICompatibleUpstreamOptions,
  openAICompatibleUpstream,
  type UpstreamFetch,
  type UpstreamRequestInit,
  type UpstreamResponse,
} from "./upstream/openai-compatible-upstream.js";
export {
  type ReadChatStreamOptions,
  readChatStream,
  readChatStreamBatches,
} from "./upstream/read-chat-stream.js";
