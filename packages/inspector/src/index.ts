export { type AccessCheck, type AccessGate, createAccessGate } from "./access-key.js";
export { createInspector, type Inspector, type InspectorOptions } from "./create-inspector.js";
export { describeTranslation } from "./describe-translation.js";
export { REDACTED, redactHeaders, redactValue } from "./redact.js";
export {
  type BufferedTurn,
  createTurnBuffer,
  type TurnBuffer,
  type TurnBufferOptions,
} from "./turn-buffer.js";
export type {
  CapturedTurn,
  ChainLink,
  TimelineEntry,
  TranslationNote,
  TurnSummary,
} from "./types.js";
