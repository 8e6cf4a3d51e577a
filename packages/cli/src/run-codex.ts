import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { constants } from "node:os";
import { resolve } from "node:path";
import type { CliIO } from "./cli-io.js";
import {
  checkCodexHome,
  DEFAULT_CODEX_ENV_KEY,
  defaultCodexHome,
  PLACEHOLDER_KEY,
  pasteLines,
  writeCodexHome,
} from "./codex-home.js";
import { type DetectedContextWindow, detectContextWindow } from "./detect-context-window.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { MOCK_MODEL } from "./mock-cues.js";
import type { InspectorMount } from "./mount-inspector.js";
import type { CodexFlags } from "./parse-cli-args.js";
import { DEFAULT_CONTEXT_WINDOW } from "./presets.js";
import { originOf, type UpstreamSettings } from "./resolve-settings.js";
import {
  describeUpstream,
  listenBridge,
  logInspector,
  logReady,
  type PreparedBridge,
  prepareBridge,
  serveUntilSignal,
} from "./run-serve.js";
import type { RunningServer } from "./start-server.js";

/** The model Codex will ask for, and where it is served. */
interface ModelChoice {
  /** Catalog slug, the name Codex sends. */
  model: string;
  /** The upstream serving it. */
  upstream: UpstreamSettings | undefined;
  /** The name sent to that upstream. */
  upstreamModel: string;
}

function chooseModel(prepared: PreparedBridge): ModelChoice {
  const { settings, probes, logger } = prepared;
  const byName = (name: string | undefined) => settings.upstreams.find((upstream) => upstream.name === name);
  const fallback = byName(settings.defaultUpstream);
  let model = settings.model;
  if (model === undefined && fallback?.kind === "mock") model = MOCK_MODEL;
  if (model === undefined && fallback && (fallback.preset === undefined || fallback.preset.local)) {
    const first = probes.get(fallback.name)?.models[0]?.id;
    if (first !== undefined) {
      model = first;
      settings.model = first;
      logger.notice(`no --model given: using ${first}, the first model ${describeUpstream(fallback)} lists`);
    }
  }
  if (model === undefined) {
    const listed = fallback ? (probes.get(fallback.name)?.models ?? []).map((entry) => entry.id) : [];
    const some =
      listed.length > 0
        ? ` (the upstream lists ${listed.slice(0, 5).join(", ")}${listed.length > 5 ? ", ..." : ""})`
        : "";
    throw new CliError(`pass --model NAME: the model Codex should use${some}`);
  }
  const route = settings.routes[model]?.[0] ?? settings.routes["*"]?.[0];
  const upstream = route ? byName(route.upstream) : fallback;
  return { model, upstream, upstreamModel: route?.model ?? settings.model ?? model };
}

async function contextWindowFor(
  flags: CodexFlags,
  prepared: PreparedBridge,
  choice: ModelChoice,
): Promise<DetectedContextWindow> {
  if (flags.contextWindow !== undefined) return { tokens: flags.contextWindow, source: "--context-window" };
  const upstream = choice.upstream;
  if (upstream?.kind === "mock")
    return { tokens: upstream.preset?.defaultContextWindow ?? 128_000, source: "mock" };
  if (upstream && prepared.settings.probe) {
    const probed = prepared.probes.get(upstream.name);
    const detected = await detectContextWindow(
      upstream,
      choice.upstreamModel,
      probed ? { models: probed.models } : {},
    );
    if (detected) return detected;
  }
  const tokens = upstream?.preset?.defaultContextWindow ?? DEFAULT_CONTEXT_WINDOW;
  return { tokens, source: "default; pass --context-window N to set it" };
}

async function readInstructions(path: string | undefined, cwd: string): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    const text = await readFile(resolve(cwd, path), "utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (error) {
    throw new CliError(
      `cannot read --instructions ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

function launchCodex(
  flags: CodexFlags,
  env: NodeJS.ProcessEnv,
  io: CliIO,
): Promise<{ code: number; cleanup: () => void }> {
  const command = flags.codexBin ?? "codex";
  return new Promise((resolveLaunch, reject) => {
    const child = spawn(command, flags.codexArgs, { stdio: "inherit", env });
    // Ctrl-C reaches Codex directly (same process group); a SIGTERM sent to the bridge is passed on.
    const remove = io.onSignal((signal) => {
      if (signal === "SIGTERM") child.kill("SIGTERM");
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      remove();
      reject(
        new CliError(
          error.code === "ENOENT"
            ? `cannot start Codex: ${command} not found; install it (npm install -g @openai/codex) or pass --codex-bin PATH`
            : `cannot start Codex (${command}): ${error.code ?? error.message}`,
          EXIT_CODES.codexNotStarted,
        ),
      );
    });
    child.once("exit", (code, signal) => {
      const number = signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1);
      resolveLaunch({ code: number, cleanup: remove });
    });
  });
}

/**
 * `responses-bridge codex`: resolves the model and its context window, serves the bridge with Codex-friendly
 * failure mapping, writes CODEX_HOME (config.toml + model catalog), prints the lines to paste, then
 * serves until a signal, or with `--exec` runs Codex and exits with its exit code.
 */
export async function runCodex(flags: CodexFlags, io: CliIO): Promise<number> {
  const prepared = await prepareBridge(flags, io, flags.exec ? "stderr" : "stdout");
  const { settings, logger } = prepared;
  const codexHome = resolve(io.cwd, flags.codexHome ?? defaultCodexHome());
  const warning = checkCodexHome(codexHome, io.env);
  if (warning) logger.warn(warning);
  const choice = chooseModel(prepared);
  const contextWindow = await contextWindowFor(flags, prepared, choice);
  const baseInstructions = await readInstructions(flags.instructionsFile, io.cwd);

  let server: RunningServer | undefined;
  let inspector: InspectorMount | undefined;
  let closeBridge = async () => {};
  const inspect = flags.inspect ? { remote: flags.inspectRemote === true } : undefined;
  if (flags.serve) {
    const started = await listenBridge(prepared, { codex: true, ...(inspect ? { inspect } : {}) });
    server = started.server;
    inspector = started.inspector;
    closeBridge = started.bridge.close;
  }
  try {
    const baseURL = server?.url ?? `${originOf(settings.host, settings.port)}/v1`;
    const envKey = settings.clientKey?.env ?? DEFAULT_CODEX_ENV_KEY;
    const written = await writeCodexHome({
      codexHome,
      model: choice.model,
      baseURL,
      envKey,
      contextWindow: contextWindow.tokens,
      ...(flags.streamIdleTimeoutMs === undefined ? {} : { streamIdleTimeoutMs: flags.streamIdleTimeoutMs }),
      ...(flags.requestMaxRetries === undefined ? {} : { requestMaxRetries: flags.requestMaxRetries }),
      ...(flags.streamMaxRetries === undefined ? {} : { streamMaxRetries: flags.streamMaxRetries }),
      ...(baseInstructions === undefined ? {} : { baseInstructions }),
    });
    const variables: Record<string, string> = { CODEX_HOME: codexHome };
    if (!settings.clientKey && !io.env[envKey]) variables[envKey] = PLACEHOLDER_KEY;
    const lines = pasteLines(variables);
    if (settings.jsonLogs) {
      logger.notice("codex-home", {
        codexHome,
        configPath: written.configPath,
        catalogPath: written.catalogPath,
        changed: written.changed,
        model: choice.model,
        contextWindow: contextWindow.tokens,
        contextWindowSource: contextWindow.source,
        envKey,
        paste: lines,
      });
    } else {
      const keyNote = settings.clientKey ? ` (Codex sends $${envKey}, the key the bridge checks)` : "";
      logger.notice(
        [
          `Codex home: ${codexHome} (config.toml and model-catalog.json ${written.changed ? "written" : "unchanged"})`,
          `Model: ${choice.model}, context window ${contextWindow.tokens} tokens (${contextWindow.source})`,
          `To use Codex from another terminal, paste the line for your shell there, then run codex${keyNote}:`,
          `  bash/zsh:    ${lines.posix}`,
          `  fish:        ${lines.fish}`,
          `  PowerShell:  ${lines.powershell}`,
        ].join("\n"),
      );
    }
    if (!server) return EXIT_CODES.ok;
    logReady(prepared, server, { codexHome });
    if (inspector) logInspector(prepared, server, inspector, inspect?.remote === true);
    if (!flags.exec) return await serveUntilSignal(prepared, server, io);

    const env: NodeJS.ProcessEnv = { ...io.env, CODEX_HOME: codexHome };
    if (!env[envKey]) env[envKey] = PLACEHOLDER_KEY;
    const { code, cleanup } = await launchCodex(flags, env, io);
    cleanup();
    await server.shutdown(settings.limits.shutdownTimeoutMs);
    return code;
  } catch (error) {
    server?.destroy();
    throw error;
  } finally {
    await closeBridge();
  }
}
