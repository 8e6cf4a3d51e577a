import { describe, expect, it } from "vitest";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { parseCliArgs } from "./parse-cli-args.js";

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv);
  } catch (error) {
    expect(CliError.isInstance(error)).toBe(true);
    expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
    const message = (error as CliError).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`expected ${argv.join(" ")} to fail`);
}

describe("parseCliArgs", () => {
  it("shows help with no arguments, --help, -h and help <command>", () => {
    expect(parseCliArgs([])).toEqual({ command: "help" });
    expect(parseCliArgs(["--help"])).toEqual({ command: "help" });
    expect(parseCliArgs(["-h"])).toEqual({ command: "help" });
    expect(parseCliArgs(["help", "codex"])).toEqual({ command: "help", topic: "codex" });
    expect(parseCliArgs(["serve", "--help"])).toEqual({ command: "help", topic: "serve" });
    expect(parseCliArgs(["codex", "-h"])).toEqual({ command: "help", topic: "codex" });
  });

  it("shows the version", () => {
    expect(parseCliArgs(["--version"])).toEqual({ command: "version" });
    expect(parseCliArgs(["-v"])).toEqual({ command: "version" });
  });

  it("parses every serve flag", () => {
    const parsed = parseCliArgs([
      "serve",
      "--upstream",
      "ollama",
      "-m",
      "qwen3:8b",
      "--port=9000",
      "--host",
      "0.0.0.0",
      "--api-key-env",
      "MY_KEY",
      "-c",
      "bridge.json",
      "--log-level",
      "debug",
      "--json-logs",
      "--no-probe",
      "--shutdown-timeout",
      "2500",
    ]);
    expect(parsed).toEqual({
      command: "serve",
      flags: {
        upstream: "ollama",
        model: "qwen3:8b",
        port: 9000,
        host: "0.0.0.0",
        apiKeyEnv: "MY_KEY",
        config: "bridge.json",
        logLevel: "debug",
        jsonLogs: true,
        probe: false,
        shutdownTimeoutMs: 2500,
      },
    });
  });

  it("leaves unset flags undefined, so the config file and defaults apply", () => {
    expect(parseCliArgs(["serve", "-u", "mock"])).toEqual({
      command: "serve",
      flags: { upstream: "mock", jsonLogs: false, probe: true },
    });
  });

  it("parses codex flags and passes arguments after -- to Codex with --exec", () => {
    const parsed = parseCliArgs([
      "codex",
      "--upstream",
      "mock",
      "--codex-home",
      "/home/me/ch",
      "--context-window",
      "65536",
      "--request-max-retries",
      "0",
      "--stream-max-retries",
      "1",
      "--stream-idle-timeout",
      "120000",
      "--codex-bin",
      "/opt/codex",
      "--instructions",
      "prompt.md",
      "--exec",
      "--",
      "exec",
      "--skip-git-repo-check",
      "run: ls --all",
    ]);
    expect(parsed).toEqual({
      command: "codex",
      flags: {
        upstream: "mock",
        jsonLogs: false,
        probe: true,
        exec: true,
        serve: true,
        codexArgs: ["exec", "--skip-git-repo-check", "run: ls --all"],
        codexHome: "/home/me/ch",
        contextWindow: 65536,
        requestMaxRetries: 0,
        streamMaxRetries: 1,
        streamIdleTimeoutMs: 120000,
        codexBin: "/opt/codex",
        instructionsFile: "prompt.md",
      },
    });
  });

  it("accepts --no-serve to only write the files", () => {
    const parsed = parseCliArgs(["codex", "-u", "mock", "--no-serve"]);
    expect(parsed.command === "codex" && parsed.flags.serve).toBe(false);
  });

  it.each([
    [["serve", "--bogus"], "unknown option --bogus (see responses-bridge serve --help)"],
    [["serve", "extra"], 'unexpected argument "extra"'],
    [["serve", "--port", "70000"], "--port must be an integer from 0 to 65535"],
    [["serve", "--port", "80a"], '--port must be an integer from 0 to 65535, got "80a"'],
    [["serve", "--upstream"], "--upstream needs a value"],
    [["serve", "--log-level", "loud"], "--log-level must be one of silent, error, warn, info, debug"],
    [["serve", "--api-key-env", "sk-abc123"], "--api-key-env takes the NAME of an environment variable"],
    [["codex", "--context-window", "100"], "--context-window must be an integer >= 1024"],
    [["codex", "-u", "mock", "--", "exec"], "arguments after -- are for Codex and need --exec"],
    [["codex", "-u", "mock", "--exec", "--no-serve"], "--exec needs the bridge running"],
    [["codex", "-u", "mock", "--no-serve", "--port", "0"], "--no-serve needs a fixed --port"],
    [["launch"], 'unknown command "launch"; the commands are serve and codex'],
    [["--upstream", "x"], "unknown option --upstream; start with a command"],
    [["help", "nope"], 'unknown command "nope"'],
  ])("rejects %j with one line: %s", (argv, expected) => {
    expect(usageError(argv)).toContain(expected);
  });

  it.each([
    ["--api-key", "sk-secret-value"],
    ["--api-key=sk-secret-value"],
    ["--token", "sk-secret-value"],
    ["--key=sk-secret-value"],
  ])("refuses keys on the command line (%s) without echoing them", (...flag) => {
    const message = usageError(["serve", "--upstream", "openai", ...flag]);
    expect(message).toContain("API keys are read from environment variables only");
    expect(message).not.toContain("sk-secret-value");
  });

  it.each([
    [["sk-proj-Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1"]],
    [["serve", "--upstream", "openai", "Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1"]],
    [["codex", "-u", "openai", "sk-proj-Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1"]],
    [["help", "Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1"]],
    [["serve", "--port", "Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1"]],
  ])("never echoes an argument that could be a pasted key: %j", (argv) => {
    const message = usageError(argv);
    expect(message).not.toContain("Zq9XkT4v");
    expect(message).toContain("not shown");
  });
});
