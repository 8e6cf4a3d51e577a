export { type CliIO, processIO } from "./cli-io.js";
export {
  CODEX_FILES,
  CODEX_PROVIDER_ID,
  type CodexHomeOptions,
  catalogPath,
  checkCodexHome,
  createModelCatalog,
  DEFAULT_BASE_INSTRUCTIONS,
  DEFAULT_CODEX_ENV_KEY,
  DEFAULT_REQUEST_MAX_RETRIES,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_STREAM_MAX_RETRIES,
  defaultCodexHome,
  type PasteLines,
  PLACEHOLDER_KEY,
  pasteLines,
  renderCodexConfig,
  renderModelCatalog,
  tomlString,
  truncationLimit,
  type WrittenCodexHome,
  writeCodexHome,
} from "./codex-home.js";
export { type BridgeConfig, loadBridgeConfig, parseBridgeConfig } from "./config-file.js";
export {
  type Bridge,
  type CreateBridgeOptions,
  createBridge,
  createUpstream,
  type RequestRecord,
} from "./create-bridge.js";
export { createLogger, type Logger, type LoggerOptions, type RequestLogEntry } from "./create-logger.js";
export {
  type DetectContextWindowOptions,
  type DetectedContextWindow,
  detectContextWindow,
  serverRoot,
} from "./detect-context-window.js";
export { CliError, EXIT_CODES, type ExitCode } from "./exit-codes.js";
export { CODEX_HELP, MAIN_HELP, SERVE_HELP } from "./help-text.js";
export { MOCK_CUES, MOCK_MODEL } from "./mock-cues.js";
export { createMockUpstream, mockScenario } from "./mock-upstream.js";
export {
  type CodexFlags,
  LOG_LEVELS,
  type LogLevel,
  type ParsedCommand,
  parseCliArgs,
  type ServeFlags,
} from "./parse-cli-args.js";
export { presetCapabilities } from "./preset-capabilities.js";
export {
  type ContextWindowSource,
  DEFAULT_CONTEXT_WINDOW,
  isPresetName,
  PRESET_NAMES,
  PRESETS,
  type Preset,
  type PresetName,
} from "./presets.js";
export { type ModelEntry, type ProbeOptions, type ProbeResult, probeUpstream } from "./probe-upstream.js";
export {
  type BridgeSettings,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  originOf,
  parseUpstreamFlag,
  type RouteTargetSettings,
  resolveSettings,
  type StoreSettings,
  type UpstreamSettings,
} from "./resolve-settings.js";
export { runCli } from "./run-cli.js";
export { ENV_NAME, readSecret, Secret } from "./secret.js";
export { type RunningServer, type StartServerOptions, startServer } from "./start-server.js";
export { VERSION } from "./version.js";
