import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { CliError, EXIT_CODES } from "./exit-codes.js";

/** The `model_providers` key written to config.toml. */
export const CODEX_PROVIDER_ID = "bridge";
/** The variable Codex sends as the bearer token unless the bridge checks a key of its own. */
export const DEFAULT_CODEX_ENV_KEY = "RESPONSES_BRIDGE_API_KEY";
/** The value used for {@link DEFAULT_CODEX_ENV_KEY}: not a secret, Codex just needs it non-empty. */
export const PLACEHOLDER_KEY = "responses-bridge";
/** Default `stream_idle_timeout_ms`: 10 minutes, room for long prompt processing on local models. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 600_000;
/** Codex's own default `request_max_retries`. */
export const DEFAULT_REQUEST_MAX_RETRIES = 4;
/** Codex's own default `stream_max_retries`. */
export const DEFAULT_STREAM_MAX_RETRIES = 5;
/** File names inside CODEX_HOME. */
export const CODEX_FILES = { config: "config.toml", catalog: "model-catalog.json" } as const;

/**
 * Base instructions written to the model catalog (Codex sends them as the first developer message).
 * Short on purpose: local models have small context windows, and they need the patch format spelled out
 * because a chat backend cannot enforce apply_patch's grammar.
 */
export const DEFAULT_BASE_INSTRUCTIONS = `You are a coding agent running in the Codex CLI on the user's computer. You work in the user's workspace (the current directory) and you can run commands and edit files.

Tools:
- exec_command runs a shell command and returns its output. Use it to look around (ls, cat, sed -n, rg, git status), to build, and to run tests. Commands must not wait for input.
- apply_patch edits files. Its input is the raw patch text (not JSON), exactly in this format:
*** Begin Patch
*** Update File: path/to/file.py
@@
 unchanged line for context
-line to remove
+line to add
*** End Patch
To create a file use "*** Add File: path" followed by the new lines, each starting with "+". To delete one use "*** Delete File: path". Paths are relative to the workspace.

How to work:
- Read the relevant files before changing them; make small, focused edits; then check the result (run the program or the tests).
- Do not ask for permission to run commands or to edit files; do the work.
- When you are done, reply with a short summary of what you changed and how you checked it.`;

/** What goes into CODEX_HOME. */
export interface CodexHomeOptions {
  /** Absolute directory to write (created if missing). */
  codexHome: string;
  /** The catalog slug and the model Codex asks for. */
  model: string;
  /** The bridge's base URL with `/v1`, e.g. `http://127.0.0.1:8080/v1`. */
  baseURL: string;
  /** Variable Codex reads its bearer token from. Default {@link DEFAULT_CODEX_ENV_KEY}. */
  envKey?: string;
  /** Context window in tokens. */
  contextWindow: number;
  /** `stream_idle_timeout_ms`. Default {@link DEFAULT_STREAM_IDLE_TIMEOUT_MS}. */
  streamIdleTimeoutMs?: number;
  /** `request_max_retries`. Default {@link DEFAULT_REQUEST_MAX_RETRIES}. */
  requestMaxRetries?: number;
  /** `stream_max_retries`. Default {@link DEFAULT_STREAM_MAX_RETRIES}. */
  streamMaxRetries?: number;
  /** Catalog `base_instructions`. Default {@link DEFAULT_BASE_INSTRUCTIONS}. */
  baseInstructions?: string;
  /** Shown by Codex in its model picker and banner. Default the model name. */
  displayName?: string;
}

/** A TOML basic string (double quotes, escapes), safe for any path or name. */
export function tomlString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

/** The catalog's `truncation_policy` budget: an eighth of the context window, between 2,000 and 10,000 tokens. */
export function truncationLimit(contextWindow: number): number {
  return Math.min(10_000, Math.max(2_000, Math.floor(contextWindow / 8)));
}

/** Absolute path of the catalog inside `codexHome`. */
export function catalogPath(codexHome: string): string {
  return join(codexHome, CODEX_FILES.catalog);
}

/**
 * config.toml for Codex 0.169: the model, a `[model_providers.bridge]` entry speaking
 * `wire_api = "responses"` to the bridge, and `model_catalog_json` pointing at the catalog next to it.
 */
export function renderCodexConfig(options: CodexHomeOptions): string {
  const lines = [
    "# Written by `responses-bridge codex`; running it again rewrites this file.",
    "# Codex uses it when CODEX_HOME points at this directory. Your own ~/.codex is neither read nor changed.",
    `model = ${tomlString(options.model)}`,
    `model_provider = ${tomlString(CODEX_PROVIDER_ID)}`,
    `model_catalog_json = ${tomlString(catalogPath(options.codexHome))}`,
    "# Chat backends return the model's own reasoning text (not OpenAI-style summaries): show it.",
    "show_raw_agent_reasoning = true",
    "",
    `[model_providers.${CODEX_PROVIDER_ID}]`,
    `name = ${tomlString("responses-bridge")}`,
    `base_url = ${tomlString(options.baseURL)}`,
    `wire_api = ${tomlString("responses")}`,
    `env_key = ${tomlString(options.envKey ?? DEFAULT_CODEX_ENV_KEY)}`,
    `request_max_retries = ${options.requestMaxRetries ?? DEFAULT_REQUEST_MAX_RETRIES}`,
    `stream_max_retries = ${options.streamMaxRetries ?? DEFAULT_STREAM_MAX_RETRIES}`,
    `stream_idle_timeout_ms = ${options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS}`,
    "",
  ];
  return lines.join("\n");
}

/**
 * The model catalog entry: every field Codex 0.169 requires (`slug`, `display_name`,
 * `supported_reasoning_levels`, `shell_type`, `visibility`, `supported_in_api`, `priority`,
 * `support_verbosity`, `truncation_policy`, `experimental_supported_tools`, `base_instructions`), plus
 * `apply_patch_tool_type: "freeform"` (the custom apply_patch tool), the context window, reasoning
 * summaries on, and Responses Lite off (`use_responses_lite: false`, `tool_mode: null`).
 */
export function createModelCatalog(options: CodexHomeOptions): { models: Record<string, unknown>[] } {
  return {
    models: [
      {
        slug: options.model,
        display_name: options.displayName ?? options.model,
        description: "Served by responses-bridge",
        base_instructions: options.baseInstructions ?? DEFAULT_BASE_INSTRUCTIONS,
        supported_reasoning_levels: [],
        default_reasoning_level: null,
        shell_type: "shell_command",
        visibility: "list",
        supported_in_api: true,
        priority: 1,
        support_verbosity: false,
        truncation_policy: { mode: "tokens", limit: truncationLimit(options.contextWindow) },
        experimental_supported_tools: [],
        apply_patch_tool_type: "freeform",
        context_window: options.contextWindow,
        supports_parallel_tool_calls: false,
        input_modalities: ["text"],
        supports_reasoning_summaries: true,
        default_reasoning_summary: "auto",
        prefer_websockets: false,
        use_responses_lite: false,
        tool_mode: null,
      },
    ],
  };
}

/** The catalog file's text: plain UTF-8 JSON, no BOM (a BOM is a fatal Codex start-up error), newline-terminated. */
export function renderModelCatalog(options: CodexHomeOptions): string {
  return `${JSON.stringify(createModelCatalog(options), null, 2)}\n`;
}

/** `~/.responses-bridge/codex-home`: outside /tmp (Codex refuses helper binaries there) and apart from ~/.codex. */
export function defaultCodexHome(home: string = homedir()): string {
  return join(home, ".responses-bridge", "codex-home");
}

function isInside(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === "" || (!path.startsWith("..") && !path.startsWith(sep) && path !== "..");
}

/**
 * Checks a CODEX_HOME candidate: never the user's own Codex directory (`~/.codex`, or the CODEX_HOME
 * already set in the environment); returns a warning for directories under /tmp.
 *
 * @throws {CliError} exit code 2 for the user's own Codex directory.
 */
export function checkCodexHome(
  codexHome: string,
  env: NodeJS.ProcessEnv,
  home: string = homedir(),
): string | undefined {
  const own = [join(home, ".codex")];
  if (env.CODEX_HOME) own.push(resolve(env.CODEX_HOME));
  for (const dir of own) {
    if (resolve(codexHome) === resolve(dir)) {
      throw new CliError(
        `refusing to write into ${dir}, your own Codex configuration; pick another --codex-home`,
        EXIT_CODES.usage,
      );
    }
  }
  if (isInside(resolve(codexHome), "/tmp")) {
    return `CODEX_HOME ${codexHome} is under /tmp: Codex then refuses to create its helper binaries there; prefer a directory in your home`;
  }
  return undefined;
}

async function writeIfChanged(path: string, text: string): Promise<boolean> {
  try {
    if ((await readFile(path, "utf8")) === text) return false;
  } catch {
    // Missing: write it.
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { encoding: "utf8", mode: 0o644 });
  await rename(temporary, path);
  return true;
}

/** What {@link writeCodexHome} did. */
export interface WrittenCodexHome {
  /** Absolute path of config.toml. */
  configPath: string;
  /** Absolute path of the catalog. */
  catalogPath: string;
  /** True when a file was created or its content changed (false: already identical). */
  changed: boolean;
}

/**
 * Writes config.toml and the model catalog into `codexHome` (creating it). Idempotent: the same options
 * give the same bytes, and unchanged files are not rewritten. Files are replaced atomically.
 */
export async function writeCodexHome(options: CodexHomeOptions): Promise<WrittenCodexHome> {
  await mkdir(options.codexHome, { recursive: true });
  const configPath = join(options.codexHome, CODEX_FILES.config);
  const catalog = catalogPath(options.codexHome);
  const catalogChanged = await writeIfChanged(catalog, renderModelCatalog(options));
  const configChanged = await writeIfChanged(configPath, renderCodexConfig(options));
  return { configPath, catalogPath: catalog, changed: catalogChanged || configChanged };
}

function posixQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function fishQuote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function powershellQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Lines that set environment variables, per shell. */
export interface PasteLines {
  /** bash and zsh. */
  posix: string;
  /** fish. */
  fish: string;
  /** PowerShell. */
  powershell: string;
}

/**
 * The lines a user pastes into another terminal before running `codex`. Values are quoted for each
 * shell; pass only values that may be shown (never a secret).
 */
export function pasteLines(variables: Readonly<Record<string, string>>): PasteLines {
  const entries = Object.entries(variables);
  return {
    posix: `export ${entries.map(([name, value]) => `${name}=${posixQuote(value)}`).join(" ")}`,
    fish: entries.map(([name, value]) => `set -gx ${name} ${fishQuote(value)}`).join("; "),
    powershell: entries.map(([name, value]) => `$env:${name} = ${powershellQuote(value)}`).join("; "),
  };
}
