import {
  echoScenario,
  openAIErrorBody,
  type RenderOptions,
  renderChatChunks,
  renderChatCompletion,
} from "./render-scenario.js";
import { serveFetchHandler } from "./serve-fetch-handler.js";
import type {
  ChatRequestBody,
  Scenario,
  ScriptedBackend,
  ScriptedBackendOptions,
  ScriptedRequestRecord,
} from "./types.js";

type Outcome = "completed" | "aborted" | "broken";

/** Wait `ms` milliseconds, or less if `signal` aborts first. */
function sleep(ms: number | undefined, signal: AbortSignal): Promise<void> {
  if (!ms || ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const contentType = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json";
  return new Response(text, { status, headers: { "content-type": contentType, ...headers } });
}

function errorResponse(
  status: number,
  message: string,
  param: string | null = null,
  code: string | null = null,
) {
  return jsonResponse(status, openAIErrorBody(status, message, param, code));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Create a scripted Chat Completions backend: answers `POST …/chat/completions` from a queue of
 * {@link Scenario}s (or an echo), lists models on `GET …/models`, and logs every request.
 *
 * @example
 * const backend = createScriptedBackend();
 * backend.enqueue({ text: "Hello!" }, { toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}' }] });
 * const client = new OpenAI({ baseURL: "http://scripted.test/v1", apiKey: "x", fetch: backend.fetch });
 */
export function createScriptedBackend(options: ScriptedBackendOptions = {}): ScriptedBackend {
  const requests: ScriptedRequestRecord[] = [];
  const queue: Scenario[] = Array.isArray(options.script) ? [...options.script] : [];
  const render: RenderOptions = {};
  if (options.generateId) render.generateId = options.generateId;
  if (options.now) render.now = options.now;
  const now = options.now ?? Date.now;

  async function pickScenario(body: ChatRequestBody, record: ScriptedRequestRecord): Promise<Scenario> {
    const queued = queue.shift();
    if (queued) return queued;
    if (typeof options.script === "function") return await options.script(body, record);
    return options.fallback ?? echoScenario(body);
  }

  function listModels(): Response {
    const created = Math.floor(now() / 1000);
    const data = (options.models ?? ["scripted-model"]).map((id) => ({
      id,
      object: "model",
      created,
      owned_by: "scripted",
    }));
    return jsonResponse(200, { object: "list", data });
  }

  function streamResponse(
    scenario: Scenario,
    body: ChatRequestBody,
    signal: AbortSignal,
    settle: (outcome: Outcome) => boolean,
    record: ScriptedRequestRecord,
  ): Response {
    const frames = renderChatChunks(scenario, body, render).map(
      (chunk) => `data: ${typeof chunk === "string" ? chunk : JSON.stringify(chunk)}\n\n`,
    );
    frames.push("data: [DONE]\n\n");
    const encoder = new TextEncoder();
    const breakAfter = scenario.breakAfterChunks;
    let sent = 0;
    let ended = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const onAbort = () => {
          if (!settle("aborted")) return;
          ended = true;
          controller.error(
            signal.reason ?? new DOMException("The client aborted the request.", "AbortError"),
          );
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      },
      async pull(controller) {
        if (ended) return;
        if (breakAfter !== undefined && (sent >= breakAfter || sent === frames.length - 1)) {
          ended = true;
          settle("broken");
          controller.error(new Error(`Scripted stream broken after ${sent} chunks.`));
          return;
        }
        if (sent > 0) await sleep(scenario.delayMs, signal);
        if (ended) return;
        const frame = frames[sent++] ?? "";
        record.chunksSent = sent;
        controller.enqueue(encoder.encode(frame));
        if (sent === frames.length) {
          ended = true;
          settle("completed");
          controller.close();
        }
      },
      cancel() {
        ended = true;
        settle("aborted");
      },
    });
    return new Response(stream, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" },
    });
  }

  async function chatCompletions(
    request: Request,
    record: ScriptedRequestRecord,
    settle: (outcome: Outcome) => boolean,
  ): Promise<Response> {
    const text = await request.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return errorResponse(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
      );
    }
    if (!isPlainObject(parsed)) return errorResponse(400, "The request body must be a JSON object.");
    const body = parsed as ChatRequestBody;
    record.body = body;
    if (options.rejectStreamOptions && "stream_options" in body) {
      return errorResponse(400, "Unrecognized request argument supplied: stream_options", "stream_options");
    }
    if (!Array.isArray(body.messages)) {
      return errorResponse(
        400,
        "Missing required parameter: 'messages'.",
        "messages",
        "missing_required_parameter",
      );
    }
    const scenario = await pickScenario(body, record);
    await sleep(scenario.firstByteDelayMs, request.signal);
    if (request.signal.aborted) {
      settle("aborted");
      throw request.signal.reason ?? new DOMException("The client aborted the request.", "AbortError");
    }
    if (scenario.error) {
      const { status, body: errorBody, headers } = scenario.error;
      return jsonResponse(status, errorBody === undefined ? openAIErrorBody(status) : errorBody, headers);
    }
    if (body.stream === true) return streamResponse(scenario, body, request.signal, settle, record);
    return jsonResponse(200, renderChatCompletion(scenario, body, render));
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const record: ScriptedRequestRecord = {
      method: request.method.toUpperCase(),
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body: null,
      aborted: false,
      completed: false,
      chunksSent: 0,
    };
    requests.push(record);
    let settled = false;
    const settle = (outcome: Outcome): boolean => {
      if (settled) return false;
      settled = true;
      if (outcome === "aborted") record.aborted = true;
      if (outcome === "completed") record.completed = true;
      return true;
    };

    let response: Response;
    const path = url.pathname.replace(/\/+$/, "");
    try {
      if (path.endsWith("/chat/completions")) {
        response =
          record.method === "POST"
            ? await chatCompletions(request, record, settle)
            : errorResponse(405, `Method ${record.method} not allowed on ${url.pathname}.`);
      } else if (path.endsWith("/models")) {
        response =
          record.method === "GET"
            ? listModels()
            : errorResponse(405, `Method ${record.method} not allowed on ${url.pathname}.`);
      } else {
        response = errorResponse(404, `Unknown path ${url.pathname}.`, null, "unknown_url");
      }
    } catch (error) {
      if (request.signal.aborted) {
        settle("aborted");
        throw error;
      }
      const message = error instanceof Error ? error.message : String(error);
      response = errorResponse(500, `Scripted backend error: ${message}`);
    }
    // Streams settle themselves; every other reply is complete once it is built.
    if (response.headers.get("content-type") !== "text/event-stream") settle("completed");
    return response;
  }

  const fetchHandler = (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    return handle(request);
  };

  return {
    fetch: fetchHandler,
    listen: (listenOptions) => serveFetchHandler(fetchHandler, listenOptions),
    requests,
    enqueue(...scenarios) {
      queue.push(...scenarios);
    },
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
  };
}
