import { redactSecrets } from "@responses-bridge/core/http";
import type { LogLevel } from "./parse-cli-args.js";
import type { Secret } from "./secret.js";

/** One finished HTTP request, as logged at level `info`. */
export interface RequestLogEntry {
  /** HTTP method. */
  method: string;
  /** URL path. */
  path: string;
  /** HTTP status sent. */
  status: number;
  /** Milliseconds from the request's arrival to the end of the response. */
  latencyMs: number;
  /** Model requested by the client, when the body named one. */
  model?: string;
  /** Final Response status (`completed`, `incomplete`, `failed`) for `/responses` turns. */
  outcome?: string;
  /** Input tokens of the turn, when the upstream reported usage. */
  inputTokens?: number;
  /** Output tokens of the turn. */
  outputTokens?: number;
  /** Error message (secrets removed) for failed requests and failed streams. */
  error?: string;
  /** The bridge's `x-request-id`. */
  requestId?: string;
}

/** Log sink of the CLI: leveled messages and one line per request, as text or JSON lines. */
export interface Logger {
  /** The active level. */
  readonly level: LogLevel;
  /** Logs at `error`. */
  error(message: string, fields?: Record<string, unknown>): void;
  /** Logs at `warn`. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Logs at `info`. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Logs at `debug`. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Logs at every level but `silent` (the ready line, the lines to paste). */
  notice(message: string, fields?: Record<string, unknown>): void;
  /** Logs one finished request at `info`. */
  request(entry: RequestLogEntry): void;
  /** True when messages of `level` are written. */
  enabled(level: Exclude<LogLevel, "silent">): boolean;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Messages below this level are dropped. */
  level: LogLevel;
  /** One JSON object per line instead of text. */
  json: boolean;
  /** Writes one line (the newline is added); with `batch`, possibly several lines joined by `\n`. */
  write: (line: string) => void;
  /**
   * Gathers the request lines of one event-loop turn into one `write` (one system call under load
   * instead of one per request), written on the next turn, before any other line, and when the process
   * exits. Default false: every line is written at once.
   */
  batch?: boolean;
  /** Values scrubbed from every line, whatever its origin. */
  secrets?: readonly Secret[];
  /** Clock, for tests. */
  now?: () => Date;
}

/** Pending request lines past this many characters are written without waiting for the next turn. */
const BATCH_FLUSH_CHARS = 64 * 1024;

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

/**
 * `HH:MM:SS` (UTC) of a date, for the request log's lines. The text is made once per second of the clock
 * and reused: formatting a date cost more than the rest of a line.
 */
function createClock(): (date: Date) => string {
  let second = Number.NaN;
  let text = "";
  return (date) => {
    const at = Math.floor(date.getTime() / 1000);
    if (at !== second) {
      second = at;
      text = date.toISOString().slice(11, 19);
    }
    return text;
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A value a client controls (model name, path, error text...) made safe for one text log line: newline,
 * carriage return, ESC and every other control character become escapes (`\n`, `\r`, `\x1b`), so a
 * client cannot forge a log line or send terminal escape sequences to the operator's terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => {
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    const code = char.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, "0")}`
      : `\\x${code.toString(16).padStart(2, "0")}`;
  });
}

function tokens(entry: RequestLogEntry): string {
  if (entry.inputTokens === undefined && entry.outputTokens === undefined) return "";
  return ` tokens ${entry.inputTokens ?? 0} in / ${entry.outputTokens ?? 0} out`;
}

/** Creates the {@link Logger}. Every line passes through `redactSecrets` with the known secrets. */
export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  const clock = createClock();
  // Also removes the keys every upstream of this process registered with the core (see `registerSecrets`).
  const secrets = (options.secrets ?? []).map((secret) => secret.reveal());
  const scrub = (text: string) => redactSecrets(text, secrets);
  const enabled = (level: Exclude<LogLevel, "silent">) => RANK[options.level] >= RANK[level];
  /** Request lines not written yet (`batch`), joined by newlines. */
  let pending = "";
  const flush = () => {
    if (pending === "") return;
    const lines = pending;
    pending = "";
    process.off("exit", flush);
    options.write(scrub(lines));
  };
  const emit = (line: string) => {
    flush();
    options.write(scrub(line));
  };
  /** A request line: at once, or with `batch` after the others of this turn (scrubbed together). */
  const emitRequest = (line: string) => {
    if (!options.batch) {
      emit(line);
      return;
    }
    if (pending === "") {
      pending = line;
      setImmediate(flush);
      process.once("exit", flush);
    } else {
      pending += `\n${line}`;
    }
    if (pending.length >= BATCH_FLUSH_CHARS) flush();
  };

  function log(level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) {
    if (!enabled(level)) return;
    writeLine(level, message, fields);
  }

  function write(level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) {
    if (options.json) {
      emit(JSON.stringify({ time: now().toISOString(), level, msg: message, ...fields }));
      return;
    }
    const prefix = level === "info" ? "" : level === "warn" ? "warning: " : `${level}: `;
    emit(`${prefix}${message}`);
  }

  /** Leveled messages can carry client text (an error message quoting a field): one line each. */
  function writeLine(level: Exclude<LogLevel, "silent">, message: string, fields?: Record<string, unknown>) {
    write(level, options.json ? message : escapeControl(message), fields);
  }

  return {
    level: options.level,
    enabled,
    error: (message, fields) => log("error", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    info: (message, fields) => log("info", message, fields),
    debug: (message, fields) => log("debug", message, fields),
    notice(message, fields) {
      if (options.level !== "silent") write("info", message, fields);
    },
    request(entry) {
      if (!enabled("info")) return;
      if (options.json) {
        emitRequest(JSON.stringify({ time: now().toISOString(), level: "info", msg: "request", ...entry }));
        return;
      }
      const outcome =
        entry.outcome && entry.outcome !== "completed" ? ` ${escapeControl(entry.outcome)}` : "";
      const error = entry.error ? `: ${escapeControl(entry.error)}` : "";
      const model = entry.model === undefined ? "-" : escapeControl(entry.model);
      emitRequest(
        `${clock(now())} ${escapeControl(entry.method)} ${escapeControl(entry.path)} ${entry.status}${outcome} ${model} ${Math.round(entry.latencyMs)}ms${tokens(entry)}${error}`,
      );
    },
  };
}
