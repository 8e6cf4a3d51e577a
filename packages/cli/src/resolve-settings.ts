import type { UpstreamCapabilities } from "@responses-bridge/core";
import type { BridgeConfig } from "./config-file.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import type { LogLevel, ServeFlags } from "./parse-cli-args.js";
import { presetCapabilities } from "./preset-capabilities.js";
import { isPresetName, PRESET_NAMES, PRESETS, type Preset } from "./presets.js";
import { readSecret, type Secret } from "./secret.js";

/** Default `--host`. */
export const DEFAULT_HOST = "127.0.0.1";
/** Default `--port`. */
export const DEFAULT_PORT = 8080;
/** Default `--shutdown-timeout`, in milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** One backend the bridge talks to, with its key already read from the environment. */
export interface UpstreamSettings {
  /** The name used in routes and logs (`--upstream` is named `cli`). */
  name: string;
  /** `mock` runs the scripted backend in-process; `http` is any OpenAI-compatible server. */
  kind: "http" | "mock";
  /** The preset it came from, if any. */
  preset: Preset | undefined;
  /** Base URL including `/v1` (empty for `mock`). */
  baseURL: string;
  /** The API key (never printed), when one is set. */
  apiKey: Secret | undefined;
  /** The variable the key was read from. */
  apiKeyEnv: string | undefined;
  /** Extra request headers. */
  headers: Record<string, string>;
  /** Capabilities: the preset's, overridden by the config file's. */
  capabilities: UpstreamCapabilities;
}

/** One entry of a route: an upstream name and the model to ask it for. */
export interface RouteTargetSettings {
  /** Name of an upstream in {@link BridgeSettings.upstreams}. */
  upstream: string;
  /** Model name sent upstream (default: the requested name, after `model`). */
  model?: string;
}

/** Where responses are kept. */
export type StoreSettings =
  | { type: "memory"; maxEntries?: number; maxBytes?: number; ttlMs?: number }
  | { type: "redis"; url: Secret; keyPrefix?: string; ttlMs?: number };

/** Everything `serve` needs, from flags, the config file and the environment. */
export interface BridgeSettings {
  /** Interface to listen on. */
  host: string;
  /** Port to listen on (0: any free port). */
  port: number;
  /** Every upstream, the default one first. */
  upstreams: UpstreamSettings[];
  /** Name of the upstream serving models no route matches; undefined when only routes serve. */
  defaultUpstream: string | undefined;
  /** Model every request is sent with (unless a route names one); undefined passes names through. */
  model: string | undefined;
  /** Model name (or `*`) → ordered targets, tried in turn when one fails before its first byte. */
  routes: Record<string, RouteTargetSettings[]>;
  /** A system prompt put before every request's own instructions. */
  systemPrompt: string | undefined;
  /** Response store. */
  store: StoreSettings;
  /** Request limits. */
  limits: { maxBodyBytes?: number; keepAliveMs?: number; shutdownTimeoutMs: number };
  /** When set, clients must send `Authorization: Bearer <value of env>`. */
  clientKey: { env: string; value: Secret } | undefined;
  /** Log level. */
  logLevel: LogLevel;
  /** One JSON object per log line. */
  jsonLogs: boolean;
  /** Check the upstreams answer before serving. */
  probe: boolean;
  /** Every secret in use, so log lines can be scrubbed of them. */
  secrets: Secret[];
  /** Serve Prometheus text at `/metrics`. */
  metrics: boolean;
  /** Foreground streams with `store` on are written to the turn log, so they can be resumed. */
  resumableStreams: boolean;
  /** Origins allowed by CORS (`*` for any); empty: no CORS headers. */
  cors: string[];
  /** Event names: `--dialect`, else `$RESPONSES_BRIDGE_DIALECT`, else `openai`. */
  dialect: "openai" | "open-responses";
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "::", "[::]"]);

/**
 * Parses `--upstream`: a preset name, or an http(s) URL. A URL with no path gets `/v1` appended, the path
 * every OpenAI-compatible server serves under.
 */
export function parseUpstreamFlag(value: string): { preset: Preset | undefined; baseURL: string } {
  if (isPresetName(value)) return { preset: PRESETS[value], baseURL: PRESETS[value].baseURL };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(
      `--upstream must be a URL such as http://127.0.0.1:11434/v1 or one of: ${PRESET_NAMES.join(", ")}; got ${JSON.stringify(value)}`,
      EXIT_CODES.usage,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new CliError(
      `--upstream must be an http:// or https:// URL, got ${url.protocol}`,
      EXIT_CODES.usage,
    );
  }
  if (url.username || url.password) {
    throw new CliError(
      "--upstream must not contain credentials: put the key in an environment variable and pass --api-key-env NAME",
      EXIT_CODES.usage,
    );
  }
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = path === "" ? "/v1" : path;
  return { preset: undefined, baseURL: url.toString().replace(/\/+$/, "") };
}

function resolveKey(
  env: NodeJS.ProcessEnv,
  name: string,
  preset: Preset | undefined,
  explicitEnv: string | undefined,
  flagHint: string,
): Pick<UpstreamSettings, "apiKey" | "apiKeyEnv"> {
  const variable = explicitEnv ?? preset?.apiKeyEnv;
  if (variable === undefined) return { apiKey: undefined, apiKeyEnv: undefined };
  const apiKey = readSecret(env, variable);
  if (!apiKey && explicitEnv !== undefined) {
    throw new CliError(`the environment variable ${variable} (API key of ${name}) is empty or not set`);
  }
  if (!apiKey && preset?.apiKeyRequired) {
    throw new CliError(
      `${preset.title} needs an API key: set ${variable} in the environment (or name another variable with ${flagHint})`,
    );
  }
  return { apiKey, apiKeyEnv: variable };
}

function upstreamFromFlag(flags: ServeFlags, env: NodeJS.ProcessEnv): UpstreamSettings {
  const { preset, baseURL } = parseUpstreamFlag(flags.upstream as string);
  const kind = preset?.name === "mock" ? "mock" : "http";
  if (kind === "mock" && flags.apiKeyEnv !== undefined) {
    throw new CliError("--api-key-env does not apply to --upstream mock (it needs no key)");
  }
  return {
    name: "cli",
    kind,
    preset,
    baseURL,
    ...(kind === "mock"
      ? { apiKey: undefined, apiKeyEnv: undefined }
      : resolveKey(env, `--upstream ${flags.upstream}`, preset, flags.apiKeyEnv, "--api-key-env")),
    headers: {},
    capabilities: preset ? presetCapabilities(preset) : {},
  };
}

function upstreamFromConfig(
  name: string,
  entry: NonNullable<BridgeConfig["upstreams"]>[string],
  env: NodeJS.ProcessEnv,
): UpstreamSettings {
  const preset = entry.preset === undefined ? undefined : PRESETS[entry.preset];
  const kind = preset?.name === "mock" ? "mock" : "http";
  const baseURL =
    kind === "mock" ? "" : entry.baseURL ? parseUpstreamFlag(entry.baseURL).baseURL : (preset?.baseURL ?? "");
  return {
    name,
    kind,
    preset,
    baseURL,
    ...(kind === "mock"
      ? { apiKey: undefined, apiKeyEnv: undefined }
      : resolveKey(env, `upstream "${name}"`, preset, entry.apiKeyEnv, `upstreams.${name}.apiKeyEnv`)),
    headers: { ...entry.headers },
    capabilities: { ...(preset ? presetCapabilities(preset) : {}), ...entry.capabilities },
  };
}

function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

function checkNotSelf(upstream: UpstreamSettings, host: string, port: number): void {
  if (upstream.kind !== "http" || port === 0) return;
  const url = new URL(upstream.baseURL);
  const upstreamPort = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
  if (upstreamPort !== port || !isLoopback(url.hostname) || !isLoopback(host)) return;
  throw new CliError(
    `the upstream ${upstream.baseURL} is this bridge's own address: pick another --port${upstream.preset?.name === "llamacpp" ? " (llama-server listens on 8080 too), e.g. --port 8081" : ""}`,
  );
}

/**
 * Combines flags (which win), the config file and the environment into {@link BridgeSettings}. API keys
 * are read here, from the variables the presets, `--api-key-env` or `apiKeyEnv` name.
 *
 * @throws {CliError} exit code 2 for a missing upstream, a missing required key, or conflicting settings.
 */
export function resolveSettings(
  flags: ServeFlags,
  config: BridgeConfig | undefined,
  env: NodeJS.ProcessEnv,
): BridgeSettings {
  if (flags.upstream === undefined && config?.upstreams === undefined) {
    throw new CliError(
      `--upstream is required: a URL such as http://127.0.0.1:11434/v1, or one of ${PRESET_NAMES.join(", ")} (or declare upstreams in --config)`,
    );
  }
  if (flags.upstream === undefined && flags.apiKeyEnv !== undefined) {
    throw new CliError("--api-key-env applies to --upstream; in a config file, use apiKeyEnv per upstream");
  }
  const upstreams: UpstreamSettings[] = [];
  let defaultUpstream: string | undefined;
  if (flags.upstream !== undefined) {
    upstreams.push(upstreamFromFlag(flags, env));
    defaultUpstream = "cli";
  }
  for (const [name, entry] of Object.entries(config?.upstreams ?? {})) {
    if (name === "cli" && flags.upstream !== undefined) {
      throw new CliError(
        'the config file declares an upstream named "cli", the name --upstream uses; rename it',
      );
    }
    upstreams.push(upstreamFromConfig(name, entry, env));
  }
  if (defaultUpstream === undefined) {
    defaultUpstream = config?.upstream ?? (upstreams.length === 1 ? upstreams[0]?.name : undefined);
  }
  const routes: Record<string, RouteTargetSettings[]> = {};
  for (const [model, route] of Object.entries(config?.routes ?? {})) {
    routes[model] = (Array.isArray(route) ? route : [route]).map((target) =>
      typeof target === "string" ? { upstream: target } : { ...target },
    );
  }
  if (flags.upstream !== undefined && routes["*"] !== undefined) {
    // --upstream takes over every model no named route serves.
    delete routes["*"];
  }
  const host = flags.host ?? config?.host ?? DEFAULT_HOST;
  const port = flags.port ?? config?.port ?? DEFAULT_PORT;
  for (const upstream of upstreams) checkNotSelf(upstream, host, port);

  const secrets: Secret[] = [];
  for (const upstream of upstreams) if (upstream.apiKey) secrets.push(upstream.apiKey);

  let store: StoreSettings = { type: "memory" };
  const configStore = config?.store;
  if (configStore?.type === "memory") {
    store = { type: "memory" };
    if (configStore.maxEntries !== undefined) store.maxEntries = configStore.maxEntries;
    if (configStore.maxBytes !== undefined) store.maxBytes = configStore.maxBytes;
    if (configStore.ttlMs !== undefined) store.ttlMs = configStore.ttlMs;
  } else if (configStore?.type === "redis") {
    const url =
      configStore.urlEnv === undefined
        ? readSecret({ url: configStore.url }, "url")
        : readSecret(env, configStore.urlEnv);
    if (!url)
      throw new CliError(`the environment variable ${configStore.urlEnv} (store.urlEnv) is empty or not set`);
    secrets.push(url);
    store = { type: "redis", url };
    if (configStore.keyPrefix !== undefined) store.keyPrefix = configStore.keyPrefix;
    if (configStore.ttlMs !== undefined) store.ttlMs = configStore.ttlMs;
  }

  let clientKey: BridgeSettings["clientKey"];
  if (config?.auth) {
    const value = readSecret(env, config.auth.apiKeyEnv);
    if (!value)
      throw new CliError(
        `the environment variable ${config.auth.apiKeyEnv} (auth.apiKeyEnv) is empty or not set`,
      );
    clientKey = { env: config.auth.apiKeyEnv, value };
    secrets.push(value);
  }

  const limits: BridgeSettings["limits"] = {
    shutdownTimeoutMs:
      flags.shutdownTimeoutMs ?? config?.limits?.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
  };
  if (config?.limits?.maxBodyBytes !== undefined) limits.maxBodyBytes = config.limits.maxBodyBytes;
  if (config?.limits?.keepAliveMs !== undefined) limits.keepAliveMs = config.limits.keepAliveMs;

  return {
    host,
    port,
    upstreams,
    defaultUpstream,
    model: flags.model ?? config?.model,
    routes,
    systemPrompt: config?.systemPrompt,
    store,
    limits,
    clientKey,
    logLevel: flags.logLevel ?? "info",
    jsonLogs: flags.jsonLogs,
    probe: flags.probe,
    secrets,
    metrics: flags.metrics === true,
    resumableStreams: flags.resumableStreams === true,
    cors: flags.cors ?? [],
    dialect: resolveDialect(flags, env),
  };
}

/** The dialect from `--dialect`, else the `RESPONSES_BRIDGE_DIALECT` environment variable, else `openai`. */
function resolveDialect(flags: ServeFlags, env: NodeJS.ProcessEnv): "openai" | "open-responses" {
  if (flags.dialect !== undefined) return flags.dialect;
  const value = env.RESPONSES_BRIDGE_DIALECT;
  if (value === undefined || value === "" || value === "openai") return "openai";
  if (value === "open-responses") return value;
  throw new CliError(
    `RESPONSES_BRIDGE_DIALECT must be openai or open-responses, got ${JSON.stringify(value)}`,
    EXIT_CODES.usage,
  );
}

/** `http://host:port`, with wildcard addresses shown as loopback (what a local client should dial). */
export function originOf(host: string, port: number): string {
  const dial = host === "0.0.0.0" ? "127.0.0.1" : host === "::" || host === "[::]" ? "::1" : host;
  const bracketed = dial.includes(":") && !dial.startsWith("[") ? `[${dial}]` : dial;
  return `http://${bracketed}:${port}`;
}
