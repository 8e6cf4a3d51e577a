import { type ParseArgsConfig, parseArgs } from "node:util";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { ENV_NAME } from "./secret.js";

/** Log levels, most quiet first. `info` logs one line per request. */
export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Flags of `responses-bridge serve` (also accepted by `codex`). Unset flags are undefined. */
export interface ServeFlags {
  /** `--upstream URL|preset`. */
  upstream?: string;
  /** `--model NAME`: the model every request is served with. */
  model?: string;
  /** `--port N` (default 8080; 0 picks a free port). */
  port?: number;
  /** `--host ADDRESS` (default 127.0.0.1). */
  host?: string;
  /** `--api-key-env VAR`: the environment variable holding the upstream API key. */
  apiKeyEnv?: string;
  /** `--config FILE`. */
  config?: string;
  /** `--log-level` (default `info`). */
  logLevel?: LogLevel;
  /** `--json-logs`: one JSON object per log line. */
  jsonLogs: boolean;
  /** False with `--no-probe`: skip checking that the upstream answers before serving. */
  probe: boolean;
  /** `--shutdown-timeout MS`: how long SIGINT/SIGTERM waits for in-flight requests (default 10000). */
  shutdownTimeoutMs?: number;
  /** `--idle-timeout MS`: close a connection that sends no request head within it (default 15000). */
  idleTimeoutMs?: number;
  /** `--keep-alive-timeout MS`: close an idle keep-alive connection after it (default 5000). */
  keepAliveTimeoutMs?: number;
  /** `--request-timeout MS`: the time a client has to send a whole request (default 300000). */
  requestTimeoutMs?: number;
  /** `--max-connections N`: most open connections (default: no limit). */
  maxConnections?: number;
  /** `--metrics`: serve Prometheus text at `/metrics`. */
  metrics?: boolean;
  /**
   * `--resumable-streams`: foreground streamed turns with `store` on can be followed with
   * `GET /v1/responses/{id}?stream=true&starting_after=N` while they run (an extension; background turns
   * always can).
   */
  resumableStreams?: boolean;
  /** `--cors ORIGINS`: comma-separated origins (or `*`) allowed to call the bridge from a browser. */
  cors?: string[];
  /** `--inspect`: serve the live request inspector at `/__inspector/` on the same port. */
  inspect?: boolean;
  /** `--inspect-remote`: let non-loopback clients open the inspector (default: loopback only). */
  inspectRemote?: boolean;
  /** `--dialect openai|open-responses`: the names of the stream's events (default openai). */
  dialect?: "openai" | "open-responses";
}

/** Flags of `responses-bridge codex`. */
export interface CodexFlags extends ServeFlags {
  /** `--codex-home DIR` (default `~/.responses-bridge/codex-home`). */
  codexHome?: string;
  /** `--context-window N`: tokens; otherwise read from the backend, else a default. */
  contextWindow?: number;
  /** `--exec`: launch Codex with the generated CODEX_HOME; arguments after `--` go to Codex. */
  exec: boolean;
  /** Arguments after `--`, passed to Codex with `--exec`. */
  codexArgs: string[];
  /** `--codex-bin PATH`: the Codex executable for `--exec` (default `codex` on PATH). */
  codexBin?: string;
  /** False with `--no-serve`: write CODEX_HOME and exit. */
  serve: boolean;
  /** `--request-max-retries N` written to config.toml (Codex's default 4). */
  requestMaxRetries?: number;
  /** `--stream-max-retries N` written to config.toml (Codex's default 5). */
  streamMaxRetries?: number;
  /** `--stream-idle-timeout MS` written to config.toml (default 600000). */
  streamIdleTimeoutMs?: number;
  /** `--instructions FILE`: base instructions for the model catalog instead of the built-in ones. */
  instructionsFile?: string;
}

/** What the command line asks for. */
export type ParsedCommand =
  | { command: "help"; topic?: "serve" | "codex" }
  | { command: "version" }
  | { command: "serve"; flags: ServeFlags }
  | { command: "codex"; flags: CodexFlags };

const SERVE_OPTIONS = {
  upstream: { type: "string", short: "u" },
  model: { type: "string", short: "m" },
  port: { type: "string", short: "p" },
  host: { type: "string" },
  "api-key-env": { type: "string" },
  config: { type: "string", short: "c" },
  "log-level": { type: "string" },
  "json-logs": { type: "boolean" },
  "no-probe": { type: "boolean" },
  "shutdown-timeout": { type: "string" },
  "idle-timeout": { type: "string" },
  "keep-alive-timeout": { type: "string" },
  "request-timeout": { type: "string" },
  "max-connections": { type: "string" },
  metrics: { type: "boolean" },
  "resumable-streams": { type: "boolean" },
  cors: { type: "string" },
  inspect: { type: "boolean" },
  "inspect-remote": { type: "boolean" },
  dialect: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

const CODEX_OPTIONS = {
  ...SERVE_OPTIONS,
  "codex-home": { type: "string" },
  "context-window": { type: "string" },
  exec: { type: "boolean" },
  "codex-bin": { type: "string" },
  "no-serve": { type: "boolean" },
  "request-max-retries": { type: "string" },
  "stream-max-retries": { type: "string" },
  "stream-idle-timeout": { type: "string" },
  instructions: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

/** Flags people try that would put a secret on the command line (visible in `ps` and shell history). */
const SECRET_FLAGS = /^--?(api[-_]?key|key|token|auth[-_]?token|bearer|password)(=|$)/i;

/**
 * An argument as a usage error may show it: quoted when it looks like a word someone mistyped (short,
 * lowercase), else only its length, because a pasted API key must never be echoed to a terminal or a log.
 */
export function showArgument(value: string, quoted = true): string {
  return /^-{0,2}[a-z0-9][a-z0-9._-]{0,19}$/.test(value) && !/^(sk|pk|rk|gsk|xai)-/.test(value)
    ? quoted
      ? JSON.stringify(value)
      : value
    : `(${value.length} characters, not shown: it could be a secret)`;
}

function usage(message: string, command?: string): CliError {
  const help = command ? `responses-bridge ${command} --help` : "responses-bridge --help";
  return new CliError(`${message} (see ${help})`, EXIT_CODES.usage);
}

function integer(
  value: string | undefined,
  flag: string,
  command: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw usage(`--${flag} must be ${range}, got ${showArgument(value)}`, command);
  }
  return Number(value);
}

function parseWith<const Options extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  args: readonly string[],
  options: Options,
) {
  for (const arg of args) {
    if (SECRET_FLAGS.test(arg)) {
      throw usage(
        `${arg.split("=")[0]} is not accepted: API keys are read from environment variables only, never from the command line; set the variable and pass --api-key-env NAME`,
        command,
      );
    }
  }
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = (error as Error).message;
    const code = (error as { code?: string }).code;
    const option = /'(-[^']*)'/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
      throw usage(`unknown option ${option ?? ""}`.trim(), command);
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const positional = /'([^']*)'/.exec(message)?.[1];
      throw usage(`unexpected argument ${showArgument(positional ?? "")}`, command);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const name = /--[a-z-]+/i.exec(message)?.[0] ?? /-[a-z]/i.exec(message)?.[0] ?? "an option";
      throw usage(
        message.includes("argument missing") ? `${name} needs a value` : `invalid value for ${name}`,
        command,
      );
    }
    throw usage(message.split("\n")[0] ?? "invalid arguments", command);
  }
}

function logLevel(value: string | undefined, command: string): LogLevel | undefined {
  if (value === undefined) return undefined;
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw usage(`--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${showArgument(value)}`, command);
}

function nonEmpty(value: string | undefined, flag: string, command: string): string | undefined {
  if (value === undefined) return undefined;
  if (value.trim() === "") throw usage(`--${flag} needs a value`, command);
  return value;
}

function serveFlags(
  values: Record<string, string | boolean | undefined>,
  command: "serve" | "codex",
): ServeFlags {
  const apiKeyEnv = nonEmpty(values["api-key-env"] as string | undefined, "api-key-env", command);
  if (apiKeyEnv !== undefined && !ENV_NAME.test(apiKeyEnv)) {
    throw usage(
      `--api-key-env takes the NAME of an environment variable (letters, digits, _), not the key itself`,
      command,
    );
  }
  const flags: ServeFlags = {
    jsonLogs: values["json-logs"] === true,
    probe: values["no-probe"] !== true,
  };
  if (values.metrics === true) flags.metrics = true;
  if (values["resumable-streams"] === true) flags.resumableStreams = true;
  const cors = nonEmpty(values.cors as string | undefined, "cors", command);
  if (cors !== undefined) {
    const origins = cors
      .split(",")
      .map((origin) => origin.trim())
      .filter(Boolean);
    for (const origin of origins) {
      if (origin !== "*" && !/^https?:\/\/[^/\s]+$/.test(origin)) {
        throw usage(
          `--cors takes origins like https://app.example.com (or *), got ${JSON.stringify(origin)}`,
          command,
        );
      }
    }
    flags.cors = origins;
  }
  const upstream = nonEmpty(values.upstream as string | undefined, "upstream", command);
  if (upstream !== undefined) flags.upstream = upstream;
  const model = nonEmpty(values.model as string | undefined, "model", command);
  if (model !== undefined) flags.model = model;
  const port = integer(values.port as string | undefined, "port", command, 0, 65_535);
  if (port !== undefined) flags.port = port;
  const host = nonEmpty(values.host as string | undefined, "host", command);
  if (host !== undefined) flags.host = host;
  if (apiKeyEnv !== undefined) flags.apiKeyEnv = apiKeyEnv;
  const config = nonEmpty(values.config as string | undefined, "config", command);
  if (config !== undefined) flags.config = config;
  const level = logLevel(values["log-level"] as string | undefined, command);
  if (level !== undefined) flags.logLevel = level;
  const shutdown = integer(values["shutdown-timeout"] as string | undefined, "shutdown-timeout", command, 0);
  if (shutdown !== undefined) flags.shutdownTimeoutMs = shutdown;
  const idle = integer(values["idle-timeout"] as string | undefined, "idle-timeout", command, 1);
  if (idle !== undefined) flags.idleTimeoutMs = idle;
  const keepAlive = integer(
    values["keep-alive-timeout"] as string | undefined,
    "keep-alive-timeout",
    command,
    0,
  );
  if (keepAlive !== undefined) flags.keepAliveTimeoutMs = keepAlive;
  const request = integer(values["request-timeout"] as string | undefined, "request-timeout", command, 0);
  if (request !== undefined) flags.requestTimeoutMs = request;
  const connections = integer(values["max-connections"] as string | undefined, "max-connections", command, 1);
  if (connections !== undefined) flags.maxConnections = connections;
  if (values["inspect-remote"] === true && values.inspect !== true) {
    throw usage("--inspect-remote needs --inspect", command);
  }
  if (values.inspect === true) flags.inspect = true;
  if (values["inspect-remote"] === true) flags.inspectRemote = true;
  const dialect = values.dialect as string | undefined;
  if (dialect !== undefined) {
    if (dialect !== "openai" && dialect !== "open-responses")
      throw usage(`--dialect must be openai or open-responses, got ${JSON.stringify(dialect)}`, command);
    flags.dialect = dialect;
  }
  return flags;
}

/**
 * Parses the command line (without `node` and the script): `serve`, `codex`, `help [command]`,
 * `--help`, `--version`. No command means `--help`.
 *
 * @throws {CliError} exit code 2 with a one-line reason for unknown commands or flags and bad values.
 */
export function parseCliArgs(argv: readonly string[]): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") return { command: "help" };
  if (first === "--version" || first === "-v" || first === "version") return { command: "version" };
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) return { command: "help" };
    if (topic === "serve" || topic === "codex") return { command: "help", topic };
    throw usage(`unknown command ${showArgument(topic)}`);
  }
  if (first === "serve") {
    const { values } = parseWith("serve", rest, SERVE_OPTIONS);
    if (values.help) return { command: "help", topic: "serve" };
    return { command: "serve", flags: serveFlags(values, "serve") };
  }
  if (first === "codex") {
    const separator = rest.indexOf("--");
    const own = separator < 0 ? rest : rest.slice(0, separator);
    const codexArgs = separator < 0 ? [] : rest.slice(separator + 1);
    const { values } = parseWith("codex", own, CODEX_OPTIONS);
    if (values.help) return { command: "help", topic: "codex" };
    const exec = values.exec === true;
    if (codexArgs.length > 0 && !exec) {
      throw usage("arguments after -- are for Codex and need --exec", "codex");
    }
    const serve = values["no-serve"] !== true;
    if (!serve && exec) throw usage("--exec needs the bridge running; drop --no-serve", "codex");
    const flags: CodexFlags = { ...serveFlags(values, "codex"), exec, codexArgs, serve };
    const codexHome = nonEmpty(values["codex-home"], "codex-home", "codex");
    if (codexHome !== undefined) flags.codexHome = codexHome;
    const contextWindow = integer(values["context-window"], "context-window", "codex", 1024);
    if (contextWindow !== undefined) flags.contextWindow = contextWindow;
    const codexBin = nonEmpty(values["codex-bin"], "codex-bin", "codex");
    if (codexBin !== undefined) flags.codexBin = codexBin;
    const requestRetries = integer(values["request-max-retries"], "request-max-retries", "codex", 0, 100);
    if (requestRetries !== undefined) flags.requestMaxRetries = requestRetries;
    const streamRetries = integer(values["stream-max-retries"], "stream-max-retries", "codex", 0, 100);
    if (streamRetries !== undefined) flags.streamMaxRetries = streamRetries;
    const idle = integer(values["stream-idle-timeout"], "stream-idle-timeout", "codex", 1000);
    if (idle !== undefined) flags.streamIdleTimeoutMs = idle;
    const instructions = nonEmpty(values.instructions, "instructions", "codex");
    if (instructions !== undefined) flags.instructionsFile = instructions;
    if (!serve && flags.port === 0) throw usage("--no-serve needs a fixed --port (not 0)", "codex");
    return { command: "codex", flags };
  }
  if (first.startsWith("-"))
    throw usage(`unknown option ${showArgument(first, false)}; start with a command: serve or codex`);
  throw usage(`unknown command ${showArgument(first)}; the commands are serve and codex`);
}
