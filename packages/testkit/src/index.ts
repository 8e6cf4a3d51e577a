export { collect } from "./collect.js";
export { createScriptedBackend } from "./create-scripted-backend.js";
export {
  echoScenario,
  lastUserText,
  openAIErrorBody,
  type RenderOptions,
  renderChatChunks,
  renderChatCompletion,
  splitText,
} from "./render-scenario.js";
export { type FetchHandler, serveFetchHandler } from "./serve-fetch-handler.js";
export { parseSSE, readSSEEvents, type SSEEvent, type SSEMessage } from "./sse.js";
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
