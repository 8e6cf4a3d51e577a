import { resolve } from "node:path";
import { combineObservers } from "@responses-bridge/core";
import type { NodeServerLimits } from "@responses-bridge/node";
import type { CliIO } from "./cli-io.js";
import { loadBridgeConfig } from "./config-file.js";
import { type Bridge, createBridge } from "./create-bridge.js";
import { createLogger, type Logger } from "./create-logger.js";
import { EXIT_CODES } from "./exit-codes.js";
import { createBridgeMetrics } from "./metrics.js";
import { type InspectorMount, mountInspector } from "./mount-inspector.js";
import { createOpsRoutes } from "./ops-routes.js";
import type { ServeFlags } from "./parse-cli-args.js";
import { type ProbeResult, probeUpstream } from "./probe-upstream.js";
import { type BridgeSettings, resolveSettings, type UpstreamSettings } from "./resolve-settings.js";
import { type RunningServer, startServer } from "./start-server.js";
import { VERSION } from "./version.js";

/** Settings, logger and probe results: everything decided before the bridge is built. */
export interface PreparedBridge {
  /** Resolved settings. */
  settings: BridgeSettings;
  /** The log. */
  logger: Logger;
  /** `GET /models` results by upstream name (absent with `--no-probe` and for `mock`). */
  probes: Map<string, ProbeResult>;
  /** Connection timeouts and limits from the flags (`--idle-timeout`...). */
  serverLimits?: NodeServerLimits;
}

/** Where log lines go. */
export type LogTarget = "stdout" | "stderr";

/** Short description of an upstream for the ready line. */
export function describeUpstream(upstream: UpstreamSettings): string {
  if (upstream.kind === "mock") return "mock (in-process scripted model)";
  return upstream.preset ? `${upstream.preset.name} ${upstream.baseURL}` : upstream.baseURL;
}

/**
 * Reads the config file, resolves settings (keys from the environment), creates the logger and probes
 * every HTTP upstream (`GET /models`, in parallel).
 *
 * @throws {CliError} exit code 2 for bad settings, 3 for an unreachable upstream.
 */
export async function prepareBridge(
  flags: ServeFlags,
  io: CliIO,
  logTarget: LogTarget,
): Promise<PreparedBridge> {
  const config =
    flags.config === undefined ? undefined : await loadBridgeConfig(resolve(io.cwd, flags.config));
  const settings = resolveSettings(flags, config, io.env);
  const write = logTarget === "stdout" ? io.stdout : io.stderr;
  const logger = createLogger({
    level: settings.logLevel,
    json: settings.jsonLogs,
    write: (line) => write(`${line}\n`),
    batch: true,
    secrets: settings.secrets,
  });
  const probes = new Map<string, ProbeResult>();
  if (settings.probe) {
    const http = settings.upstreams.filter((upstream) => upstream.kind === "http");
    const results = await Promise.all(http.map((upstream) => probeUpstream(upstream)));
    http.forEach((upstream, index) => {
      const result = results[index] as ProbeResult;
      probes.set(upstream.name, result);
      if (result.status === 401 || result.status === 403) {
        logger.warn(
          `${describeUpstream(upstream)} answered ${result.status} to GET /models${upstream.apiKeyEnv ? `: check ${upstream.apiKeyEnv}` : ": it may need a key (--api-key-env)"}`,
        );
      }
    });
  }
  const serverLimits: NodeServerLimits = {};
  if (flags.idleTimeoutMs !== undefined) serverLimits.headersTimeoutMs = flags.idleTimeoutMs;
  if (flags.keepAliveTimeoutMs !== undefined) serverLimits.keepAliveTimeoutMs = flags.keepAliveTimeoutMs;
  if (flags.requestTimeoutMs !== undefined) serverLimits.requestTimeoutMs = flags.requestTimeoutMs;
  if (flags.maxConnections !== undefined) serverLimits.maxConnections = flags.maxConnections;
  return { settings, logger, probes, serverLimits };
}

/** Prints the ready line: the URL clients use, and what it serves. */
export function logReady(
  prepared: PreparedBridge,
  server: RunningServer,
  extra: Record<string, unknown> = {},
): void {
  const { settings, logger } = prepared;
  const upstreams = settings.upstreams.map(describeUpstream);
  if (settings.jsonLogs) {
    logger.notice("ready", {
      url: server.url,
      version: VERSION,
      upstreams: settings.upstreams.map((upstream) => ({
        name: upstream.name,
        preset: upstream.preset?.name ?? null,
        baseURL: upstream.baseURL || null,
      })),
      model: settings.model ?? null,
      ...extra,
    });
    return;
  }
  const model = settings.model ? `, model ${settings.model}` : "";
  const routes = Object.keys(settings.routes);
  const routed = routes.length > 0 ? `, routes ${routes.join(", ")}` : "";
  logger.notice(
    `responses-bridge ${VERSION} listening on ${server.url} (upstream ${upstreams.join(", ")}${model}${routed})`,
  );
}

/** `/readyz`: every HTTP upstream answers `GET /models` (any HTTP status) within two seconds. */
async function checkReady(settings: BridgeSettings): Promise<{ ok: boolean; detail: string }> {
  const http = settings.upstreams.filter((upstream) => upstream.kind === "http");
  try {
    await Promise.all(http.map((upstream) => probeUpstream(upstream, { timeoutMs: 2000 })));
    return { ok: true, detail: `${http.length} upstream(s) answer` };
  } catch (error) {
    return { ok: false, detail: (error as Error).message.replace(/ \(--no-probe starts anyway\)$/, "") };
  }
}

/**
 * Builds the bridge and listens on the configured address.
 *
 * @throws {CliError} exit code 4 when the address cannot be bound.
 */
export async function listenBridge(
  prepared: PreparedBridge,
  options: { codex?: boolean; inspect?: { remote: boolean } } = {},
): Promise<{ bridge: Bridge; server: RunningServer; inspector?: InspectorMount }> {
  const { settings, logger } = prepared;
  const metrics = settings.metrics ? createBridgeMetrics() : undefined;
  // Loaded and created only with --inspect: without it no inspector code runs.
  const inspector = options.inspect
    ? await mountInspector({
        remote: options.inspect.remote,
        secrets: settings.secrets.map((secret) => secret.reveal()),
        ...(settings.clientKey ? { accessKey: settings.clientKey.value.reveal() } : {}),
      })
    : undefined;
  const observer = combineObservers(metrics?.observer, inspector?.observer);
  const bridge = await createBridge({
    settings,
    logger,
    codex: options.codex === true,
    ...(observer ? { observer } : {}),
  });
  try {
    const server = await startServer({
      bridge,
      logger,
      ops: createOpsRoutes({
        cors: settings.cors,
        ready: () => checkReady(settings),
        ...(metrics ? { metrics } : {}),
      }),
      host: settings.host,
      port: settings.port,
      ...(settings.limits.maxBodyBytes === undefined ? {} : { maxBodyBytes: settings.limits.maxBodyBytes }),
      ...(prepared.serverLimits === undefined ? {} : { limits: prepared.serverLimits }),
      ...(inspector ? { mount: inspector } : {}),
    });
    return inspector ? { bridge, server, inspector } : { bridge, server };
  } catch (error) {
    await bridge.close();
    throw error;
  }
}

/**
 * Prints where the inspector is (`--inspect`): its URL on this port, how a client key is passed, and
 * who may open it. Never prints the key itself.
 */
export function logInspector(
  prepared: PreparedBridge,
  server: RunningServer,
  mount: InspectorMount,
  remote: boolean,
): void {
  const { settings, logger } = prepared;
  const url = `${server.url.replace(/\/v1$/, "")}${mount.basePath}/`;
  const key = settings.clientKey;
  if (settings.jsonLogs) {
    logger.notice("inspector", { url, remote, keyEnv: key?.env ?? null });
    return;
  }
  const access = key ? `; open it once as ${url}?key=<the value of $${key.env}> (it sets a cookie)` : "";
  const who = remote ? "reachable from other machines (--inspect-remote)" : "loopback clients only";
  logger.notice(`inspector: ${url} (${who}${access})`);
  if (remote && !key)
    logger.warn("--inspect-remote without a client key: anyone who can reach this port can read every turn");
}

/**
 * Waits for SIGINT/SIGTERM, then stops accepting, lets in-flight streams finish (up to the shutdown
 * timeout) and resolves 0; a second signal cuts them and resolves 130.
 */
export function serveUntilSignal(
  prepared: PreparedBridge,
  server: RunningServer,
  io: CliIO,
): Promise<number> {
  const { settings, logger } = prepared;
  return new Promise((resolveExit) => {
    let stopping = false;
    const remove = io.onSignal((signal) => {
      if (stopping) {
        logger.warn(`${signal} again: closing ${server.inflight()} connection(s) now`);
        server.destroy();
        remove();
        resolveExit(EXIT_CODES.interrupted);
        return;
      }
      stopping = true;
      const inflight = server.inflight();
      logger.info(
        inflight === 0
          ? `${signal}: stopping`
          : `${signal}: stopping; waiting up to ${settings.limits.shutdownTimeoutMs} ms for ${inflight} in-flight request(s)`,
      );
      server.shutdown(settings.limits.shutdownTimeoutMs).then(
        (outcome) => {
          if (outcome === "timeout") logger.warn("shutdown timeout: in-flight requests were cut");
          remove();
          resolveExit(EXIT_CODES.ok);
        },
        () => {
          remove();
          resolveExit(EXIT_CODES.failure);
        },
      );
    });
  });
}

/** `responses-bridge serve`: prepare, listen, print the ready line, serve until a signal. */
export async function runServe(flags: ServeFlags, io: CliIO): Promise<number> {
  const prepared = await prepareBridge(flags, io, "stdout");
  const inspect = flags.inspect ? { remote: flags.inspectRemote === true } : undefined;
  const { bridge, server, inspector } = await listenBridge(prepared, inspect ? { inspect } : {});
  try {
    logReady(prepared, server);
    if (inspector) logInspector(prepared, server, inspector, inspect?.remote === true);
    return await serveUntilSignal(prepared, server, io);
  } finally {
    await bridge.close();
  }
}
