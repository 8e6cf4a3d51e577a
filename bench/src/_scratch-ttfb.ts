import { createServer } from "node:http";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { nodeFetch, toNodeHandler } from "@responses-bridge/node";
import { Pool } from "undici";
import { startUpstream } from "./upstream.js";
import { responsesBody } from "./fixtures.js";
import { listenLoopback } from "./bridge.js";
const up = await startUpstream();
const handler = createResponsesHandler({ upstream: openAICompatibleUpstream({ baseURL: up.url, fetch: nodeFetch() }) });
const marks: Record<string, number[]> = { handled: [], firstPiece: [], lastPiece: [] };
let t0 = 0;
const wrapped = { maxBodyBytes: handler.maxBodyBytes, handle: async (input: Parameters<typeof handler.handle>[0]) => {
  const r = await handler.handle(input);
  marks.handled!.push(performance.now() - t0);
  if (r.kind !== "stream") return r;
  const body = r.body;
  let first = true;
  return { ...r, body: (async function* () { for await (const p of body) { if (first) { marks.firstPiece!.push(performance.now() - t0); first = false; } yield p; } marks.lastPiece!.push(performance.now() - t0); })() };
} };
const server = await listenLoopback(createServer(toNodeHandler(wrapped)));
const u = new URL(server.url);
const pool = new Pool(u.origin, { connections: 1 });
const ttfb: number[] = [], ttlb: number[] = [];
const body = responsesBody({ stream: true });
for (let i = 0; i < 2500; i++) {
  t0 = performance.now();
  const r = await pool.request({ path: "/v1/responses", method: "POST", headers: { "content-type": "application/json" }, body });
  let first = 0;
  for await (const _c of r.body) { if (!first) first = performance.now() - t0; }
  if (i >= 500) { ttfb.push(first); ttlb.push(performance.now() - t0); }
}
const med = (a: number[]) => a.slice(-2000).sort((x, y) => x - y)[Math.floor(Math.min(a.length, 2000) / 2)]!.toFixed(3);
console.log("handled", med(marks.handled!), "firstPiece", med(marks.firstPiece!), "lastPiece", med(marks.lastPiece!), "client ttfb", med(ttfb), "ttlb", med(ttlb));
process.exit(0);
