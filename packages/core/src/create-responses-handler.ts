import { compactResponse } from "./compaction/compact.js";
import { createSealer } from "./compaction/seal.js";
import {
  invalidRequest,
  notFound,
  ResponsesBridgeError,
  toBridgeError,
  toOpenAIErrorBody,
} from "./errors.js";
import { type BackgroundContext, isBackgroundRequest, startBackground } from "./handler/background.js";
import { passChatCompletion } from "./handler/chat-endpoint.js";
import { CONVERSATIONS_ROUTE, serveConversations } from "./handler/conversations-endpoint.js";
import { createErrorLog } from "./handler/error-log.js";
import { paginateInputItems } from "./handler/input-items.js";
import { createLoggedStream, isStoredStream } from "./handler/logged-stream.js";
import { createModelsEndpoint } from "./handler/models-endpoint.js";
import { observedRouteOf, observeRequest, type RequestServices } from "./handler/observer.js";
import type {
  BridgeRequest,
  BridgeResult,
  HookContext,
  Principal,
  ResponsesHandler,
  ResponsesHandlerOptions,
} from "./handler/options.js";
import { createResponse, type ResponsesEndpointContext } from "./handler/responses-endpoint.js";
import { cancelResponse, resumeStream, retrieveResponse } from "./handler/turn-control.js";
import { createUpstreamRouter } from "./handler/upstream-router.js";
import { generateId as defaultGenerateId } from "./ids.js";
import { jsonBodyText } from "./json/response-json.js";
import { assertJsonDepth, DEFAULT_MAX_BODY_BYTES, readJsonBody } from "./read-request-body.js";
import { keptRequestId } from "./request-id.js";
import { createMemoryStore } from "./store/memory-store.js";
import { createMemoryTurnLog } from "./store/memory-turn-log.js";
import { parseDialect } from "./stream/dialect.js";
import { textToByteStream } from "./stream/events-to-sse-stream.js";
import type { StoreScope } from "./types.js";

export type {
  AuthenticationRequest,
  BridgeRequest,
  BridgeResult,
  HookContext,
  ModelRoutes,
  Principal,
  ResponsesHandler,
  ResponsesHandlerOptions,
  RouteTarget,
  UpstreamRoute,
} from "./handler/options.js";

const RESPONSES_ROUTE = /\/responses(?:\/([^/]+)(\/input_items|\/cancel)?)?\/?$/;
/** `POST …/responses/{id}/cancel` has no body (the SDK sends none): it is never read. */
const BODYLESS_POST = /\/responses\/[^/]+\/cancel\/?$/;
const CHAT_ROUTE = /\/chat\/completions\/?$/;
const MODELS_ROUTE = /\/models(?:\/([^/]+))?\/?$/;
const RESPONSE_ID = /^resp_[A-Za-z0-9_-]{1,200}$/;
const DEFAULT_KEEP_ALIVE_MS = 15_000;

/** A URL path segment, percent-decoded; a malformed escape is the client's error (400), not ours. */
function decodePathSegment(segment: string, param: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest(`Invalid '${param}' in the URL: malformed percent-encoding.`, param);
  }
}

function methodNotAllowed(method: string, path: string) {
  return new ResponsesBridgeError(`Method ${method} is not allowed for ${path}.`, {
    status: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
  });
}

function unauthenticated(message = "Missing or invalid credentials.") {
  return new ResponsesBridgeError(message, {
    status: 401,
    type: "authentication_error",
    code: "invalid_api_key",
  });
}

/**
 * Creates the bridge: one framework-neutral handler that serves the OpenAI Responses API over Chat
 * Completions upstreams (plus `/chat/completions` pass-through and `/models`). Every adapter mounts
 * `handler.fetch` or `handler.handle`.
 *
 * @example
 * ```ts
 * const handler = createResponsesHandler({
 *   upstream: openAICompatibleUpstream({ baseURL: "http://127.0.0.1:11434/v1" }),
 * });
 * export const POST = handler.fetch;
 * ```
 */
export function createResponsesHandler(options: ResponsesHandlerOptions): ResponsesHandler {
  const upstream = options?.upstream;
  const hasUpstream = typeof upstream?.create === "function" && typeof upstream.stream === "function";
  if (!options || (!hasUpstream && options.routes === undefined)) {
    throw new TypeError(
      "createResponsesHandler: `upstream` is required, e.g. openAICompatibleUpstream({ baseURL: 'http://127.0.0.1:11434/v1' })",
    );
  }
  parseDialect(options.dialect);
  const store = options.store ?? createMemoryStore();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const environment = { generateId: options.generateId ?? defaultGenerateId, now: options.now ?? Date.now };
  const router = createUpstreamRouter(options);
  const modelsEndpoint = createModelsEndpoint(options, router, environment.now);

  const logError = createErrorLog(options.logger);
  function report(error: unknown, context: HookContext): ResponsesBridgeError {
    const bridgeError = toBridgeError(error);
    options.onError?.(bridgeError, context);
    logError?.(bridgeError, context);
    return bridgeError;
  }
  const shared: RequestServices = { options, router, report };
  const endpoint: ResponsesEndpointContext = {
    options,
    store,
    router,
    environment,
    keepAliveMs: options.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
    report,
    sealer: createSealer(options.compactionSecret),
  };
  // Background turns, resumable streams and cancel (handler/background.ts): the store's turn log, or
  // one in this process when the store has none.
  const background: BackgroundContext = {
    endpoint,
    turns: store.turns ?? createMemoryTurnLog(),
    limits: {
      maxConcurrent: options.background?.maxConcurrent ?? 16,
      maxDurationMs: options.background?.maxDurationMs ?? 3_600_000,
    },
    running: new Map(),
  };
  const resumableStreams = options.resumableStreams ?? false;

  function json(
    status: number,
    body: unknown,
    requestId: string,
    headers: Record<string, string> = {},
  ): BridgeResult {
    return { kind: "json", status, headers: { "x-request-id": requestId, ...headers }, body };
  }

  async function authenticate(input: BridgeRequest): Promise<Principal | undefined> {
    if (!options.authenticate) return undefined;
    let principal: Principal | null | undefined;
    try {
      principal = await options.authenticate({
        method: input.method,
        path: input.path,
        headers: input.headers,
      });
    } catch (error) {
      if (ResponsesBridgeError.isInstance(error)) throw error;
      throw unauthenticated();
    }
    if (!principal) throw unauthenticated();
    return principal;
  }

  async function route(
    input: BridgeRequest,
    body: unknown,
    hooks: HookContext,
    scope: StoreScope | undefined,
    services: RequestServices,
  ): Promise<BridgeResult> {
    const { method, path } = input;
    if (body !== undefined) assertJsonDepth(body);
    const responses = RESPONSES_ROUTE.exec(path);
    if (responses) {
      const id = responses[1] === undefined ? undefined : decodePathSegment(responses[1], "response_id");
      if (id === undefined) {
        if (method !== "POST") throw methodNotAllowed(method, path);
        const context = services === shared ? endpoint : { ...endpoint, ...services };
        const stateful = context === endpoint ? background : { ...background, endpoint: context };
        if (isBackgroundRequest(body)) return startBackground(stateful, body, input.signal, scope, hooks);
        if (resumableStreams && isStoredStream(body)) {
          return createLoggedStream(stateful, body, input.signal, scope, hooks);
        }
        return createResponse(context, body, input.signal, scope, hooks);
      }
      if (id === "compact" && responses[2] === undefined) {
        if (method !== "POST") throw methodNotAllowed(method, path);
        return compactResponse(endpoint, endpoint.sealer, body, input.signal, scope, hooks);
      }
      if (!RESPONSE_ID.test(id)) {
        throw invalidRequest(
          `Invalid 'response_id': '${id.slice(0, 64)}'. Expected an ID that begins with 'resp_'.`,
          "response_id",
        );
      }
      if (responses[2] === "/cancel") {
        if (method !== "POST") throw methodNotAllowed(method, path);
        return json(200, await cancelResponse(background, id, scope), hooks.requestId);
      }
      if (responses[2] !== undefined) {
        if (method !== "GET") throw methodNotAllowed(method, path);
        const record = await store.get(id, scope);
        if (!record) throw notFound(`Response with id '${id}' not found.`);
        return json(200, paginateInputItems(record.input, input.query), hooks.requestId);
      }
      if (method === "GET") {
        if (input.query?.get("stream") === "true") {
          return resumeStream(background, id, input.query, input.signal, scope, hooks);
        }
        return json(200, (await retrieveResponse(background, id, scope)).response, hooks.requestId);
      }
      if (method === "DELETE") {
        if (!(await store.delete(id, scope))) throw notFound(`Response with id '${id}' not found.`);
        return json(200, { id, object: "response", deleted: true }, hooks.requestId);
      }
      throw methodNotAllowed(method, path);
    }
    const conversations = CONVERSATIONS_ROUTE.exec(path);
    if (conversations) {
      const answer = await serveConversations(
        store,
        environment,
        conversations,
        method,
        body,
        input.query,
        scope,
      );
      return json(answer.status, answer.body, hooks.requestId);
    }
    if (CHAT_ROUTE.test(path)) {
      if (method !== "POST") throw methodNotAllowed(method, path);
      return passChatCompletion(
        services.options,
        services.router,
        body,
        input.signal,
        hooks,
        services.report,
      );
    }
    const models = MODELS_ROUTE.exec(path);
    if (models) {
      if (method !== "GET") throw methodNotAllowed(method, path);
      const id = models[1] === undefined ? undefined : decodePathSegment(models[1], "model");
      return json(200, await modelsEndpoint.answer(id, input.signal), hooks.requestId);
    }
    throw notFound(`Unknown request URL: ${method} ${path}.`);
  }

  function observe(input: BridgeRequest, requestId: string) {
    const { method, path, headers } = input;
    const info = {
      requestId,
      method,
      path,
      route: observedRouteOf(path),
      headers,
      startedAt: environment.now(),
    };
    return observeRequest(options.observer!, info, shared);
  }

  async function handle(input: BridgeRequest): Promise<BridgeResult> {
    const requestId = keptRequestId(input.headers.get("x-request-id")) ?? environment.generateId("req");
    const hooks: HookContext = { requestId };
    const observation = options.observer && observe(input, hooks.requestId);
    const services = observation ? observation.services : shared;
    try {
      const principal = options.authenticate ? await authenticate(input) : undefined;
      if (principal) hooks.principal = principal;
      const scope =
        input.scope ?? (principal?.tenant === undefined ? undefined : { tenant: principal.tenant });
      const body =
        input.body === undefined &&
        input.readBody &&
        input.method === "POST" &&
        !BODYLESS_POST.test(input.path)
          ? await input.readBody()
          : input.body;
      const result = await route(input, body, hooks, scope, services);
      return observation ? observation.finish(result, input.signal) : result;
    } catch (error) {
      const bridgeError = services.report(error, hooks);
      observation?.fail(bridgeError, input.signal);
      return json(bridgeError.status, toOpenAIErrorBody(bridgeError), hooks.requestId, bridgeError.headers);
    }
  }

  async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const result = await handle({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      // Read once authenticated (see BridgeRequest.readBody).
      readBody: () => readJsonBody(request, maxBodyBytes),
      signal: request.signal,
    });
    return toWebResponse(result);
  }

  return { fetch: fetchHandler, handle, maxBodyBytes };
}

/** Turns a {@link BridgeResult} into a Web `Response` (JSON body, or a pull-based SSE stream). */
export function toWebResponse(result: BridgeResult): Response {
  if (result.kind === "json") {
    return new Response(jsonBodyText(result.body), {
      status: result.status,
      headers: { "content-type": "application/json", ...result.headers },
    });
  }
  return new Response(textToByteStream(result.body), { status: 200, headers: result.headers });
}
