import type { ChatCompletionChunk, ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { invalidRequest } from "../errors.js";
import { objectWith } from "../object-with.js";
import { redactRegisteredSecrets, redactSecrets } from "../redact-secrets.js";
import { SSE_HEADERS } from "../stream/sse-headers.js";
import { linkAbort } from "../upstream/linked-abort.js";
import type { BridgeResult, HookContext, ResponsesHandlerOptions } from "./options.js";
import type { UpstreamRouter } from "./upstream-router.js";

function validate(body: unknown): ChatCompletionCreateParams {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalidRequest("Invalid request body: expected a JSON object.");
  }
  const params = body as Record<string, unknown>;
  if (typeof params.model !== "string" || params.model.length === 0) {
    throw invalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  }
  if (!Array.isArray(params.messages)) {
    throw invalidRequest(
      "Invalid type for 'messages': expected an array of messages.",
      "messages",
      "invalid_type",
    );
  }
  return params as unknown as ChatCompletionCreateParams;
}

/**
 * `POST …/chat/completions`: passes a Chat Completions request through to the routed upstream (with
 * model routing, fallback and `transformChatRequest` applied), so Chat clients (Aider, Continue,
 * Cursor...) and Responses clients share one server.
 */
export async function passChatCompletion(
  options: ResponsesHandlerOptions,
  router: UpstreamRouter,
  body: unknown,
  signal: AbortSignal,
  hooks: HookContext,
  report: (error: unknown, context: HookContext) => void,
): Promise<BridgeResult> {
  const incoming = validate(body);
  const targets = router.resolve(incoming.model);
  const { controller, release } = linkAbort(signal);

  const prepare = async (model: string) => {
    const params = { ...incoming, model };
    return options.transformChatRequest ? await options.transformChatRequest(params, hooks) : params;
  };
  if (!incoming.stream) {
    try {
      const completion = await router.withFallback(targets, controller.signal, async (target) =>
        target.upstream.create(
          { ...(await prepare(target.model)), stream: false },
          { signal: controller.signal },
        ),
      );
      const body = JSON.parse(redactRegisteredSecrets(JSON.stringify(completion)));
      return { kind: "json", status: 200, headers: { "x-request-id": hooks.requestId }, body };
    } finally {
      release();
    }
  }
  let chunks: AsyncIterable<ChatCompletionChunk>;
  try {
    chunks = await router.withFallback(targets, controller.signal, async (target) =>
      target.upstream.stream(
        { ...(await prepare(target.model)), stream: true },
        { signal: controller.signal },
      ),
    );
  } catch (error) {
    release();
    throw error;
  }
  async function* encode(): AsyncGenerator<string, void, undefined> {
    try {
      for await (const chunk of chunks) yield `data: ${redactRegisteredSecrets(JSON.stringify(chunk))}\n\n`;
      yield "data: [DONE]\n\n";
    } catch (error) {
      // After the first byte an error can only be reported in band, as OpenAI-compatible servers do.
      if (!controller.signal.aborted) {
        report(error, hooks);
        const message = redactSecrets(String((error as Error)?.message ?? "Upstream error"));
        yield `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: "upstream_error" } })}\n\n`;
      }
    } finally {
      release();
      controller.abort();
    }
  }
  return {
    kind: "stream",
    status: 200,
    headers: objectWith(SSE_HEADERS, { "x-request-id": hooks.requestId }),
    body: encode(),
  };
}
