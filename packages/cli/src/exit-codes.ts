/**
 * Exit codes of the `responses-bridge` command. Every non-zero exit prints one line saying why.
 */
export const EXIT_CODES = {
  /** Success, or a clean shutdown after SIGINT/SIGTERM. */
  ok: 0,
  /** An unexpected failure (a bug, or an error the bridge could not classify). */
  failure: 1,
  /** Bad usage: unknown or malformed flags, an invalid config file, a missing API key variable. */
  usage: 2,
  /** An upstream could not be reached when the bridge started (connection refused, DNS, timeout). */
  upstreamUnreachable: 3,
  /** The bridge could not listen on the requested host and port (in use, permission denied). */
  listenFailed: 4,
  /** `codex --exec`: the Codex binary could not be started. */
  codexNotStarted: 5,
  /** Stopped by a second SIGINT/SIGTERM before in-flight requests finished. */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** An error that ends the command with a given exit code and a one-line message. */
export class CliError extends Error {
  /** The process exit code to use. */
  readonly exitCode: number;

  /**
   * @param message - One line, shown after `error: `.
   * @param exitCode - The process exit code; default {@link EXIT_CODES.usage}.
   */
  constructor(message: string, exitCode: number = EXIT_CODES.usage) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }

  /** True for a {@link CliError}, also across duplicate copies of this package. */
  static isInstance(value: unknown): value is CliError {
    return (
      value instanceof Error &&
      value.name === "CliError" &&
      typeof (value as { exitCode?: unknown }).exitCode === "number"
    );
  }
}
