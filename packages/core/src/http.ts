// `@responses-bridge/core/http`: what an adapter author needs to put the handler on a server or to
// speak to an upstream by hand (as tRPC keeps `@trpc/server/http`): the handler's request and result
// types, the JSON body readers and their OpenAI-shaped errors, error bodies, secret redaction, the
// Web `Response` of a result, and Server-Sent Events both ways. Not needed to use the bridge.
export type { BridgeRequest, BridgeResult } from "./create-responses-handler.js";
export { toWebResponse } from "./create-responses-handler.js";
export { type OpenAIErrorBody, redactSecrets, toBridgeError, toOpenAIErrorBody } from "./errors.js";
export { jsonBodyText } from "./json/response-json.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  parseJsonBody,
  parseJsonBytes,
  payloadTooLarge,
  readJsonBody,
  unsupportedContentEncoding,
} from "./read-request-body.js";
export { keptRequestId } from "./request-id.js";
// For store authors: the conversation and turn-log parts of a `ResponseStore` (background responses,
// resumable streams, the Conversations API), the in-memory implementations and the SSE frame helpers.
export {
  createMemoryConversations,
  type MemoryConversationsOptions,
} from "./store/memory-conversations.js";
export { createMemoryTurnLog, type MemoryTurnLogOptions } from "./store/memory-turn-log.js";
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
// For store authors (`@responses-bridge/redis` and third-party stores): the stored-record encoding and
// the helpers every store shares.
export {
  decodeStoredResponse,
  encodeStoredResponse,
  findItem,
  itemIdsOf,
  MAX_CHAIN_LENGTH,
} from "./store/stored-records.js";
export { encodeSSEComment, encodeSSEEvent } from "./stream/encode-sse-event.js";
export { eventsToSSEStream } from "./stream/events-to-sse-stream.js";
export { type ReadChatStreamOptions, readChatStream } from "./stream/read-chat-stream.js";
export { flattenToolName } from "./translate/request/tool-names.js";
export type { ResponseIdentity } from "./translate/response-object.js";
export type { IdPrefix, ToolBinding, ToolBindings, TranslationEnvironment } from "./types.js";
// For authors of an `UpstreamFetch`: the body shapes the built-in upstream reads.
export type { StreamTextDecoder, UpstreamBody } from "./upstream/byte-source.js";
// For authors of an `UpstreamFetch` (as `nodeFetch()` in `@responses-bridge/node`) and of code around the pure
// translation functions: the shapes their signatures use.
export type {
  UpstreamFetch,
  UpstreamRequestInit,
  UpstreamResponse,
} from "./upstream/openai-compatible-upstream.js";
