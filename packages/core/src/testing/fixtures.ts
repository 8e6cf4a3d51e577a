// Test-only loader for the reply fixtures in src/translate/__fixtures__/reply (see the README there).
// Files are read through Vite's import.meta.glob, so no `node:` import is needed in core.
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";

declare global {
  interface ImportMeta {
    glob<T>(pattern: string, options: { query: string; import: string; eager: true }): Record<string, T>;
  }
}

const files = import.meta.glob<string>("../translate/__fixtures__/reply/*.chunks.jsonl", {
  query: "?raw",
  import: "default",
  eager: true,
});

const byName = new Map<string, string>();
for (const [path, text] of Object.entries(files)) {
  byName.set(path.slice(path.lastIndexOf("/") + 1, -".chunks.jsonl".length), text);
}

/** One reply fixture: its SSE frames as the server sends them, and the JSON chunks among them. */
export interface ChunksFixture {
  name: string;
  /** One SSE frame per line of the file (data, `[DONE]` or comment), each ending with a blank line. */
  frames: string[];
  /** The parsed chunks, in order. */
  chunks: ChatCompletionChunk[];
  /** Whether the server sent `data: [DONE]`. */
  done: boolean;
}

/** Names of every reply fixture (file names without `.chunks.jsonl`). */
export function replyFixtureNames(): string[] {
  return [...byName.keys()].sort();
}

/** Loads `__fixtures__/reply/<name>.chunks.jsonl`. */
export function loadChunksFixture(name: string, lineEnding: "\n" | "\r\n" = "\n"): ChunksFixture {
  const text = byName.get(name);
  if (text === undefined)
    throw new Error(`unknown reply fixture ${name}; have ${replyFixtureNames().join(", ")}`);
  const frames: string[] = [];
  const chunks: ChatCompletionChunk[] = [];
  let done = false;
  for (const line of text.split("\n")) {
    if (line.trim().length === 0) continue;
    if (line.startsWith(":")) frames.push(`${line}${lineEnding}${lineEnding}`);
    else if (line === "[DONE]") {
      done = true;
      frames.push(`data: [DONE]${lineEnding}${lineEnding}`);
    } else {
      chunks.push(JSON.parse(line) as ChatCompletionChunk);
      frames.push(`data: ${line}${lineEnding}${lineEnding}`);
    }
  }
  return { name, frames, chunks, done };
}

/** A response body that delivers `text` as UTF-8 in pieces of `pieceSize` bytes (whole when omitted). */
export function sseBody(text: string, pieceSize?: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const size = pieceSize ?? bytes.length;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

type LooseDelta = Record<string, unknown> & {
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  reasoning_details?: unknown[] | null;
  tool_calls?: Array<{
    index?: number;
    id?: string;
    type?: string;
    function?: { name?: string; arguments?: string };
    custom?: { name?: string; input?: string };
  }> | null;
};

interface FoldedCall {
  id?: string;
  type: string;
  function?: { name: string; arguments: string };
  custom?: { name: string; input: string };
}

/**
 * The non-streaming completion a server would return for the same reply: choice 0's deltas
 * concatenated (content, refusal, reasoning fields, tool calls merged by `index`, or for deltas without
 * an index continuing the last call unless the id or name changes), the last finish reason, and the
 * usage (`usage` or Groq's `x_groq.usage`).
 */
export function foldChunks(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const message: Record<string, unknown> & { tool_calls?: FoldedCall[] } = {
    role: "assistant",
    content: null,
  };
  const calls = new Map<number, FoldedCall>();
  let lastUnindexed: { index: number; call: FoldedCall } | undefined;
  let finishReason: string | null = null;
  let usage: unknown = null;
  let logprobs: unknown[] | null = null;
  const append = (key: string, value: unknown) => {
    if (typeof value === "string" && value.length > 0)
      message[key] = ((message[key] as string | null) ?? "") + value;
  };
  for (const chunk of chunks) {
    const extra = chunk as { x_groq?: { usage?: unknown } };
    usage = chunk.usage ?? extra.x_groq?.usage ?? usage;
    const choice = chunk.choices?.find((entry) => (entry.index ?? 0) === 0);
    if (!choice) continue;
    if (choice.finish_reason) finishReason = choice.finish_reason;
    if (choice.logprobs?.content) logprobs = [...(logprobs ?? []), ...choice.logprobs.content];
    const delta = (choice.delta ?? {}) as LooseDelta;
    append("content", delta.content);
    append("refusal", delta.refusal);
    append("reasoning_content", delta.reasoning_content);
    append("reasoning", delta.reasoning);
    if (Array.isArray(delta.reasoning_details)) {
      message.reasoning_details = [
        ...((message.reasoning_details as unknown[]) ?? []),
        ...delta.reasoning_details,
      ];
    }
    for (const toolCall of delta.tool_calls ?? []) {
      const name = toolCall.function?.name ?? toolCall.custom?.name;
      let index = toolCall.index;
      if (index === undefined) {
        const last = lastUnindexed;
        const sameId = !toolCall.id || !last?.call.id || toolCall.id === last.call.id;
        const lastName = last?.call.function?.name ?? last?.call.custom?.name;
        index = last && sameId && (!name || !lastName || name === lastName) ? last.index : calls.size;
      }
      let call = calls.get(index);
      if (!call) {
        call =
          toolCall.type === "custom"
            ? { type: "custom", custom: { name: "", input: "" } }
            : { type: "function", function: { name: "", arguments: "" } };
        calls.set(index, call);
      }
      if (toolCall.index === undefined) lastUnindexed = { index, call };
      if (toolCall.id && !call.id) call.id = toolCall.id;
      if (call.function) {
        if (name && !call.function.name) call.function.name = name;
        call.function.arguments += toolCall.function?.arguments ?? "";
      } else if (call.custom) {
        if (name && !call.custom.name) call.custom.name = name;
        call.custom.input += toolCall.custom?.input ?? "";
      }
    }
  }
  if (calls.size > 0)
    message.tool_calls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, call]) => call);
  const first = chunks[0];
  return {
    id: first?.id ?? "chatcmpl-folded",
    object: "chat.completion",
    created: first?.created ?? 0,
    model: first?.model ?? "",
    choices: [
      {
        index: 0,
        finish_reason: (finishReason ?? "stop") as ChatCompletion.Choice["finish_reason"],
        logprobs: logprobs
          ? ({ content: logprobs, refusal: null } as ChatCompletion.Choice["logprobs"])
          : null,
        message: message as unknown as ChatCompletion.Choice["message"],
      },
    ],
    ...(usage ? { usage: usage as ChatCompletion["usage"] } : {}),
  };
}
