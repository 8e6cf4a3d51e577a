export { collect } from "./collect.js";
export { createScriptedBackend } from "./create-scripted-backend.js";
export {
  OPENAI_DIALECT_DIFFERENCES,
  openResponsesEventTypes,
  type SchemaDialect,
  type SchemaReport,
  SPEC_EXTENSIONS,
  validateOpenResponsesCompaction,
  validateOpenResponsesObject,
  validateOpenResponsesStream,
} from "./open-responses-schema.js";
export {
  echoScenario,
  lastUserText,
  openAIErrorBody,
  type RenderOptions,
  renderChatChunks,
  renderChatCompletion,
  splitText,
} from "./render-scenario.js";
export {
  CONFORMANCE_CASE_DIALECTS,
  CONFORMANCE_CASES,
  type ConformanceCaseResult,
  type ConformanceOptions,
  type ConformanceReport,
  formatConformanceReport,
  runConformance,
} from "./run-conformance.js";
export { type FetchHandler, listenNodeServer, serveFetchHandler } from "./serve-fetch-handler.js";
export { parseSSE, readSSEEvents, type SSEEvent, type SSEMessage } from "./sse.js";
export {
  type ContractConversation,
  type ContractConversationItem,
  type ContractConversations,
  type ContractTurnLog,
  type ContractTurnWriter,
  type StatefulContractFactory,
  type StatefulContractStore,
  statefulContractCases,
} from "./stateful-contract.js";
export {
  type ContractItem,
  type ContractRecord,
  type ContractScope,
  type ContractStore,
  type StoreContractCase,
  type StoreContractFactory,
  type StoreContractFactoryOptions,
  type StoreContractOptions,
  storeContractCases,
} from "./store-contract.js";
export type {
  ChatRequestBody,
  ListenOptions,
  Scenario,
  ScenarioError,
  ScenarioFinishReason,
  ScenarioToolCall,
  ScenarioUsage,
  ScriptedBackend,
  ScriptedBackendOptions,
  ScriptedRequestRecord,
  ScriptedServer,
  ScriptFunction,
} from "./types.js";
export {
  type ResponseEventsReport,
  type ValidateResponseEventsOptions,
  validateResponseEvents,
} from "./validate-response-events.js";
