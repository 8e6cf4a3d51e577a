import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessage,
  ChatCompletionMessageFunctionToolCall,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { ChatRequestBody, Scenario, ScenarioFinishReason, ScenarioUsage } from "./types.js";

/** Options shared by {@link renderChatChunks} and {@link renderChatCompletion}. */
export interface RenderOptions {
  /** Id generator for `chatcmpl` and `call` ids. Defaults to random ids. */
  generateId?: (prefix: "chatcmpl" | "call") => string;
  /** Clock in milliseconds, used for `created`. Defaults to `Date.now`. */
  now?: () => number;
}

/** A streamed delta, which may carry the non-standard `reasoning_content` field. */
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string };
/** A reply message, which may carry the non-standard `reasoning_content` field. */
type ReplyMessage = ChatCompletionMessage & { reasoning_content?: string };

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Random id in the style OpenAI uses: `chatcmpl-…` or `call_…`. */
function randomId(prefix: "chatcmpl" | "call"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let tail = "";
  for (const byte of bytes) tail += ALPHABET[byte % ALPHABET.length];
  return prefix === "chatcmpl" ? `chatcmpl-${tail}` : `call_${tail}`;
}

/**
 * Split `text` into pieces of `size` code points (never inside a surrogate pair).
 * An empty string gives no pieces.
 */
export function splitText(text: string, size: number): string[] {
  const step = Math.max(1, Math.floor(size));
  const pieces: string[] = [];
  // Walks UTF-16 code units (no array of code points), so megabyte scenarios stay cheap.
  let start = 0;
  while (start < text.length) {
    let end = start;
    for (let count = 0; count < step && end < text.length; count++) {
      const code = text.charCodeAt(end);
      end += code >= 0xd800 && code <= 0xdbff && end + 1 < text.length ? 2 : 1;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

/** Text of the last user message in a chat request, with content parts flattened. */
export function lastUserText(body: ChatRequestBody | null): string {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message?.role !== "user") continue;
    if (typeof message.content === "string") return message.content;
    if (Array.isArray(message.content)) {
      return message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    }
  }
  return "";
}

/** The default scenario: echo the last user message as `You said: <text>`. */
export function echoScenario(body: ChatRequestBody | null): Scenario {
  return { text: `You said: ${lastUserText(body)}` };
}

function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function finishReasonOf(scenario: Scenario): ScenarioFinishReason {
  return scenario.finishReason ?? (scenario.toolCalls?.length ? "tool_calls" : "stop");
}

/** Chat usage for a scenario: its `usage` with details filled in, rough counts by default, or null. */
export function usageOf(scenario: Scenario, body: ChatRequestBody | null): CompletionUsage | null {
  if (scenario.usage === null) return null;
  const given: ScenarioUsage = scenario.usage ?? {
    prompt_tokens: Math.max(1, roughTokens(JSON.stringify(body?.messages ?? []))),
    completion_tokens: roughTokens(
      (scenario.reasoning ?? "") +
        (scenario.text ?? "") +
        (scenario.refusal ?? "") +
        (scenario.toolCalls ?? []).map((call) => call.name + call.arguments).join(""),
    ),
    reasoning_tokens: roughTokens(scenario.reasoning ?? ""),
  };
  return {
    prompt_tokens: given.prompt_tokens,
    completion_tokens: given.completion_tokens,
    total_tokens: given.total_tokens ?? given.prompt_tokens + given.completion_tokens,
    prompt_tokens_details: { cached_tokens: given.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: given.reasoning_tokens ?? 0 },
  };
}

interface ReplyHeader {
  id: string;
  created: number;
  model: string;
  callIds: string[];
}

function replyHeader(scenario: Scenario, body: ChatRequestBody | null, options: RenderOptions): ReplyHeader {
  const generateId = options.generateId ?? randomId;
  const now = options.now ?? Date.now;
  const requestModel = typeof body?.model === "string" ? body.model : "scripted-model";
  return {
    id: generateId("chatcmpl"),
    created: Math.floor(now() / 1000),
    model: scenario.model ?? requestModel,
    callIds: (scenario.toolCalls ?? []).map((call) => call.id ?? generateId("call")),
  };
}

/** Whether the request asked for a usage chunk (`stream_options.include_usage: true`). */
export function wantsUsageChunk(body: ChatRequestBody | null): boolean {
  const streamOptions = body?.stream_options as { include_usage?: unknown } | null | undefined;
  return streamOptions?.include_usage === true;
}

/** Tool-call deltas, each call's first delta carrying id, type and name, in call order or round-robin. */
function toolCallDeltas(scenario: Scenario, callIds: string[], size: number): Delta[] {
  const perCall = (scenario.toolCalls ?? []).map((call, index) => {
    const first: ChatCompletionChunk.Choice.Delta.ToolCall = {
      index,
      id: callIds[index] ?? "",
      type: "function",
      function: { name: call.name, arguments: "" },
    };
    const rest = splitText(call.arguments, size).map(
      (piece): ChatCompletionChunk.Choice.Delta.ToolCall => ({ index, function: { arguments: piece } }),
    );
    return [first, ...rest];
  });
  const ordered: ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
  if (scenario.interleaveToolCalls) {
    const rounds = Math.max(0, ...perCall.map((deltas) => deltas.length));
    for (let round = 0; round < rounds; round++) {
      for (const deltas of perCall) {
        const delta = deltas[round];
        if (delta) ordered.push(delta);
      }
    }
  } else {
    for (const deltas of perCall) ordered.push(...deltas);
  }
  return ordered.map((toolCall) => ({ tool_calls: [toolCall] }));
}

/**
 * The chunk objects a streaming request gets for `scenario`, in order, without `[DONE]`: the role chunk,
 * reasoning, content and refusal deltas, tool-call deltas, the finish chunk, and the usage chunk when the
 * request set `stream_options.include_usage`. With `rawChunks`, exactly those.
 */
export function renderChatChunks(
  scenario: Scenario,
  body: ChatRequestBody | null,
  options: RenderOptions = {},
): unknown[] {
  if (scenario.rawChunks) return [...scenario.rawChunks];
  const header = replyHeader(scenario, body, options);
  const size = scenario.chunkSize ?? 4;
  const includeUsage = wantsUsageChunk(body);
  const base = {
    id: header.id,
    object: "chat.completion.chunk" as const,
    created: header.created,
    model: header.model,
  };
  const chunk = (delta: Delta, finishReason: ScenarioFinishReason | null = null): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });

  const deltas: Delta[] = [{ role: "assistant", content: "" }];
  for (const piece of splitText(scenario.reasoning ?? "", size)) deltas.push({ reasoning_content: piece });
  for (const piece of splitText(scenario.text ?? "", size)) deltas.push({ content: piece });
  for (const piece of splitText(scenario.refusal ?? "", size)) deltas.push({ refusal: piece });
  deltas.push(...toolCallDeltas(scenario, header.callIds, size));

  const chunks: unknown[] = deltas.map((delta) => chunk(delta));
  chunks.push(chunk({}, finishReasonOf(scenario)));
  const usage = usageOf(scenario, body);
  if (includeUsage && usage) chunks.push({ ...base, choices: [], usage });
  return chunks;
}

/** The `chat.completion` object a non-streaming request gets for `scenario` (`rawChunks` is ignored). */
export function renderChatCompletion(
  scenario: Scenario,
  body: ChatRequestBody | null,
  options: RenderOptions = {},
): ChatCompletion {
  const header = replyHeader(scenario, body, options);
  const toolCalls = (scenario.toolCalls ?? []).map(
    (call, index): ChatCompletionMessageFunctionToolCall => ({
      id: header.callIds[index] ?? "",
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }),
  );
  const message: ReplyMessage = {
    role: "assistant",
    content: scenario.text ?? (toolCalls.length > 0 || scenario.refusal !== undefined ? null : ""),
    refusal: scenario.refusal ?? null,
    annotations: [],
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (scenario.reasoning !== undefined) message.reasoning_content = scenario.reasoning;
  const usage = usageOf(scenario, body);
  return {
    id: header.id,
    object: "chat.completion",
    created: header.created,
    model: header.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(scenario) }],
    ...(usage ? { usage } : {}),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  422: "invalid_request_error",
  429: "rate_limit_error",
};

/** An OpenAI-shaped error body: `{ error: { message, type, param, code } }`, `type` following the status. */
export function openAIErrorBody(
  status: number,
  message = `Scripted error (HTTP ${status})`,
  param: string | null = null,
  code: string | null = null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "server_error" : "invalid_request_error");
  return { error: { message, type, param, code } };
}
