// `pnpm soak` / `pnpm bench --soak --minutes N`: mixed traffic against every adapter for a bounded
// time (loopback only): JSON and streamed replies, tool calls, and clients that disconnect at random
// points. Reports the error rate, whether every upstream call was settled, and the memory trend.
import { responsesBody } from "./fixtures.js";
import { type ChildStats, startChild } from "./ipc.js";
import { createTarget, type Kind, send, type Target } from "./load.js";
import { fixed, MB, slope, table } from "./stats.js";

type Mix = "json" | "json-tools" | "stream" | "stream-tools" | "disconnect";

const WEIGHTS: ReadonlyArray<readonly [Mix, number]> = [
  ["json", 25],
  ["json-tools", 10],
  ["stream", 30],
  ["stream-tools", 15],
  ["disconnect", 20],
];

/** Deterministic PRNG (mulberry32) so a soak run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SoakReport {
  minutes: number;
  concurrency: number;
  targets: string[];
  requests: Record<Mix, number>;
  total: number;
  errors: number;
  errorRate: number;
  firstErrors: string[];
  upstream: { started: number; completed: number; aborted: number; open: number };
  rssMb: { first: number; last: number; max: number };
  /** Heap used after GC, about a dozen samples per run: [minutes since start, MB]. */
  heapAfterGc: Array<[number, number]>;
  heapSlopeMbPerMinute: number;
  pass: boolean;
}

export async function runSoak(options: {
  minutes: number;
  concurrency?: number;
  seed?: number;
}): Promise<SoakReport> {
  const concurrency = options.concurrency ?? 16;
  const next = random(options.seed ?? 7);
  const upstream = await startChild(["upstream", "paced"]);
  const bridge = await startChild(["bridge", upstream.targets.upstream!]);
  const targets: Target[] = Object.entries(bridge.targets).map(([name, url]) =>
    createTarget(name, url, concurrency),
  );
  const bodies: Record<Exclude<Mix, "disconnect">, string> = {
    json: responsesBody({ stream: false }),
    "json-tools": responsesBody({ stream: false, tools: true }),
    stream: responsesBody({ stream: true }),
    "stream-tools": responsesBody({ stream: true, tools: true }),
  };
  const expect: Record<Exclude<Mix, "disconnect">, string> = {
    json: '"status":"completed"',
    "json-tools": '"type":"function_call"',
    stream: "response.completed",
    "stream-tools": "response.completed",
  };
  const requests: Record<Mix, number> = {
    json: 0,
    "json-tools": 0,
    stream: 0,
    "stream-tools": 0,
    disconnect: 0,
  };
  const firstErrors: string[] = [];
  let errors = 0;
  const totalWeight = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = (): Mix => {
    let roll = next() * totalWeight;
    for (const [mix, weight] of WEIGHTS) {
      roll -= weight;
      if (roll < 0) return mix;
    }
    return "json";
  };

  const started = performance.now();
  const deadline = started + options.minutes * 60_000;
  const maxRequests = 5_000_000;
  let sent = 0;
  let turn = 0;
  console.log(
    `soak: ${options.minutes} min, ${concurrency} concurrent clients over ${targets.map((t) => t.name).join(", ")}`,
  );

  const worker = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      const target = targets[turn++ % targets.length]!;
      const mix = pick();
      requests[mix]++;
      if (mix === "disconnect") {
        const controller = new AbortController();
        const after = Math.floor(next() * 40); // 0: before the answer's headers
        if (after === 0) setImmediate(() => controller.abort());
        try {
          await send(target, "stream", {
            body: bodies.stream,
            signal: controller.signal,
            onChunk: (count) => {
              if (count >= after) controller.abort();
            },
          });
        } catch (error) {
          if (!controller.signal.aborted) {
            errors++;
            if (firstErrors.length < 5)
              firstErrors.push(`${target.name} disconnect: ${(error as Error).message}`);
          }
        }
        continue;
      }
      const kind: Kind = mix.startsWith("stream") ? "stream" : "json";
      try {
        await send(target, kind, { body: bodies[mix], expect: expect[mix] });
      } catch (error) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push(`${target.name} ${mix}: ${(error as Error).message}`);
      }
    }
  };

  const rss: number[] = [];
  const heapAfterGc: Array<[number, number]> = [];
  const minutesSince = () => (performance.now() - started) / 60_000;
  heapAfterGc.push([0, (await bridge.gc()).heapUsed / MB]);
  let lastGc = performance.now();
  // About a dozen heap samples after GC per run, at most every 30 s.
  const gcEveryMs = Math.min(30_000, Math.max(5_000, (options.minutes * 60_000) / 12));
  const sampler = setInterval(() => {
    const gcDue = performance.now() - lastGc >= gcEveryMs - 100;
    if (gcDue) lastGc = performance.now();
    void (gcDue ? bridge.gc() : bridge.stats()).then((stats: ChildStats) => {
      rss.push(stats.rss / MB);
      if (gcDue) heapAfterGc.push([minutesSince(), stats.heapUsed / MB]);
      const total = Object.values(requests).reduce((sum, count) => sum + count, 0);
      console.log(
        `soak: ${fixed(minutesSince(), 1)} min, ${total} requests, ${errors} errors, bridge RSS ${fixed(stats.rss / MB, 1)} MB, heap ${fixed(stats.heapUsed / MB, 1)} MB`,
      );
    });
  }, 5_000);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  await Promise.all(targets.map((target) => target.pool.close()));
  // Let aborted upstream calls settle, then take the last samples.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const end = await bridge.gc();
  heapAfterGc.push([minutesSince(), end.heapUsed / MB]);
  rss.push(end.rss / MB);
  const counters = (await upstream.stats()).counters!;
  await Promise.all([bridge.exit(), upstream.exit()]);

  const total = Object.values(requests).reduce((sum, count) => sum + count, 0);
  const secondHalf = heapAfterGc.filter(([minute]) => minute >= minutesSince() / 2);
  const heapSlope = slope(secondHalf.length >= 2 ? secondHalf : heapAfterGc);
  const open = counters.started - counters.completed - counters.aborted;
  const report: SoakReport = {
    minutes: options.minutes,
    concurrency,
    targets: targets.map((target) => target.name),
    requests,
    total,
    errors,
    errorRate: total === 0 ? 0 : errors / total,
    firstErrors,
    upstream: { started: counters.started, completed: counters.completed, aborted: counters.aborted, open },
    rssMb: { first: rss[0] ?? end.rss / MB, last: end.rss / MB, max: Math.max(...rss, end.maxRss / MB) },
    heapAfterGc,
    heapSlopeMbPerMinute: heapSlope,
    pass: errors === 0 && open === 0 && heapSlope < 1,
  };
  console.log(
    `\n${table(
      [
        "requests",
        "errors",
        "error rate",
        "disconnects",
        "upstream aborted",
        "upstream open",
        "RSS first/last/max MB",
        "heap slope MB/min",
        "result",
      ],
      [
        [
          String(total),
          String(errors),
          fixed(report.errorRate, 5),
          String(requests.disconnect),
          String(counters.aborted),
          String(open),
          `${fixed(report.rssMb.first, 1)}/${fixed(report.rssMb.last, 1)}/${fixed(report.rssMb.max, 1)}`,
          fixed(heapSlope, 3),
          report.pass ? "PASS" : "MISS",
        ],
      ],
    )}`,
  );
  for (const error of firstErrors) console.log(`error: ${error}`);
  return report;
}
