import { Agent, request as httpRequest } from "node:http";
import { Pool } from "undici";
import { chatBody } from "./fixtures.js";
import { startUpstream } from "./upstream.js";

const up = await startUpstream();
const body = chatBody({ stream: false });
const url = `${up.url}/chat/completions`;
const u = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const pool = new Pool(u.origin, { connections: 32 });
const clients: Record<string, () => Promise<string>> = {
  fetch: async () => {
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: new AbortController().signal,
    });
    return await r.text();
  },
  nodehttp: () =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          path: u.pathname,
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let t = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (t += d));
          res.on("end", () => resolve(t));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    }),
  undici: async () => {
    const r = await pool.request({
      path: u.pathname,
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return await r.body.text();
  },
};
// Note: upstream in same process; measure total CPU per request, subtract nothing (same across clients)
for (let round = 0; round < 3; round++)
  for (const [name, call] of Object.entries(clients)) {
    for (let i = 0; i < 300; i++) await call();
    const n = 5000;
    const before = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < n / 16; i++) await call();
      }),
    );
    const used = process.cpuUsage(before);
    const ms = performance.now() - t0;
    console.log(
      name,
      ((used.user + used.system) / n).toFixed(1),
      "µs cpu/req (incl upstream)",
      Math.round((n / ms) * 1000),
      "req/s",
    );
  }
await up.close();
await pool.close();
agent.destroy();
