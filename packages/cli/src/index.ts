// What a program needs to run `responses-bridge serve` or `responses-bridge codex` in process:
// `runCli(["serve", "--upstream", "ollama"], io)` resolves with the exit code once the server stopped
// (call the listener `io.onSignal` was given to stop it). Everything else is the command's own business.
// The surface is recorded in api/cli.api.md (`node scripts/api-report.mjs`).
export { type CliIO, processIO } from "./cli-io.js";
export { EXIT_CODES, type ExitCode } from "./exit-codes.js";
export { PRESET_NAMES, type PresetName } from "./presets.js";
export { runCli } from "./run-cli.js";
export { VERSION } from "./version.js";
