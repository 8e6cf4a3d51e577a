/** The process as the CLI sees it; tests pass their own. */
export interface CliIO {
  /** Writes text to standard output (no newline added). */
  stdout(text: string): void;
  /** Writes text to standard error (no newline added). */
  stderr(text: string): void;
  /** Environment variables (API keys are read from here). */
  env: NodeJS.ProcessEnv;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Calls `listener` on SIGINT or SIGTERM; returns a function that removes it. */
  onSignal(listener: (signal: NodeJS.Signals) => void): () => void;
}

/** The real process: stdout, stderr, `process.env`, SIGINT and SIGTERM. */
export function processIO(): CliIO {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    env: process.env,
    cwd: process.cwd(),
    onSignal(listener) {
      process.on("SIGINT", listener);
      process.on("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
  };
}
