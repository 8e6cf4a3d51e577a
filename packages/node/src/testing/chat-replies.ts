// Test-only: the Chat Completions replies the node package's tests answer with (not exported from the package).

/** A non-streamed chat completion whose message says `content`. */
export function chatCompletion(content: string) {
  return {
    id: "c",
    object: "chat.completion",
    created: 1,
    model: "m",
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
  };
}

/** One SSE frame of a streamed reply: a chunk carrying `delta`, and optionally a finish reason. */
export function chatFrame(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}
