/**
 * What the inspector costs: CPU time per streamed turn through `handler.fetch` with and without
 * `observer: inspector.observer`, over an in-process scripted upstream (no sockets, so the bridge's own
 * work dominates). Rounds alternate between the two so machine drift affects both alike.
 *
 *   pnpm -F @responses-bridge/inspector exec tsx --conditions=@responses-bridge/source scripts/measure-cost.ts [turns] [rounds]
 */
import { cpuUsage } from "node:process";
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesHandler,
} from "@responses-bridge/core";
import { createScriptedBackend } from "@responses-bridge/testkit";
import { createInspector } from "../src/index.js";

const TURNS = Number(process.argv[2] ?? 300);
const ROUNDS = Number(process.argv[3] ?? 5);
const TEXT = "The quick brown fox jumps over the lazy dog. ".repeat(20); // ~200 deltas of 4-5 characters

function handler(observer?: ReturnType<typeof createInspector>["observer"]): ResponsesHandler {
  const backend = createScriptedBackend({
    script: () => ({ text: TEXT, chunkSize: 4, usage: { prompt_tokens: 50, completion_tokens: 200 } }),
  });
  const fetch: typeof backend.fetch = async (input, init) => {
    const response = await backend.fetch(input, init);
    backend.requests.length = 0;
    return response;
  };
  return createResponsesHandler({
    upstream: openAICompatibleUpstream({ baseURL: "http://scripted.invalid/v1", fetch }),
    ...(observer ? { observer } : {}),
  });
}

async function turn(target: ResponsesHandler): Promise<void> {
  const response = await target.fetch(
    new Request("http://bridge.invalid/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-test-0123456789abcdef" },
      body: JSON.stringify({ model: "m", input: "tell me about foxes", stream: true, store: false }),
    }),
  );
  const reader = response.body!.getReader();
  while (!(await reader.read()).done) {}
}

async function cpuPerTurn(target: ResponsesHandler): Promise<number> {
  const start = cpuUsage();
  for (let index = 0; index < TURNS; index++) await turn(target);
  const used = cpuUsage(start);
  return (used.user + used.system) / TURNS;
}

const off = handler();
const inspector = createInspector();
const on = handler(inspector.observer);
// The core hook with callbacks that do nothing: what observing costs before the inspector keeps anything.
const noop = () => {};
const hook = handler({
  request: () => ({
    parsed: noop,
    upstreamRequest: () => undefined,
    upstreamResponse: noop,
    upstreamChunk: noop,
    event: noop,
    keepAlive: noop,
    end: noop,
  }),
});
const targets = { off, hook, on };
// Warm-up: JIT every path.
for (const target of Object.values(targets)) await cpuPerTurn(target);
const results = { off: [] as number[], hook: [] as number[], on: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const order = (["off", "hook", "on"] as const).map((_, index, all) => all[(index + round) % all.length]!);
  for (const which of order) results[which].push(await cpuPerTurn(targets[which]));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const offUs = median(results.off);
const onUs = median(results.on);
const kept = inspector.turns();
console.log(
  `streamed turn (~200 chunks, ~200 delta events), ${TURNS} turns x ${ROUNDS} rounds, median CPU per turn:`,
);
console.log(`  without inspector: ${offUs.toFixed(0)} us`);
const hookUs = median(results.hook);
console.log(
  `  core hook, no-op observer: ${hookUs.toFixed(0)} us  (+${(((hookUs - offUs) / offUs) * 100).toFixed(1)}%)`,
);
console.log(
  `  with inspector:    ${onUs.toFixed(0)} us  (+${(onUs - offUs).toFixed(0)} us, +${(((onUs - offUs) / offUs) * 100).toFixed(1)}%)`,
);
console.log(
  `  buffer: ${kept.length} turns kept (maxTurns 100), last export ${JSON.stringify(inspector.exportTurn(kept[0]!.id)).length} bytes`,
);
