import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import {
  invalidRequest,
  notFound,
  ResponsesBridgeError,
  toBridgeError,
  toOpenAIErrorBody,
} from "./errors.js";
import { generateId as defaultGenerateId } from "./ids.js";
import { DEFAULT_MAX_BODY_BYTES, readJsonBody } from "./read-request-body.js";
import { parseResponsesRequest } from "./schema/responses-request.js";
import { eventsToSSEStream } from "./sse/events-to-sse-stream.js";
import { createMemoryStore } from "./store/memory-store.js";
import { chainToItems, loadChain } from "./store/resolve-history.js";
import { translateChatStream } from "./translate/chat-stream-to-events.js";
import { convertChatToResponse } from "./translate/chat-to-response.js";
import { normalizeInput } from "./translate/input-to-messages.js";
import { convertRequestToChat } from "./translate/request-to-chat.js";
import { createResponseObject } from "./translate/response-object.js";
import type {
  ChatCompletionChunk,
  ChatUpstream,
  IdPrefix,
  ResponseObject,
  ResponseStore,
  ResponsesRequest,
  StoreScope,
  TranslationEnvironment,
  TranslationWarning,
  UpstreamCapabilities,
} from "./types.js";

/** Context passed to the logging hooks. */
export interface HandlerEventContext {
  /** The `x-request-id` the bridge assigned to this HTTP request. */
  requestId: string;
}

/** Options for {@link createResponsesHandler}. */
export interface ResponsesHandlerOptions {
  /** The Chat Completions backend: {@link openAICompatibleUpstream}, {@link fromOpenAIClient} or your own. */
  upstream: ChatUpstream;
  /**
   * Where responses are kept for `previous_response_id`, `GET` and `DELETE`.
   * Default: `createMemoryStore()` (10,000 entries, one day).
   */
  store?: ResponseStore;
  /** Rewrites the requested model: a fixed name, or a function of the requested name. Default: passed through. */
  model?: string | ((requested: string) => string);
  /** Overrides the upstream's own {@link UpstreamCapabilities}. */
  capabilities?: UpstreamCapabilities;
  /** Largest accepted request body in bytes (after decompression); larger bodies get a 413. Default 20 MiB. */
  maxBodyBytes?: number;
  /**
   * Called for every error answered to a client, and for errors that happen after streaming began
   * (reported to the client as `response.failed`). Messages never contain upstream API keys.
   */
  onError?: (error: ResponsesBridgeError, context: HandlerEventContext) => void;
  /** Called for non-fatal translation warnings (a tool type the backend cannot run was dropped...). */
  onWarning?: (warning: TranslationWarning, context: HandlerEventContext) => void;
  /** Id generator, for deterministic tests. Default: 192 random bits per id. */
  generateId?: (prefix: IdPrefix) => string;
  /** Clock in milliseconds, for deterministic tests. Default `Date.now`. */
  now?: () => number;
}

/** A request in framework-neutral form, for adapters that already parsed the body. */
export interface BridgeRequest {
  /** HTTP method, upper case. */
  method: string;
  /** URL path (no query string), e.g. `/v1/responses`. Any prefix before `/responses` is accepted. */
  path: string;
  /** Query parameters. */
  query?: URLSearchParams;
  /** Request headers. */
  headers: Headers;
  /** The parsed JSON body (undefined for GET/DELETE). */
  body?: unknown;
  /** Aborted when the client disconnects; cancels the upstream call. */
  signal: AbortSignal;
  /** Store scope (tenant) for this request. */
  scope?: StoreScope;
}

/** What the handler answers, before it is written to a framework's response. */
export type BridgeResult =
  | {
      kind: "json";
      status: number;
      headers: Record<string, string>;
      body: unknown;
    }
  | {
      kind: "events";
      status: 200;
      headers: Record<string, string>;
      /**
       * The Responses events, one array per upstream chunk: write each array in one write.
       * Single consumer; calling `return()` on the iterator (or cancelling) aborts the upstream call.
       */
      events: AsyncIterable<readonly ResponseStreamEvent[]>;
    };

/** The handler returned by {@link createResponsesHandler}. */
export interface ResponsesHandler {
  /**
   * Web-standard entry point serving `POST …/responses`, `GET …/responses/{id}` and
   * `DELETE …/responses/{id}`. Mount it directly in Next.js, Hono, Bun, Deno or Workers.
   */
  fetch(request: Request): Promise<Response>;
  /** Structured entry point for adapters that parsed the body themselves (Node, Express, Fastify). */
  handle(request: BridgeRequest): Promise<BridgeResult>;
}

const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};
const ROUTE = /\/responses(?:\/([^/]+))?\/?$/;
const RESPONSE_ID = /^resp_[A-Za-z0-9_-]{1,200}$/;

/**
 * Creates the bridge: one framework-neutral handler that serves the OpenAI Responses API over a
 * Chat Completions upstream. Every adapter mounts `handler.fetch` or `handler.handle`.
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
  if (
    !options ||
    typeof options.upstream?.create !== "function" ||
    typeof options.upstream.stream !== "function"
  ) {
    throw new TypeError(
      "createResponsesHandler: `upstream` is required, e.g. openAICompatibleUpstream({ baseURL: 'http://127.0.0.1:11434/v1' })",
    );
  }
  const upstream = options.upstream;
  const store = options.store ?? createMemoryStore();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const environment: TranslationEnvironment = {
    generateId: options.generateId ?? defaultGenerateId,
    now: options.now ?? Date.now,
  };

  function report(error: unknown, requestId: string): ResponsesBridgeError {
    const bridgeError = toBridgeError(error);
    options.onError?.(bridgeError, { requestId });
    return bridgeError;
  }

  function json(
    status: number,
    body: unknown,
    requestId: string,
    headers: Record<string, string> = {},
  ): BridgeResult {
    return { kind: "json", status, headers: { "x-request-id": requestId, ...headers }, body };
  }

  async function save(
    request: ResponsesRequest,
    response: ResponseObject,
    scope: StoreScope | undefined,
    requestId: string,
  ) {
    if (request.store === false) return;
    try {
      await store.put(
        {
          id: response.id,
          previousResponseId: request.previous_response_id ?? null,
          input: normalizeInput(request.input),
          response,
        },
        scope,
      );
    } catch (error) {
      // The client still gets its answer; the failure is reported, not swallowed.
      report(error, requestId);
    }
  }

  async function createResponse(input: BridgeRequest, requestId: string): Promise<BridgeResult> {
    const request = parseResponsesRequest(input.body);
    if (request.background === true) {
      throw invalidRequest(
        "Background responses are not supported by this server.",
        "background",
        "unsupported_parameter",
      );
    }
    if ((request as { conversation?: unknown }).conversation != null) {
      throw invalidRequest(
        "Conversations are not supported by this server; use previous_response_id instead.",
        "conversation",
        "unsupported_parameter",
      );
    }
    const history = request.previous_response_id
      ? chainToItems(await loadChain(store, request.previous_response_id, input.scope))
      : [];
    const capabilities = { ...upstream.capabilities, ...options.capabilities };
    const { params, warnings } = convertRequestToChat(request, {
      history,
      capabilities,
      ...(options.model === undefined ? {} : { model: options.model }),
    });
    for (const warning of warnings) options.onWarning?.(warning, { requestId });
    const response = createResponseObject(request, {
      id: environment.generateId("resp"),
      createdAt: Math.floor(environment.now() / 1000),
    });

    // One controller per call: aborted by the client's signal, and when the event stream ends early.
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(input.signal.reason);
    if (input.signal.aborted) controller.abort(input.signal.reason);
    else input.signal.addEventListener("abort", onClientAbort, { once: true });
    const release = () => input.signal.removeEventListener("abort", onClientAbort);

    if (!request.stream) {
      try {
        const completion = await upstream.create({ ...params, stream: false } as never, {
          signal: controller.signal,
        });
        const final = convertChatToResponse(completion, { response, environment });
        await save(request, final, input.scope, requestId);
        return json(200, final, requestId);
      } finally {
        release();
      }
    }

    let chunks: AsyncIterable<ChatCompletionChunk>;
    try {
      chunks = await upstream.stream(params as ChatCompletionCreateParamsStreaming, {
        signal: controller.signal,
      });
    } catch (error) {
      release();
      throw error;
    }
    const batches = translateChatStream(chunks, {
      response,
      environment,
      signal: controller.signal,
      onFinish: (final) => save(request, final, input.scope, requestId),
      onFail: (_failed, error) => report(error, requestId),
    });
    async function* guarded(): AsyncGenerator<readonly ResponseStreamEvent[], void, undefined> {
      try {
        yield* batches;
      } finally {
        release();
        // Ends the upstream request if the client left early; harmless once it finished.
        controller.abort();
      }
    }
    return {
      kind: "events",
      status: 200,
      headers: { ...SSE_HEADERS, "x-request-id": requestId },
      events: guarded(),
    };
  }

  async function handle(input: BridgeRequest): Promise<BridgeResult> {
    const requestId = environment.generateId("req");
    try {
      const match = ROUTE.exec(input.path);
      if (!match) throw notFound(`Unknown request URL: ${input.method} ${input.path}.`);
      const id = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
      if (id === undefined) {
        if (input.method !== "POST") throw methodNotAllowed(input.method, input.path);
        return await createResponse(input, requestId);
      }
      if (!RESPONSE_ID.test(id)) {
        throw invalidRequest(
          `Invalid 'response_id': '${id.slice(0, 64)}'. Expected an ID that begins with 'resp_'.`,
          "response_id",
        );
      }
      if (input.method === "GET") {
        const record = await store.get(id, input.scope);
        if (!record) throw notFound(`Response with id '${id}' not found.`);
        return json(200, record.response, requestId);
      }
      if (input.method === "DELETE") {
        const deleted = await store.delete(id, input.scope);
        if (!deleted) throw notFound(`Response with id '${id}' not found.`);
        return json(200, { id, object: "response", deleted: true }, requestId);
      }
      throw methodNotAllowed(input.method, input.path);
    } catch (error) {
      const bridgeError = report(error, requestId);
      return json(bridgeError.status, toOpenAIErrorBody(bridgeError), requestId, bridgeError.headers);
    }
  }

  async function fetchHandler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let body: unknown;
    if (request.method === "POST") {
      try {
        body = await readJsonBody(request, maxBodyBytes);
      } catch (error) {
        const requestId = environment.generateId("req");
        const bridgeError = report(error, requestId);
        return toWebResponse(
          json(bridgeError.status, toOpenAIErrorBody(bridgeError), requestId, bridgeError.headers),
        );
      }
    }
    const result = await handle({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
      signal: request.signal,
    });
    return toWebResponse(result);
  }

  return { fetch: fetchHandler, handle };
}

function methodNotAllowed(method: string, path: string) {
  return new ResponsesBridgeError(`Method ${method} is not allowed for ${path}.`, {
    status: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
  });
}

/** Turns a {@link BridgeResult} into a Web `Response` (JSON body, or a pull-based SSE stream). */
export function toWebResponse(result: BridgeResult): Response {
  if (result.kind === "json") {
    return new Response(JSON.stringify(result.body), {
      status: result.status,
      headers: { "content-type": "application/json", ...result.headers },
    });
  }
  return new Response(eventsToSSEStream(result.events), { status: 200, headers: result.headers });
}
