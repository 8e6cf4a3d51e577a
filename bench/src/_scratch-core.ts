import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type UpstreamResponse,
} from "@responses-bridge/core";
import { responsesBody, textCompletion, textStreamChunks, toFrames } from "./fixtures.js";

const kind = (process.argv[2] ?? "json") as "json" | "stream";
const n = Number(process.argv[3] ?? 20000);
const completion = new TextEncoder().encode(JSON.stringify(textCompletion()));
const sse = new TextEncoder().encode(toFrames(textStreamChunks()).join(""));
const answer = (bytes: Uint8Array): UpstreamResponse => ({
  ok: true,
  status: 200,
  statusText: "OK",
  headers: { get: () => null },
  body: (async function* () {
    yield bytes;
  })(),
  text: async () => new TextDecoder().decode(bytes),
});
const handler = createResponsesHandler({
  upstream: openAICompatibleUpstream({
    baseURL: "http://in-memory.test/v1",
    fetch: async (_url, init) => answer(init.body.includes('"stream":true') ? sse : completion),
  }),
});
const text = responsesBody({ stream: kind === "stream" });
let sink = 0;
const signal = new AbortController().signal;
const one = async () => {
  const result = await handler.handle({
    method: "POST",
    path: "/v1/responses",
    headers: new Headers(),
    body: JSON.parse(text),
    signal,
  });
  if (result.kind === "stream") for await (const piece of result.body) sink += piece.length;
  else sink += JSON.stringify(result.body).length;
};
for (let i = 0; i < 2000; i++) await one();
const before = process.cpuUsage();
for (let i = 0; i < n; i++) await one();
const used = process.cpuUsage(before);
console.log(kind, ((used.user + used.system) / n).toFixed(1), "µs/req", sink > 0);
