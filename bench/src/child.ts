// Entry point of the bench's child processes: `child.ts upstream [burst|paced]`,
// `child.ts bridge <upstreamURL>`, `child.ts proxy <upstreamURL>` or `child.ts hop <upstreamURL>`. A child reports `ready` over IPC, then answers `stats`, `gc` and
// `exit` requests from the orchestrator.
import { startBridge } from "./bridge.js";
import { startHop } from "./hop.js";
import type { ChildReply, ChildRequest, ChildStats } from "./ipc.js";
import { startProxy } from "./proxy.js";
import { type StreamPacing, startUpstream, type UpstreamCounters } from "./upstream.js";

const gc = (globalThis as { gc?: () => void }).gc;

function stats(counters?: UpstreamCounters): ChildStats {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024,
    ...(counters ? { counters: { ...counters } } : {}),
  };
}

function send(message: ChildReply) {
  process.send?.(message);
}

async function main() {
  const [role, arg, adapter] = process.argv.slice(2);
  let counters: UpstreamCounters | undefined;
  let close: () => Promise<void>;
  if (role === "upstream") {
    const upstream = await startUpstream({ pacing: (arg ?? "burst") as StreamPacing });
    counters = upstream.counters;
    close = upstream.close;
    send({ type: "ready", targets: { upstream: upstream.url } });
  } else if (role === "bridge") {
    if (!arg) throw new Error("bridge: the upstream URL is required");
    const adapters = await startBridge({
      upstreamURL: arg,
      ...(adapter === undefined || adapter === "all" ? {} : { only: adapter }),
      upstreamClient: process.env.BENCH_UPSTREAM_CLIENT === "fetch" ? "fetch" : "node",
    });
    close = async () => {
      await Promise.all(adapters.map((adapter) => adapter.close()));
    };
    send({
      type: "ready",
      targets: Object.fromEntries(adapters.map((adapter) => [adapter.name, adapter.url])),
    });
  } else if (role === "proxy") {
    if (!arg) throw new Error("proxy: the upstream URL is required");
    const proxy = await startProxy(arg);
    close = proxy.close;
    send({ type: "ready", targets: { proxy: proxy.url } });
  } else if (role === "hop") {
    if (!arg) throw new Error("hop: the upstream URL is required");
    const hop = await startHop(arg);
    close = hop.close;
    send({ type: "ready", targets: { hop: hop.url } });
  } else {
    throw new Error(`unknown child role ${role}`);
  }
  process.on("message", (message: ChildRequest) => {
    if (message.type === "stats") {
      send({ type: "stats", id: message.id, stats: stats(counters) });
    } else if (message.type === "gc") {
      gc?.();
      gc?.();
      send({ type: "stats", id: message.id, stats: stats(counters) });
    } else if (message.type === "exit") {
      // A normal exit, so `--cpu-prof` writes its profile.
      void close().finally(() => process.exit(0));
    }
  });
  process.on("disconnect", () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
