// Precomputed upstream replies and request bodies, shared by the loopback upstream, the load
// generator and the translation micro-benchmark. Everything here is built once at start-up, so the
// fake upstream only copies bytes.

/** Number of `data:` frames in the streamed reply (role, content deltas, finish, usage). */
export const STREAM_CHUNKS = 200;

const WORDS = [
  " the",
  " quick",
  " brown",
  " fox",
  " jumps",
  " over",
  " a",
  " lazy",
  " dog",
  ",",
  " and",
  " then",
  " it",
  " runs",
  " home",
  ".",
];

const base = {
  id: "chatcmpl-bench",
  object: "chat.completion.chunk",
  created: 1_700_000_000,
  model: "bench",
};

function chunk(delta: Record<string, unknown>, finishReason: string | null = null) {
  return { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
}

const usage = {
  prompt_tokens: 12,
  completion_tokens: STREAM_CHUNKS - 3,
  total_tokens: STREAM_CHUNKS + 9,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0 },
};

/** The chunk objects of the 200-chunk text reply, in order (no `[DONE]`). */
export function textStreamChunks(): object[] {
  const chunks: object[] = [chunk({ role: "assistant", content: "" })];
  for (let index = 0; chunks.length < STREAM_CHUNKS - 2; index++) {
    chunks.push(chunk({ content: WORDS[index % WORDS.length] }));
  }
  chunks.push(chunk({}, "stop"));
  chunks.push({ ...base, choices: [], usage });
  return chunks;
}

/** The chunk objects of a reply with two interleaved tool calls whose arguments arrive in pieces. */
export function toolStreamChunks(): object[] {
  const args = [
    JSON.stringify({ city: "Oslo", unit: "celsius", days: 3 }),
    JSON.stringify({ query: "bench", limit: 10 }),
  ];
  const names = ["get_weather", "search"];
  const chunks: object[] = [chunk({ role: "assistant", content: "" }), chunk({ content: "Let me check." })];
  names.forEach((name, index) => {
    chunks.push(
      chunk({
        tool_calls: [
          { index, id: `call_bench${index}`, type: "function", function: { name, arguments: "" } },
        ],
      }),
    );
  });
  const longest = Math.max(...args.map((text) => text.length));
  for (let offset = 0; offset < longest; offset += 3) {
    args.forEach((text, index) => {
      const piece = text.slice(offset, offset + 3);
      if (piece) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
  }
  chunks.push(chunk({}, "tool_calls"));
  chunks.push({ ...base, choices: [], usage: { ...usage, completion_tokens: 40, total_tokens: 52 } });
  return chunks;
}

/** SSE frames (`data: …\n\n`) for chunk objects, followed by `data: [DONE]`. */
export function toFrames(chunks: readonly object[]): string[] {
  return [...chunks.map((value) => `data: ${JSON.stringify(value)}\n\n`), "data: [DONE]\n\n"];
}

/** The small non-streaming reply. */
export function textCompletion(): object {
  return {
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "bench",
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: "Hello! How can I help you today?", refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: { ...usage, completion_tokens: 9, total_tokens: 21 },
  };
}

/** The non-streaming reply with two tool calls. */
export function toolCompletion(): object {
  return {
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "bench-tools",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: null,
          refusal: null,
          tool_calls: [
            {
              id: "call_bench0",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
            },
            { id: "call_bench1", type: "function", function: { name: "search", arguments: '{"query":"x"}' } },
          ],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
    usage: { ...usage, completion_tokens: 20, total_tokens: 32 },
  };
}

const TOOLS = [
  {
    type: "function",
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
  {
    type: "function",
    name: "search",
    description: "Search",
    parameters: { type: "object", properties: { query: { type: "string" } } },
  },
];

/**
 * The Responses request body the load generator sends to the bridge. Stored by default, as the Responses
 * API does when `store` is omitted; `store: false` for the store-off comparison and the leak check (the
 * memory store keeps up to 10,000 turns by design, which would read as growth there).
 */
export function responsesBody(options: { stream: boolean; tools?: boolean; store?: boolean }): string {
  return JSON.stringify({
    model: options.tools ? "bench-tools" : "bench",
    input: "Say hello to the benchmark.",
    instructions: "Be brief.",
    stream: options.stream,
    ...(options.store === false ? { store: false } : {}),
    ...(options.tools ? { tools: TOOLS } : {}),
  });
}

/** The equivalent Chat Completions body for the direct call. */
export function chatBody(options: { stream: boolean }): string {
  return JSON.stringify({
    model: "bench",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Say hello to the benchmark." },
    ],
    stream: options.stream,
    ...(options.stream ? { stream_options: { include_usage: true } } : {}),
  });
}
