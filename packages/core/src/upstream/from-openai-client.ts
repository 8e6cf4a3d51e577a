import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from "openai/resources/chat/completions";
import { ResponsesBridgeError, redactSecrets, upstreamConnectionError, upstreamError } from "../errors.js";
import { objectWith } from "../object-with.js";
import { registerUpstreamSecrets } from "../redact-secrets.js";
import { isUsageChunk } from "../stream/read-chat-stream.js";
import type { ChatUpstream, UpstreamCallOptions, UpstreamCapabilities } from "../types.js";

/**
 * The part of an `openai` client instance this adapter uses (`client.chat.completions.create`).
 * Any `new OpenAI({...})` satisfies it, as do compatible SDKs.
 */
export interface OpenAIClientLike {
  chat: {
    completions: {
      create(
        params: ChatCompletionCreateParamsNonStreaming,
        options?: { signal?: AbortSignal; headers?: Record<string, string> },
      ): PromiseLike<ChatCompletion>;
      create(
        params: ChatCompletionCreateParamsStreaming,
        options?: { signal?: AbortSignal; headers?: Record<string, string> },
      ): PromiseLike<AsyncIterable<ChatCompletionChunk>>;
    };
  };
  /** Redacted from error messages; openai 6.49+ and 7 type it `string | null`. */
  apiKey?: string | null;
}

const callOptions = (call: UpstreamCallOptions) =>
  call.headers ? { signal: call.signal, headers: call.headers } : { signal: call.signal };

function mapClientError(error: unknown, secrets: (string | undefined)[]): unknown {
  if (ResponsesBridgeError.isInstance(error)) return error;
  const e = error as {
    status?: unknown;
    message?: unknown;
    name?: unknown;
    headers?: unknown;
    code?: unknown;
  };
  if (e && typeof e === "object") {
    if (e.name === "APIUserAbortError" || e.name === "AbortError") return error;
    const message = redactSecrets(typeof e.message === "string" ? e.message : "Upstream error", secrets);
    if (typeof e.status === "number") {
      const headers = e.headers as
        | { get?: (name: string) => string | null }
        | Record<string, string>
        | undefined;
      const retryAfter =
        typeof (headers as { get?: unknown })?.get === "function"
          ? (headers as { get: (name: string) => string | null }).get("retry-after")
          : ((headers as Record<string, string> | undefined)?.["retry-after"] ?? null);
      return upstreamError(e.status, `Upstream error ${e.status}: ${message}`, {
        code: typeof e.code === "string" ? e.code : null,
        retryAfter,
        cause: error,
      });
    }
    return upstreamConnectionError(`Could not reach the upstream: ${message}`, error);
  }
  return error;
}

/**
 * A {@link ChatUpstream} over an existing `openai` client instance (for example one configured with
 * Azure, a proxy agent or custom retries). The client's own error classes are mapped to bridge
 * errors with the same status; its API key never reaches an error message.
 */
export function fromOpenAIClient(
  client: OpenAIClientLike,
  capabilities: UpstreamCapabilities = {},
): ChatUpstream {
  const secrets = [client.apiKey ?? undefined];
  registerUpstreamSecrets(client.apiKey ?? undefined);
  return {
    capabilities,
    async create(params, call) {
      try {
        return await client.chat.completions.create(objectWith(params, { stream: false }), callOptions(call));
      } catch (error) {
        throw mapClientError(error, secrets);
      }
    },
    async stream(params, call) {
      let stream: AsyncIterable<ChatCompletionChunk>;
      try {
        stream = await client.chat.completions.create(
          objectWith(params, { stream: true }),
          callOptions(call),
        );
      } catch (error) {
        throw mapClientError(error, secrets);
      }
      // The SDK reads on after `[DONE]` until the upstream ends the body: the loop stops at the end of the
      // reply instead (the usage chunk after a finish, or the finish when no usage was asked for), which
      // aborts the SDK's request and closes the connection.
      const lastIsFinish = !params.stream_options?.include_usage;
      return (async function* () {
        let sawFinish = false;
        try {
          for await (const chunk of stream) {
            yield chunk;
            if (!sawFinish)
              sawFinish = chunk.choices?.some((choice) => choice.finish_reason && !choice.index) === true;
            if (sawFinish && (lastIsFinish || isUsageChunk(chunk))) return;
          }
        } catch (error) {
          throw mapClientError(error, secrets);
        }
      })();
    },
  };
}
