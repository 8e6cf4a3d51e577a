import { type CliIO, processIO } from "./cli-io.js";
import { withEnvironmentFlags } from "./env-flags.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { VERSION } from "./version.js";

/** Removes bearer tokens and well-known key shapes from an unexpected error message. */
function scrub(text: string): string {
  return text
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, "Bearer [redacted]")
    .replace(/\b(sk|pk|rk|gsk|xai|sk-or-v1)-[A-Za-z0-9_-]{8,}/g, "[redacted]");
}

/**
 * Runs the `responses-bridge` command line and resolves with the exit code (see `EXIT_CODES`). Serving
 * commands resolve once the server stopped. Errors are printed as one `error: …` line on stderr.
 *
 * @param argv - Arguments after the executable, e.g. `["serve", "--upstream", "ollama"]`.
 * @param io - The process to use; default the real one.
 */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  try {
    const parsed = parseCliArgs(withEnvironmentFlags(argv, io.env));
    switch (parsed.command) {
      case "help": {
        // Loaded on demand: the help lists the presets, which are the core's backends.
        const { CODEX_HELP, MAIN_HELP, SERVE_HELP } = await import("./help-text.js");
        io.stdout(parsed.topic === "serve" ? SERVE_HELP : parsed.topic === "codex" ? CODEX_HELP : MAIN_HELP);
        return EXIT_CODES.ok;
      }
      case "version":
        io.stdout(`${VERSION}\n`);
        return EXIT_CODES.ok;
      // Loaded on demand so --version stays instant.
      case "serve":
        return await (await import("./run-serve.js")).runServe(parsed.flags, io);
      case "codex":
        return await (await import("./run-codex.js")).runCodex(parsed.flags, io);
    }
  } catch (error) {
    if (CliError.isInstance(error)) {
      io.stderr(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`error: ${scrub(message.split("\n")[0] ?? "unexpected failure")}\n`);
    return EXIT_CODES.failure;
  }
}
