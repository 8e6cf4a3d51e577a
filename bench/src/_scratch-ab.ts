import { createServer } from "node:http";
import { Pool } from "undici";
import { startUpstream } from "./upstream.js";
import { startBridge } from "./bridge.js";
import { startProxy } from "./proxy.js";
import { chatBody, responsesBody } from "./fixtures.js";
const up = await startUpstream();
const [bridge] = await startBridge({ upstreamURL: up.url, only: "node" });
const proxy = await startProxy(up.url);
const targets = {
  bridge: { url: new URL(bridge!.url), path: "/v1/responses", body: responsesBody({ stream: false }) },
  proxy: { url: new URL(proxy.url), path: "/v1/chat/completions", body: chatBody({ stream: false }) },
  direct: { url: new URL(up.url), path: "/v1/chat/completions", body: chatBody({ stream: false }) },
};
const only = process.argv[2];
for (let round = 0; round < 3; round++) for (const [name, t] of Object.entries(targets)) {
  if (only && name !== only) continue;
  const pool = new Pool(t.url.origin, { connections: 8 });
  const call = async () => { const r = await pool.request({ path: t.path, method: "POST", headers: { "content-type": "application/json" }, body: t.body }); await r.body.text(); if (r.statusCode !== 200) throw new Error(String(r.statusCode)); };
  for (let i = 0; i < 500; i++) await call();
  const opened = up.counters.socketsOpened;
  const n = only ? 20000 : 6000; const before = process.cpuUsage(); const t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => { for (let i = 0; i < n / 8; i++) await call(); }));
  const used = process.cpuUsage(before); const ms = performance.now() - t0;
  console.log(name.padEnd(7), ((used.user + used.system) / n).toFixed(0).padStart(5), "µs cpu/req (all in one process)", Math.round(n / ms * 1000), "req/s", "upstream sockets opened", up.counters.socketsOpened - opened);
  await pool.close();
}
process.exit(0);
