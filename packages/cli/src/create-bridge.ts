import { timingSafeEqual } from "node:crypto";
import {
  type BridgeObserver,
  type ChatUpstream,
  createMemoryStore,
  createResponsesHandler,
  type ModelRoutes,
  openAICompatibleUpstream,
  type ResponseStore,
  type ResponsesHandler,
  type ResponsesHandlerOptions,
  type UpstreamRoute,
} from "@responses-bridge/core";
import { nodeFetch } from "@responses-bridge/node";
import type { Logger } from "./create-logger.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { MOCK_MODEL } from "./mock-cues.js";
import type { BridgeSettings, StoreSettings, UpstreamSettings } from "./resolve-settings.js";

/** Most request records awaiting their log line (beyond it the oldest is dropped). */
const MAX_PENDING_RECORDS = 4096;

/** What the hooks learnt about one request, read back when its HTTP response ends. */
export interface RequestRecord {
  /** The bridge's `x-request-id`. */
  requestId?: string;
  /** Model the client asked for. */
  model?: string;
  /** `responses` for `/responses` turns, `chat` for `/chat/completions` pass-through. */
  kind?: "responses" | "chat";
  /** Final Response status. */
  outcome?: string;
  /** Usage of the turn. */
  inputTokens?: number;
  /** Usage of the turn. */
  outputTokens?: number;
  /** Error message reported by `onError`, or the failed Response's error. */
  error?: string;
}

/** A configured handler plus what the server needs around it. */
export interface Bridge {
  /** The core handler. */
  handler: ResponsesHandler;
  /**
   * Takes (and forgets) the notes the handler's hooks made about the request answered with this
   * `x-request-id` (model, outcome, tokens, error), for the request log. Keyed by request id rather than
   * carried in an `AsyncLocalStorage`: that would cost every promise of every request (Node 20).
   */
  takeRecord(requestId: string): RequestRecord | undefined;
  /** Model names `GET /v1/models` lists. */
  models: string[];
  /** Releases the store (a Redis connection). */
  close(): Promise<void>;
}

/** Options of {@link createBridge}. */
export interface CreateBridgeOptions {
  /** Resolved settings. */
  settings: BridgeSettings;
  /** Where warnings and debug notes go. */
  logger: Logger;
  /**
   * Codex-friendly failure mapping: `streamErrors: "events"` (a 429 becomes `response.failed` with "try
   * again in Ns", a context overflow `context_length_exceeded`) and a `length` finish reported as
   * `completed` (Codex treats `response.incomplete` as fatal).
   */
  codex?: boolean;
  /** Sees every request (the `/metrics` counters and the `--inspect` capture, combined). */
  observer?: BridgeObserver;
}

/**
 * Builds the chat upstream for one upstream setting. The in-process mock (and the testkit it runs on) is
 * loaded only when asked for: a server in front of a real model never holds it.
 */
export async function createUpstream(upstream: UpstreamSettings): Promise<ChatUpstream> {
  if (upstream.kind === "mock") return (await import("./mock-upstream.js")).createMockUpstream();
  return openAICompatibleUpstream({
    baseURL: upstream.baseURL,
    apiKey: upstream.apiKey?.reveal(),
    headers: upstream.headers,
    capabilities: upstream.capabilities,
    // node:http with keep-alive: a fraction of the global fetch's CPU per call.
    fetch: nodeFetch(),
  });
}

/**
 * The bound of the CLI's default memory store (the library's own default is 64 MiB). With 8 MiB the CLI
 * peaked at 150–151 MB RSS under the benchmark's load on Node 20, with 4 MiB at 145 MB (issue 17's goal: under
 * 150 MB). Codex sends `store: false`; a config file's `store.maxBytes` raises it for clients that chain long
 * conversations.
 */
const MEMORY_STORE_BYTES = 4 * 1024 * 1024;

async function createStore(
  settings: StoreSettings,
): Promise<{ store: ResponseStore; close(): Promise<void> }> {
  if (settings.type === "memory") {
    const { type: _type, ...options } = settings;
    return { store: createMemoryStore({ maxBytes: MEMORY_STORE_BYTES, ...options }), close: async () => {} };
  }
  let redis: typeof import("@responses-bridge/redis");
  try {
    redis = await import("@responses-bridge/redis");
  } catch {
    throw new CliError(
      'store "redis" needs the optional packages: npm install @responses-bridge/redis ioredis',
      EXIT_CODES.usage,
    );
  }
  const store = redis.createRedisStore({
    url: settings.url.reveal(),
    ...(settings.keyPrefix === undefined ? {} : { keyPrefix: settings.keyPrefix }),
    ...(settings.ttlMs === undefined ? {} : { ttlMs: settings.ttlMs }),
  });
  return { store, close: () => store.close() };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Creates the core handler from settings: upstreams (presets, URLs, the in-process mock), model routes
 * with fallback lists, the store (memory, or Redis loaded lazily), the pinned system prompt
 * (`transformRequest`), limits, client authentication, and the hooks that feed the request log.
 */
export async function createBridge(options: CreateBridgeOptions): Promise<Bridge> {
  const { settings, logger } = options;
  const upstreams = new Map<string, ChatUpstream>();
  for (const upstream of settings.upstreams) upstreams.set(upstream.name, await createUpstream(upstream));

  const routes: Record<string, UpstreamRoute[]> = {};
  for (const [model, targets] of Object.entries(settings.routes)) {
    routes[model] = targets.map((target) => {
      const upstream = upstreams.get(target.upstream);
      if (!upstream) throw new CliError(`route ${model}: unknown upstream "${target.upstream}"`);
      return target.model === undefined ? { upstream } : { upstream, model: target.model };
    });
  }
  const defaultUpstream =
    settings.defaultUpstream === undefined ? undefined : upstreams.get(settings.defaultUpstream);

  const models = new Set<string>();
  if (settings.model) models.add(settings.model);
  const fallback = settings.upstreams.find((upstream) => upstream.name === settings.defaultUpstream);
  if (fallback?.kind === "mock" && !settings.model) models.add(MOCK_MODEL);

  const { store, close } = await createStore(settings.store);
  // Notes by request id, taken by the server when the request ends; bounded, for requests whose end
  // is never logged (the handler called directly, as tests and library users do).
  const records = new Map<string, RequestRecord>();
  const recordOf = (requestId: string): RequestRecord => {
    let record = records.get(requestId);
    if (!record) {
      record = { requestId };
      records.set(requestId, record);
      if (records.size > MAX_PENDING_RECORDS) records.delete(records.keys().next().value as string);
    }
    return record;
  };
  const takeRecord = (requestId: string): RequestRecord | undefined => {
    const record = records.get(requestId);
    if (record) records.delete(requestId);
    return record;
  };
  const systemPrompt = settings.systemPrompt;

  const handlerOptions: ResponsesHandlerOptions = {
    store,
    models: [...models],
    // Upstream failures and 5xx also get their own line, so `--log-level warn` still shows them.
    logger: {
      error: (message, fields) => logger.error(message, { ...fields }),
      warn: (message, fields) => logger.warn(message, { ...fields }),
    },
    transformRequest(request, context) {
      const record = recordOf(context.requestId);
      record.kind = "responses";
      record.model = request.model ?? undefined;
      if (!systemPrompt) return request;
      const own = typeof request.instructions === "string" ? request.instructions : "";
      return { ...request, instructions: own ? `${systemPrompt}\n\n${own}` : systemPrompt };
    },
    transformChatRequest(params, context) {
      const record = recordOf(context.requestId);
      if (record.kind === "responses") return params;
      record.kind = "chat";
      record.model = params.model;
      if (!systemPrompt) return params;
      return { ...params, messages: [{ role: "system", content: systemPrompt }, ...params.messages] };
    },
    onResponse(response, context) {
      const record = recordOf(context.requestId);
      record.outcome = response.status ?? undefined;
      if (response.usage) {
        record.inputTokens = response.usage.input_tokens;
        record.outputTokens = response.usage.output_tokens;
      }
      if (response.error && !record.error) record.error = response.error.message;
    },
    onError(error, context) {
      recordOf(context.requestId).error = error.message;
      logger.debug(`${context.requestId} ${error.status} ${error.message}`);
    },
    onWarning(warning, context) {
      logger.debug(`${context.requestId} ${warning.code}: ${warning.message}`);
    },
  };
  if (defaultUpstream) handlerOptions.upstream = defaultUpstream;
  if (Object.keys(routes).length > 0) handlerOptions.routes = routes as ModelRoutes;
  if (settings.model) handlerOptions.model = settings.model;
  if (options.observer) handlerOptions.observer = options.observer;
  if (settings.limits.maxBodyBytes !== undefined) handlerOptions.maxBodyBytes = settings.limits.maxBodyBytes;
  if (settings.limits.keepAliveMs !== undefined) handlerOptions.keepAliveMs = settings.limits.keepAliveMs;
  if (settings.dialect !== "openai") handlerOptions.dialect = settings.dialect;
  if (settings.resumableStreams) handlerOptions.resumableStreams = true;
  if (settings.clientKey) {
    const expected = settings.clientKey.value;
    handlerOptions.authenticate = ({ headers }) => {
      const match = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "");
      return match?.[1] && sameSecret(match[1], expected.reveal()) ? {} : null;
    };
  }
  if (options.observer) handlerOptions.observer = options.observer;
  if (options.codex) {
    handlerOptions.streamErrors = "events";
    handlerOptions.lengthFinish = "completed";
  }

  const handler = createResponsesHandler(handlerOptions);
  return { handler, takeRecord, models: [...models], close };
}
