// `pnpm bench [--quick] [--strict] [--paced] [--only=node,fetch] [--profile] [--soak --minutes N]`
//
// Starts a fast loopback chat upstream and the bridge on every available adapter (each in a child
// process), then measures, round-robin between targets so drift affects all alike: non-streamed
// latency at concurrency 1 and throughput at 32, streamed TTFB/TTLB and throughput at 32, the
// bridge's CPU per request and memory, RSS across 10,000 streams, and the core's per-chunk
// translation cost against the parse+serialise floor. Prints tables, writes
// bench/results/latest.json and compares with bench/goals.json.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { startCli } from "./cli.js";
import { type Child, type ChildStats, startChild } from "./ipc.js";
import { concurrent, createTarget, type Kind, sequential, type Target, type Timing } from "./load.js";
import { formatProfile, summarizeProfile } from "./profile.js";
import { runSoak } from "./soak.js";
import { fixed, MB, median, percentile, table } from "./stats.js";
import { benchHandler, benchTranslation } from "./translate-bench.js";
import { adapterNames } from "./workspace.js";

const BENCH_DIR = fileURLToPath(new URL("../", import.meta.url));
const RESULTS_DIR = `${BENCH_DIR}results`;

/** Targets measured for comparison, not bridges: the goals and the leak check skip them. */
const REFERENCE_TARGETS: ReadonlySet<string> = new Set(["direct", "proxy", "hop"]);

/**
 * The second target on the `node` child: the same adapter with `store: false` in every request, so one
 * run compares store-on (the default, what users run) with store-off on the same process.
 */
const STORE_OFF = "node-store-off";

/** The child process a target runs in (`node-store-off` shares the `node` child). */
function childName(target: string): string {
  return target === STORE_OFF ? "node" : target;
}

interface Flags {
  quick: boolean;
  strict: boolean;
  soak: boolean;
  profile: boolean;
  minutes: number;
  pacing: "burst" | "paced";
  only: string[] | undefined;
  /** Requests ask to be stored (the Responses API's default, and so the bench's); `--no-store` turns it off. */
  store: boolean;
  /** The bridge's upstream HTTP client: `node` (`nodeFetch()`, default) or `fetch` (the global fetch). */
  upstreamClient: "node" | "fetch";
  /** Which kinds `--profile` drives (`--kind json` or `--kind stream`; default both). */
  kinds: Kind[];
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = {
    quick: false,
    strict: false,
    soak: false,
    profile: false,
    minutes: 5,
    pacing: "burst",
    only: undefined,
    store: true,
    upstreamClient: "node",
    kinds: ["stream", "json"],
  };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const [name, inline] = arg.split("=", 2) as [string, string | undefined];
    const value = () => inline ?? argv[++index] ?? "";
    if (arg === "--") continue;
    else if (name === "--quick") flags.quick = true;
    else if (name === "--strict") flags.strict = true;
    else if (name === "--soak") flags.soak = true;
    else if (name === "--profile") flags.profile = true;
    else if (name === "--paced") flags.pacing = "paced";
    else if (name === "--store") flags.store = true;
    else if (name === "--no-store") flags.store = false;
    else if (name === "--upstream-client") flags.upstreamClient = value() === "fetch" ? "fetch" : "node";
    else if (name === "--minutes") flags.minutes = Math.min(60, Math.max(0.1, Number(value()) || 5));
    else if (name === "--only") flags.only = value().split(",").filter(Boolean);
    else if (name === "--kind")
      flags.kinds = value()
        .split(",")
        .filter((kind): kind is Kind => kind === "json" || kind === "stream");
    else if (name === "--help" || name === "-h") {
      console.log(
        "pnpm bench [--quick] [--strict] [--paced] [--no-store] [--only=direct,node,fetch,hono,express,fastify,cli,proxy,hop]\n" +
          "           --no-store: requests send store:false (default: stored, as the Responses API does)\n" +
          "           [--upstream-client=node|fetch]   the bridge's upstream client: nodeFetch() (default) or global fetch\n" +
          "pnpm bench --profile [--quick] [--only=node] [--kind=json|stream]   CPU profile of the bridge child\n" +
          "pnpm bench --soak [--minutes 5]                  mixed traffic, error rate and RSS trend",
      );
      process.exit(0);
    } else throw new Error(`unknown flag ${arg} (see --help)`);
  }
  // The bridge children read it (see child.ts).
  process.env.BENCH_UPSTREAM_CLIENT = flags.upstreamClient;
  return flags;
}

/** Sizes of each phase; `--quick` is a smoke run of the same code paths. */
function plan(quick: boolean) {
  return quick
    ? {
        translation: { rounds: 5, iterations: 60 },
        handler: { requests: 3_000 },
        warmup: { json: 200, stream: 40, concurrentMs: 300, minMs: 0, maxMs: 600 },
        latency: { rounds: 2, json: 100, stream: 20 },
        throughput: { rounds: 1, durationMs: 700, leadInMs: 100 },
        leak: { streams: 2_000 },
        profileMs: 3_000,
      }
    : {
        translation: { rounds: 9, iterations: 200 },
        handler: { requests: 10_000 },
        warmup: { json: 500, stream: 100, concurrentMs: 1_000, minMs: 5_000, maxMs: 12_000 },
        latency: { rounds: 5, json: 300, stream: 60 },
        throughput: { rounds: 5, durationMs: 1_000, leadInMs: 300 },
        leak: { streams: 10_000 },
        profileMs: 8_000,
      };
}

interface KindResult {
  latency: { p50: number; p99: number; ttfbP50: number; ttfbP99: number; samples: number };
  /** `rps`: the median of the rounds' requests per second; `completed` and `errors`: all rounds. */
  throughput: { rps: number; completed: number; errors: number; firstError?: string };
  /** Bridge CPU per request in µs, the median of the rounds' (direct: NaN; its upstream's is the next field). */
  cpuMicrosPerRequest: number;
  /** The upstream's CPU per request in µs, the median of the rounds'. */
  upstreamCpuMicrosPerRequest: number;
  /** Throughput rounds the medians are taken over. */
  rounds: number;
}

type TargetResult = Record<Kind, KindResult>;

/**
 * The targets in round `round`'s order: rotated by one more each round, so machine drift affects them alike,
 * and with `node` and `node-store-off` (one process, always next to each other) swapped every other round,
 * so that neither is always the one measured first after the process idled.
 */
function roundOrder<T extends { name: string }>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  const order = [...items.slice(shift), ...items.slice(0, shift)];
  const first = order.findIndex((item) => item.name === "node");
  const second = order.findIndex((item) => item.name === STORE_OFF);
  if (round % 2 === 1 && first !== -1 && second !== -1) {
    [order[first], order[second]] = [order[second]!, order[first]!];
  }
  return order;
}

function machine() {
  const cores = cpus();
  return {
    cpu: cores[0]?.model ?? "unknown",
    cores: cores.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    node: process.version,
    note: "shared machine: other engineers' builds and tests were running during the measurement",
  };
}

/** The adapters to measure: every one this checkout has, or those named by `--only`. */
function selectedAdapters(flags: Flags, fallback?: string[]): string[] {
  const wanted = flags.only ?? fallback;
  return wanted ? adapterNames().filter((name) => wanted.includes(name)) : adapterNames();
}

/**
 * The upstream, and one bridge child per adapter (so each adapter's CPU time and peak RSS are its
 * own; idle children cost nothing while another adapter is measured).
 */
async function startChildren(flags: Flags, adapters: string[], extraExecArgv: string[] = []) {
  // BENCH_BRIDGE_FLAGS="--max-semi-space-size=4": Node flags for the bridge processes (what-if runs).
  const bridgeExecArgv = [
    ...(process.env.BENCH_BRIDGE_FLAGS ?? "").split(" ").filter(Boolean),
    ...extraExecArgv,
  ];
  const upstream = await startChild(["upstream", flags.pacing]);
  const bridges = new Map<string, Child>();
  for (const name of adapters) {
    bridges.set(name, await startChild(["bridge", upstream.targets.upstream!, name], bridgeExecArgv));
  }
  return { upstream, bridges };
}

function createTargets(flags: Flags, upstream: Child, bridges: Map<string, Child>): Target[] {
  const all: Target[] = [createTarget("direct", upstream.targets.upstream!, 32)];
  for (const [name, child] of bridges) {
    all.push(createTarget(name, child.targets[name]!, 32, flags.store));
    if (name === "node" && flags.store) all.push(createTarget(STORE_OFF, child.targets[name]!, 32, false));
  }
  return all;
}

/**
 * Warms every target up: sequential requests, then slices of 32 concurrent ones for at least `minMs` per
 * kind, until the bridge's CPU per request settles (two slices in a row within 10% of each other) or
 * `maxMs` has passed. A process keeps getting cheaper for seconds after its first requests (the JIT
 * compiles its hot paths, V8 grows its young generation); a fixed short warmup left that to whichever
 * target was measured first. Two slices alone were not enough for the CLI, whose stream warmup could stop
 * after 3 s at 471 and 496 µs per stream while it was still getting cheaper; side by side after 11 s of
 * warmup, it and the hop were within a few percent of each other (`bench/README.md`, eleventh pass).
 */
async function warmup(
  targets: Target[],
  sizes: ReturnType<typeof plan>["warmup"],
  cpuOf: (target: Target) => Promise<number> = async () => Number.NaN,
) {
  for (const target of targets) {
    await sequential(target, "json", sizes.json);
    await sequential(target, "stream", sizes.stream);
    for (const kind of ["json", "stream"] as const) {
      const started = Date.now();
      let last = Number.NaN;
      do {
        const before = await cpuOf(target);
        const result = await concurrent(target, kind, 32, sizes.concurrentMs);
        const perRequest = ((await cpuOf(target)) - before) / Math.max(1, result.completed);
        if (Date.now() - started >= sizes.minMs && Math.abs(perRequest - last) <= 0.1 * last) break;
        last = perRequest;
      } while (Date.now() - started < sizes.maxMs);
    }
  }
}

async function measure(flags: Flags) {
  const sizes = plan(flags.quick);
  const started = Date.now();
  console.log(
    `bench: ${flags.quick ? "quick" : "full"} run, upstream pacing ${flags.pacing}, bridge upstream client ${flags.upstreamClient === "node" ? "nodeFetch()" : "global fetch"}`,
  );
  console.log("bench: translation micro-benchmark (in this process)...");
  const translation = await benchTranslation(sizes.translation);
  const handlerCost = await benchHandler(sizes.handler);

  const { upstream, bridges } = await startChildren(flags, selectedAdapters(flags));
  // The floors of a second Node HTTP hop (proxy.ts) and of any translating one (hop.ts), measured like an adapter.
  for (const floor of ["proxy", "hop"]) {
    if (flags.only === undefined || flags.only.includes(floor)) {
      bridges.set(floor, await startChild([floor, upstream.targets.upstream!]));
    }
  }
  // What users run: the built CLI with its defaults (request log and memory store on).
  if (flags.only === undefined || flags.only.includes("cli")) {
    bridges.set("cli", await startCli(upstream.targets.upstream!));
  }
  const targets = createTargets(flags, upstream, bridges);
  const idle: ChildStats = {
    cpuMicros: 0,
    rss: 0,
    heapUsed: 0,
    heapTotal: 0,
    external: 0,
    arrayBuffers: 0,
    maxRss: 0,
  };
  const bridgeStats = (name: string) => bridges.get(childName(name))?.stats() ?? Promise.resolve(idle);
  console.log(`bench: targets ${targets.map((target) => target.name).join(", ")}; warming up...`);
  await warmup(targets, sizes.warmup, async (target) => (await bridgeStats(target.name)).cpuMicros);

  const samples = new Map<string, Record<Kind, Timing[]>>();
  for (const target of targets) samples.set(target.name, { json: [], stream: [] });
  console.log("bench: latency at concurrency 1...");
  for (let round = 0; round < sizes.latency.rounds; round++) {
    for (const target of roundOrder(targets, round)) {
      const entry = samples.get(target.name)!;
      entry.json.push(...(await sequential(target, "json", sizes.latency.json)));
      entry.stream.push(...(await sequential(target, "stream", sizes.latency.stream)));
    }
  }

  console.log("bench: throughput at 32 concurrent clients...");
  const totals = new Map<
    string,
    Record<
      Kind,
      {
        completed: number;
        errors: number;
        /** Each round's own figures, for the medians reported. */
        rounds: Array<{ rps: number; bridgeCpuPerRequest: number; upstreamCpuPerRequest: number }>;
        firstError?: string;
      }
    >
  >();
  for (const target of targets) {
    const zero = () => ({ completed: 0, errors: 0, rounds: [] });
    totals.set(target.name, { json: zero(), stream: zero() });
  }
  for (let round = 0; round < sizes.throughput.rounds; round++) {
    for (const target of roundOrder(targets, round)) {
      for (const kind of ["json", "stream"] as const) {
        // An unmeasured lead-in: each window then starts with the process serving, as under steady load,
        // not from the idleness the other targets' windows left it in (on Node 20, V8's memory reducer
        // shrinks an idle heap, and the first burst after it costs more: without the lead-in, `node` was
        // measured after idling and `node-store-off`, on the same process, right after it).
        const lead = await concurrent(target, kind, 32, sizes.throughput.leadInMs);
        const total = totals.get(target.name)![kind];
        total.errors += lead.errors;
        if (lead.firstError) total.firstError ??= lead.firstError;
        const [bridgeBefore, upstreamBefore] = await Promise.all([
          bridgeStats(target.name),
          upstream.stats(),
        ]);
        const result = await concurrent(target, kind, 32, sizes.throughput.durationMs);
        const [bridgeAfter, upstreamAfter] = await Promise.all([bridgeStats(target.name), upstream.stats()]);
        total.completed += result.completed;
        total.errors += result.errors;
        const bridgeCpu = bridgeAfter.cpuMicros - bridgeBefore.cpuMicros;
        const upstreamCpu = upstreamAfter.cpuMicros - upstreamBefore.cpuMicros;
        const perRequest = (cpu: number) => cpu / Math.max(1, result.completed);
        total.rounds.push({
          rps: (1000 * result.completed) / result.elapsedMs,
          bridgeCpuPerRequest: perRequest(bridgeCpu),
          upstreamCpuPerRequest: perRequest(upstreamCpu),
        });
        if (result.firstError) total.firstError ??= result.firstError;
      }
    }
  }

  // Leaks are read on a target that stores nothing, so the store's intended growth does not read as one.
  const leakTarget =
    targets.find((target) => target.name === STORE_OFF) ??
    targets.find((target) => target.name === "node") ??
    targets.find((t) => !REFERENCE_TARGETS.has(t.name) && t.name !== "cli");
  let leak:
    | {
        target: string;
        streams: number;
        afterWarmup: ChildStats;
        middle: ChildStats;
        end: ChildStats;
        errors: number;
      }
    | undefined;
  const leakChild = leakTarget && bridges.get(childName(leakTarget.name));
  if (leakTarget && leakChild) {
    const bridge = leakChild;
    console.log(`bench: RSS across ${sizes.leak.streams} streams through ${leakTarget.name}...`);
    const afterWarmup = await bridge.gc();
    const half = Math.floor(sizes.leak.streams / 2);
    const first = await concurrent(leakTarget, "stream", 32, Number.POSITIVE_INFINITY, half);
    const middle = await bridge.gc();
    const second = await concurrent(
      leakTarget,
      "stream",
      32,
      Number.POSITIVE_INFINITY,
      sizes.leak.streams - half,
    );
    const end = await bridge.gc();
    leak = {
      target: leakTarget.name,
      streams: sizes.leak.streams,
      afterWarmup,
      middle,
      end,
      errors: first.errors + second.errors,
    };
  }
  // The CLI through as many stored streamed responses as the leak phase sends (10,000 in a full run), with
  // its default store bounds: its peak RSS is what an operator sizes a container for.
  const cliTarget = targets.find((target) => target.name === "cli");
  let cliStored: { streams: number; errors: number; rssMb: number } | undefined;
  if (cliTarget && flags.store) {
    console.log(`bench: ${sizes.leak.streams} stored streams through the CLI...`);
    const stored = await concurrent(cliTarget, "stream", 32, Number.POSITIVE_INFINITY, sizes.leak.streams);
    cliStored = {
      streams: sizes.leak.streams,
      errors: stored.errors,
      rssMb: (await bridges.get("cli")!.stats()).rss / MB,
    };
  }
  const peakRssMb: Record<string, number> = {};
  for (const [name, child] of bridges) peakRssMb[name] = (await child.stats()).maxRss / MB;
  await Promise.all(targets.map((target) => target.pool.close()));
  await Promise.all([...[...bridges.values()].map((child) => child.exit()), upstream.exit()]);

  const results: Record<string, TargetResult> = {};
  for (const target of targets) {
    const timing = samples.get(target.name)!;
    const total = totals.get(target.name)!;
    const kindResult = (kind: Kind): KindResult => {
      const ttlb = timing[kind].map((t) => t.ttlb);
      const ttfb = timing[kind].map((t) => t.ttfb);
      const t = total[kind];
      const direct = target.name === "direct";
      return {
        latency: {
          p50: percentile(ttlb, 50),
          p99: percentile(ttlb, 99),
          ttfbP50: percentile(ttfb, 50),
          ttfbP99: percentile(ttfb, 99),
          samples: ttlb.length,
        },
        // Medians over the rounds: a burst of another process's work in one round's window (this machine
        // is shared) moves one round, not the figure.
        throughput: {
          rps: median(t.rounds.map((round) => round.rps)),
          completed: t.completed,
          errors: t.errors,
          ...(t.firstError ? { firstError: t.firstError } : {}),
        },
        cpuMicrosPerRequest: direct ? Number.NaN : median(t.rounds.map((round) => round.bridgeCpuPerRequest)),
        upstreamCpuMicrosPerRequest: median(t.rounds.map((round) => round.upstreamCpuPerRequest)),
        rounds: t.rounds.length,
      };
    };
    results[target.name] = { json: kindResult("json"), stream: kindResult("stream") };
  }
  return {
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    mode: flags.quick ? "quick" : "full",
    pacing: flags.pacing,
    store: flags.store,
    upstreamClient: flags.upstreamClient,
    machine: machine(),
    targets: results,
    translation,
    handlerCost,
    memory: {
      /** Peak RSS of each adapter's bridge process, in MB. */
      peakRssMb,
      /** The CLI after the stored-streams phase (store on only). */
      cliStored,
      ...(leak
        ? {
            leak: {
              target: leak.target,
              streams: leak.streams,
              errors: leak.errors,
              rssAfterWarmupMb: leak.afterWarmup.rss / MB,
              rssMiddleMb: leak.middle.rss / MB,
              rssEndMb: leak.end.rss / MB,
              heapAfterWarmupMb: leak.afterWarmup.heapUsed / MB,
              heapMiddleMb: leak.middle.heapUsed / MB,
              heapTotalMb: [leak.afterWarmup, leak.middle, leak.end].map((stats) => stats.heapTotal / MB),
              externalMb: [leak.afterWarmup, leak.middle, leak.end].map((stats) => stats.external / MB),
              heapEndMb: leak.end.heapUsed / MB,
            },
          }
        : {}),
    },
  };
}

type Results = Awaited<ReturnType<typeof measure>>;

function printTables(results: Results) {
  const direct = results.targets.direct;
  const rows = (kind: Kind) =>
    Object.entries(results.targets).map(([name, result]) => {
      const r = result[kind];
      const d = direct?.[kind];
      const added = d ? r.latency.p50 - d.latency.p50 : Number.NaN;
      const cells = [
        name,
        fixed(r.latency.p50),
        fixed(r.latency.p99),
        name === "direct" ? "" : `${added >= 0 ? "+" : ""}${fixed(added)}`,
        d ? `${fixed(r.latency.p50 / d.latency.p50, 2)}x` : "",
      ];
      if (kind === "stream") cells.splice(1, 0, fixed(r.latency.ttfbP50), fixed(r.latency.ttfbP99));
      cells.push(
        fixed(r.throughput.rps, 0),
        d ? `${fixed(r.throughput.rps / d.throughput.rps, 2)}x` : "",
        name === "direct" ? `(${fixed(r.upstreamCpuMicrosPerRequest, 0)})` : fixed(r.cpuMicrosPerRequest, 0),
        String(r.throughput.errors),
      );
      return cells;
    });
  console.log(
    `\nNon-streamed (small JSON reply), latency in ms at concurrency 1, throughput at 32 concurrent`,
  );
  console.log(
    table(
      ["target", "p50", "p99", "+p50", "p50 ratio", "req/s", "rps ratio", "CPU µs/req", "errors"],
      rows("json"),
    ),
  );
  console.log(`\nStreamed (200 chunks), TTFB/TTLB in ms at concurrency 1, throughput at 32 concurrent`);
  console.log(
    table(
      [
        "target",
        "TTFB p50",
        "TTFB p99",
        "TTLB p50",
        "TTLB p99",
        "+TTLB p50",
        "TTLB ratio",
        "streams/s",
        "rps ratio",
        "CPU µs/req",
        "errors",
      ],
      rows("stream"),
    ),
  );
  console.log("(CPU µs/req: the bridge process; in parentheses for direct: the upstream process)");
  const t = results.translation;
  console.log(
    `\nTranslation per chunk (${t.chunks} chunks): floor ${fixed(t.floorMicros)} µs (JSON.parse + JSON.stringify of one event), ` +
      `ChatStreamTranslator + encodeTranslatorEvent ${fixed(t.translatorMicros)} µs = ${fixed(t.ratio, 2)}x; ` +
      `whole async path (readChatStreamBatches + translateChatStream + encode) ${fixed(t.pipelineMicros)} µs = ${fixed(t.pipelineRatio, 2)}x`,
  );
  const h = results.handlerCost;
  console.log(
    `Core cost without sockets (handler.handle, upstream answered in memory): ${fixed(h.jsonMicros, 0)} µs CPU per ` +
      `non-streamed request, ${fixed(h.streamMicros, 0)} µs per 200-chunk stream (${fixed(h.streamMicros / 200, 2)} µs per chunk), ` +
      `${fixed(h.pacedStreamMicros, 0)} µs when each chunk comes in its own read (${fixed(h.pacedStreamMicros / 200, 2)} µs per chunk)`,
  );
  const m = results.memory;
  console.log(
    `\nPeak RSS of each bridge process (one process per adapter): ${Object.entries(m.peakRssMb)
      .map(([name, mb]) => `${name} ${fixed(mb, 1)} MB`)
      .join(", ")}`,
  );
  if (m.leak) {
    const l = m.leak;
    console.log(
      `RSS after GC across ${l.streams} streams (${l.target}): ${fixed(l.rssAfterWarmupMb, 1)} -> ${fixed(l.rssMiddleMb, 1)} -> ${fixed(l.rssEndMb, 1)} MB; ` +
        `heap used ${fixed(l.heapAfterWarmupMb, 1)} -> ${fixed(l.heapMiddleMb, 1)} -> ${fixed(l.heapEndMb, 1)} MB ` +
        `(heap total ${l.heapTotalMb.map((mb) => fixed(mb, 1)).join(" -> ")}, external ${l.externalMb.map((mb) => fixed(mb, 1)).join(" -> ")}); errors ${l.errors}`,
    );
  }
  if (m.cliStored) {
    console.log(
      `CLI after ${m.cliStored.streams} stored streams (default store bounds): RSS ${fixed(m.cliStored.rssMb, 1)} MB, errors ${m.cliStored.errors}`,
    );
  }
  const hop = results.targets.hop;
  if (hop) {
    console.log("\nRatios to the translating floor (hop), same run:");
    console.log(
      table(
        ["target", "CPU/JSON req", "CPU/stream", "streams/s"],
        Object.entries(results.targets)
          .filter(([name]) => !REFERENCE_TARGETS.has(name))
          .map(([name, r]) => [
            name,
            `${fixed(r.json.cpuMicrosPerRequest / hop.json.cpuMicrosPerRequest, 2)}x`,
            `${fixed(r.stream.cpuMicrosPerRequest / hop.stream.cpuMicrosPerRequest, 2)}x`,
            `${fixed(r.stream.throughput.rps / hop.stream.throughput.rps, 2)}x`,
          ]),
      ),
    );
    // Issue 20's JSON goal against what the core's own work costs: measured without sockets, beside the hop's
    // whole request (sockets and HTTP included).
    console.log(
      `The core's own work per JSON request (no sockets, above) costs ` +
        `${fixed(h.jsonMicros / hop.json.cpuMicrosPerRequest, 2)}x the hop's whole request.`,
    );
  }
  for (const [name, result] of Object.entries(results.targets)) {
    for (const kind of ["json", "stream"] as const) {
      const error = result[kind].throughput.firstError;
      if (error) console.log(`first error ${name} ${kind}: ${error}`);
    }
  }
}

interface Goal {
  max?: number;
  min?: number;
  label: string;
}

interface GoalCheck {
  goal: string;
  target: string;
  value: number;
  limit: string;
  pass: boolean;
}

/**
 * Goals are ratios to the translating floor (`hop`) measured in the same run, so machine drift and
 * load from other work affect both sides alike; `peakRssMb` is absolute (what a container is sized for).
 */
function checkGoals(results: Results): GoalCheck[] {
  const goals = JSON.parse(readFileSync(`${BENCH_DIR}goals.json`, "utf8")) as Record<string, Goal | string>;
  const hop = results.targets.hop;
  const bridges = Object.entries(results.targets).filter(
    ([name]) => !REFERENCE_TARGETS.has(name) && name !== STORE_OFF,
  );
  const checks: GoalCheck[] = [];
  const check = (id: string, target: string, value: number) => {
    const goal = goals[id];
    if (typeof goal !== "object") return;
    const pass =
      Number.isFinite(value) &&
      (goal.max === undefined || value <= goal.max) &&
      (goal.min === undefined || value >= goal.min);
    checks.push({
      goal: id,
      target,
      value,
      limit: goal.max !== undefined ? `<= ${goal.max}` : `>= ${goal.min}`,
      pass,
    });
  };
  for (const [name, result] of bridges) {
    if (hop) {
      check("jsonCpuVsHop", name, result.json.cpuMicrosPerRequest / hop.json.cpuMicrosPerRequest);
      check("streamCpuVsHop", name, result.stream.cpuMicrosPerRequest / hop.stream.cpuMicrosPerRequest);
      check("streamsRpsVsHop", name, result.stream.throughput.rps / hop.stream.throughput.rps);
    }
  }
  const storeOn = results.targets.node;
  const storeOff = results.targets[STORE_OFF];
  if (storeOn && storeOff) {
    check(
      "storeOnVsOffStreamCpu",
      "node",
      storeOn.stream.cpuMicrosPerRequest / storeOff.stream.cpuMicrosPerRequest,
    );
  }
  check("translationVsFloor", "core", results.translation.ratio);
  // The CLI's bound: the adapters run with the library's default store (64 MiB), a host's choice to size.
  const cliPeakRssMb = results.memory.peakRssMb.cli;
  if (cliPeakRssMb !== undefined) check("peakRssMb", "cli", cliPeakRssMb);
  return checks;
}

/** The main thread's profile (`CPU.<date>.<time>.<pid>.0.<n>`): the tsx loader thread writes its own. */
function latestProfile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name))
    .map((name) => `${dir}/${name}`)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0];
}

async function profile(flags: Flags) {
  const sizes = plan(flags.quick);
  const dir = `${RESULTS_DIR}/profile`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const profilerFlags = ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=200"];
  const floors = ["proxy", "hop"].filter((floor) => flags.only?.includes(floor));
  const cli = flags.only?.includes("cli") ?? false;
  const adapters = selectedAdapters(flags, floors.length > 0 || cli ? [] : ["node"]);
  const { upstream, bridges } = await startChildren(flags, adapters, profilerFlags);
  // `--only=proxy` or `--only=hop`: a floor, for comparison with an adapter's profile.
  for (const floor of floors) {
    bridges.set(floor, await startChild([floor, upstream.targets.upstream!], profilerFlags));
  }
  // `--only=cli`: the built CLI with its defaults, as users run it.
  if (cli) bridges.set("cli", await startCli(upstream.targets.upstream!, [], profilerFlags));
  const targets = createTargets(flags, upstream, bridges).filter((t) => t.name !== "direct");
  console.log(
    `bench: profiling the bridge child (${targets.map((t) => t.name).join(", ")}), ${sizes.profileMs} ms per kind...`,
  );
  await warmup(targets, plan(true).warmup);
  for (const target of targets) {
    for (const kind of flags.kinds) {
      const result = await concurrent(target, kind, 32, sizes.profileMs);
      console.log(
        `  ${target.name} ${kind}: ${fixed((1000 * result.completed) / result.elapsedMs, 0)} req/s, ${result.errors} errors`,
      );
    }
  }
  await Promise.all(targets.map((target) => target.pool.close()));
  await Promise.all([...[...bridges.values()].map((child) => child.exit()), upstream.exit()]);
  const file = latestProfile(dir);
  if (!file) throw new Error(`no .cpuprofile written to ${dir}`);
  const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")), 30);
  console.log(`\nprofile: ${file}\n${formatProfile(summary)}`);
  writeFileSync(`${RESULTS_DIR}/profile-summary.json`, `${JSON.stringify(summary, null, 2)}\n`);
}

/** One line per target and kind (and the leak phase) whose requests failed, with the first error. */
function failedRequests(results: Results): string[] {
  const lines: string[] = [];
  for (const [name, kinds] of Object.entries(results.targets)) {
    for (const kind of ["json", "stream"] as const) {
      const { errors, firstError } = kinds[kind].throughput;
      if (errors > 0) lines.push(`${name} ${kind}: ${errors} failed (first: ${firstError ?? "unknown"})`);
    }
  }
  const leak = results.memory.leak;
  if (leak && leak.errors > 0) lines.push(`${leak.target} leak phase: ${leak.errors} failed`);
  const stored = results.memory.cliStored;
  if (stored && stored.errors > 0) lines.push(`cli stored-streams phase: ${stored.errors} failed`);
  return lines;
}

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (flags.soak) {
    const report = await runSoak({ minutes: flags.minutes });
    writeFileSync(`${RESULTS_DIR}/soak.json`, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`bench: wrote ${RESULTS_DIR}/soak.json`);
    process.exit(flags.strict && !report.pass ? 1 : 0);
  }
  if (flags.profile) {
    await profile(flags);
    process.exit(0);
  }
  const results = await measure(flags);
  printTables(results);
  const checks = checkGoals(results);
  console.log("\nGoals (bench/goals.json):");
  console.log(
    table(
      ["goal", "target", "value", "limit", "result"],
      checks.map((c) => [c.goal, c.target, fixed(c.value, 3), c.limit, c.pass ? "PASS" : "MISS"]),
    ),
  );
  writeFileSync(`${RESULTS_DIR}/latest.json`, `${JSON.stringify({ ...results, goals: checks }, null, 2)}\n`);
  console.log(`\nbench: wrote ${RESULTS_DIR}/latest.json in ${results.durationSeconds} s`);
  // A run whose requests failed measured nothing worth comparing: fail it, goals or not.
  const failures = failedRequests(results);
  if (failures.length > 0) {
    console.error(`bench: requests failed, so the figures above do not count:\n  ${failures.join("\n  ")}`);
    process.exit(1);
  }
  process.exit(flags.strict && checks.some((c) => !c.pass) ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
