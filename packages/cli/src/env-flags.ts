/**
 * Every flag of `serve` and `codex` can come from the environment (for containers and process managers):
 * `--some-flag` is `RESPONSES_BRIDGE_SOME_FLAG`, plus the conventional `PORT` and `HOST`. A flag on the
 * command line wins over its variable; boolean flags take `1`/`true`/`yes`. `--help` and `--exec` have none.
 */

/** Flag name → environment variables, the first set one wins. */
export const ENV_FLAGS: ReadonlyArray<{ flag: string; env: readonly string[]; boolean?: boolean }> = [
  { flag: "upstream", env: ["RESPONSES_BRIDGE_UPSTREAM"] },
  { flag: "model", env: ["RESPONSES_BRIDGE_MODEL"] },
  { flag: "port", env: ["RESPONSES_BRIDGE_PORT", "PORT"] },
  { flag: "host", env: ["RESPONSES_BRIDGE_HOST", "HOST"] },
  { flag: "api-key-env", env: ["RESPONSES_BRIDGE_API_KEY_ENV"] },
  { flag: "config", env: ["RESPONSES_BRIDGE_CONFIG"] },
  { flag: "log-level", env: ["RESPONSES_BRIDGE_LOG_LEVEL"] },
  { flag: "json-logs", env: ["RESPONSES_BRIDGE_JSON_LOGS"], boolean: true },
  { flag: "no-probe", env: ["RESPONSES_BRIDGE_NO_PROBE"], boolean: true },
  { flag: "shutdown-timeout", env: ["RESPONSES_BRIDGE_SHUTDOWN_TIMEOUT"] },
  { flag: "metrics", env: ["RESPONSES_BRIDGE_METRICS"], boolean: true },
  { flag: "resumable-streams", env: ["RESPONSES_BRIDGE_RESUMABLE_STREAMS"], boolean: true },
  { flag: "cors", env: ["RESPONSES_BRIDGE_CORS"] },
  { flag: "idle-timeout", env: ["RESPONSES_BRIDGE_IDLE_TIMEOUT"] },
  { flag: "keep-alive-timeout", env: ["RESPONSES_BRIDGE_KEEP_ALIVE_TIMEOUT"] },
  { flag: "request-timeout", env: ["RESPONSES_BRIDGE_REQUEST_TIMEOUT"] },
  { flag: "max-connections", env: ["RESPONSES_BRIDGE_MAX_CONNECTIONS"] },
  { flag: "dialect", env: ["RESPONSES_BRIDGE_DIALECT"] },
  { flag: "inspect", env: ["RESPONSES_BRIDGE_INSPECT"], boolean: true },
  { flag: "inspect-remote", env: ["RESPONSES_BRIDGE_INSPECT_REMOTE"], boolean: true },
];

/** Flags of `codex` only. */
export const CODEX_ENV_FLAGS: ReadonlyArray<{ flag: string; env: readonly string[]; boolean?: boolean }> = [
  { flag: "codex-home", env: ["RESPONSES_BRIDGE_CODEX_HOME"] },
  { flag: "context-window", env: ["RESPONSES_BRIDGE_CONTEXT_WINDOW"] },
  { flag: "codex-bin", env: ["RESPONSES_BRIDGE_CODEX_BIN"] },
  { flag: "no-serve", env: ["RESPONSES_BRIDGE_NO_SERVE"], boolean: true },
  { flag: "request-max-retries", env: ["RESPONSES_BRIDGE_REQUEST_MAX_RETRIES"] },
  { flag: "stream-max-retries", env: ["RESPONSES_BRIDGE_STREAM_MAX_RETRIES"] },
  { flag: "stream-idle-timeout", env: ["RESPONSES_BRIDGE_STREAM_IDLE_TIMEOUT"] },
  { flag: "instructions", env: ["RESPONSES_BRIDGE_INSTRUCTIONS"] },
];

const TRUE = /^(1|true|yes|on)$/i;

/**
 * The arguments of a `serve` or `codex` command with the flags its environment sets put first, so the
 * same flags given on the command line override them (the last value of a flag wins).
 */
export function withEnvironmentFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const [command, ...rest] = argv;
  if (command !== "serve" && command !== "codex") return [...argv];
  const table = command === "codex" ? [...ENV_FLAGS, ...CODEX_ENV_FLAGS] : ENV_FLAGS;
  const separator = rest.indexOf("--");
  const own = separator < 0 ? rest : rest.slice(0, separator);
  const given = (flag: string) => own.some((arg) => arg === `--${flag}` || arg.startsWith(`--${flag}=`));
  const fromEnv: string[] = [];
  for (const { flag, env: names, boolean } of table) {
    const value = names.map((name) => env[name]).find((entry) => entry !== undefined && entry !== "");
    if (value === undefined) continue;
    if (boolean) {
      if (TRUE.test(value) && !given(flag)) fromEnv.push(`--${flag}`);
    } else {
      fromEnv.push(`--${flag}=${value}`);
    }
  }
  return [command, ...fromEnv, ...rest];
}
