// Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function, biggest first, and
// the share of the bridge's own code. Also runnable on its own:
//   node --import tsx src/profile.ts <file.cpuprofile> [top]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  function: string;
  location: string;
  /** `ours:<package>`, `node`, `dependency:<name>`, `v8`. */
  category: string;
  selfMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  totalMs: number;
  idlePercent: number;
  gcPercent: number;
  /** Self time in the bridge's packages, as a share of the busy (non-idle) time. */
  oursPercentOfBusy: number;
  byCategory: Array<{ category: string; selfMs: number; percentOfBusy: number }>;
  top: HotSpot[];
  topOurs: HotSpot[];
  /** The bridge's functions by inclusive (self + callees) time. */
  topOursInclusive: HotSpot[];
}

/**
 * The source module of each line of a bundle, from the comments its bundler leaves: esbuild's `// path`
 * (the adapters' children, built by build-child.ts) and tsdown's `//#region path` (the packages' `dist/`,
 * which the CLI runs). Paths are resolved against the bundle's package directory.
 */
const bundleModules = new Map<string, Array<[line: number, module: string]>>();

/** The directory a bundle's module comments are relative to, or undefined for a file that is no bundle of ours. */
function bundleRoot(url: string): string | undefined {
  if (/\/bench\/results\/\.build\/[^/]+\.mjs$/.test(url)) return "";
  const dist = /^(.*\/packages\/[^/]+)\/dist\/[^/]+\.[cm]?js$/.exec(url);
  return dist && !url.includes("/node_modules/") ? fileURLToPath(dist[1]!) : undefined;
}

function sourceOf(frame: CallFrame): { path: string; line: number } | undefined {
  const root = bundleRoot(frame.url);
  if (root === undefined) return undefined;
  let modules = bundleModules.get(frame.url);
  if (!modules) {
    modules = [];
    let text = "";
    try {
      text = readFileSync(fileURLToPath(frame.url), "utf8");
    } catch {
      // The bundle is gone: keep bundle positions.
    }
    text.split("\n").forEach((line, index) => {
      const match = /^\/\/(?:#region )? ?((?:\.\.\/)*[\w@.+-]+\/[\w@.+/-]+\.[cm]?[jt]s)$/.exec(line);
      if (match) modules!.push([index, root === "" ? `/${match[1]!}` : resolve(root, match[1]!)]);
    });
    bundleModules.set(frame.url, modules);
  }
  let found: [number, string] | undefined;
  for (const entry of modules) {
    if (entry[0] > frame.lineNumber) break;
    found = entry;
  }
  return found && { path: found[1], line: frame.lineNumber - found[0] };
}

function categorize(url: string): string {
  if (url === "") return "v8";
  if (url.startsWith("node:")) return "node";
  const ours = /\/packages\/([^/]+)\/src\//.exec(url);
  if (ours && !url.includes("/node_modules/")) return `ours:${ours[1]}`;
  const dependency = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return `dependency:${dependency[1]}`;
  return "other";
}

function shortLocation(frame: CallFrame): string {
  if (frame.url === "") return "(native)";
  const path = frame.url.replace(/^file:\/\//, "").replace(/^.*?\/(packages|bench|node_modules)\//, "$1/");
  return `${path}:${frame.lineNumber + 1}`;
}

/** The frame with bundle positions turned into source module paths (lines are approximate: types are stripped). */
function resolveFrame(frame: CallFrame): CallFrame {
  const source = sourceOf(frame);
  return source ? { ...frame, url: `file://${source.path}`, lineNumber: source.line } : frame;
}

/** Summarises a parsed profile; `top` is how many functions to list. */
export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) byId.set(node.id, node);
  const selfById = new Map<number, number>();
  const { samples, timeDeltas } = profile;
  for (let index = 0; index < samples.length; index++) {
    const duration = index + 1 < timeDeltas.length ? timeDeltas[index + 1]! : 0;
    const id = samples[index]!;
    selfById.set(id, (selfById.get(id) ?? 0) + duration);
  }
  const byFunction = new Map<string, HotSpot & { micros: number }>();
  const byCategory = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let gc = 0;
  for (const [id, micros] of selfById) {
    const frame = resolveFrame(byId.get(id)!.callFrame);
    total += micros;
    if (frame.functionName === "(idle)") {
      idle += micros;
      continue;
    }
    if (frame.functionName === "(garbage collector)") gc += micros;
    const category = categorize(frame.url);
    byCategory.set(category, (byCategory.get(category) ?? 0) + micros);
    addSample(byFunction, frame, category, micros);
  }
  const busy = Math.max(1, total - idle);
  // Inclusive time: every function on a sample's stack gets the sample once.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, HotSpot & { micros: number }>();
  for (const [id, micros] of selfById) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = resolveFrame(byId.get(at)!.callFrame);
      const category = categorize(frame.url);
      if (!category.startsWith("ours:")) continue;
      const key = frameKey(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      addSample(inclusive, frame, category, micros);
    }
  }
  const spots = [...byFunction.values()]
    .sort((a, b) => b.micros - a.micros)
    .map(({ micros, ...spot }) => ({ ...spot, selfMs: micros / 1000, selfPercent: (100 * micros) / busy }));
  const ours = [...byCategory]
    .filter(([category]) => category.startsWith("ours:"))
    .reduce((sum, [, v]) => sum + v, 0);
  return {
    totalMs: total / 1000,
    idlePercent: (100 * idle) / Math.max(1, total),
    gcPercent: (100 * gc) / busy,
    oursPercentOfBusy: (100 * ours) / busy,
    byCategory: [...byCategory]
      .sort((a, b) => b[1] - a[1])
      .map(([category, micros]) => ({
        category,
        selfMs: micros / 1000,
        percentOfBusy: (100 * micros) / busy,
      })),
    top: spots.slice(0, top),
    topOurs: spots.filter((spot) => spot.category.startsWith("ours:")).slice(0, top),
    topOursInclusive: [...inclusive.values()]
      .sort((a, b) => b.micros - a.micros)
      .slice(0, top)
      .map(({ micros, ...spot }) => ({ ...spot, selfMs: micros / 1000, selfPercent: (100 * micros) / busy })),
  };
}

/** Human-readable lines for a summary. */
export function formatProfile(summary: ProfileSummary): string {
  const lines: string[] = [];
  lines.push(
    `sampled ${summary.totalMs.toFixed(0)} ms; idle ${summary.idlePercent.toFixed(1)}%; of the busy time: GC ${summary.gcPercent.toFixed(1)}%, bridge packages ${summary.oursPercentOfBusy.toFixed(1)}%`,
  );
  lines.push("busy time by origin:");
  for (const entry of summary.byCategory.slice(0, 12)) {
    lines.push(`  ${entry.percentOfBusy.toFixed(1).padStart(5)}%  ${entry.category}`);
  }
  const list = (title: string, spots: HotSpot[]) => {
    lines.push(title);
    for (const spot of spots) {
      lines.push(`  ${spot.selfPercent.toFixed(2).padStart(6)}%  ${spot.function}  (${spot.location})`);
    }
  };
  list("top self time (all):", summary.top);
  list("top self time in the bridge's packages:", summary.topOurs);
  list("the bridge's functions by inclusive time (self + callees):", summary.topOursInclusive);
  return lines.join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: profile.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  console.log(formatProfile(summarizeProfile(profile, Number(top ?? 25))));
}

/** The key a frame is counted under: function name and short location. */
function frameKey(frame: Parameters<typeof shortLocation>[0] & { functionName: string }): string {
  return `${frame.functionName || "(anonymous)"} ${shortLocation(frame)}`;
}

/** Adds `micros` to the frame's entry in `map`, creating the entry on first sight. */
function addSample(
  map: Map<string, HotSpot & { micros: number }>,
  frame: Parameters<typeof shortLocation>[0] & { functionName: string },
  category: string,
  micros: number,
): void {
  const key = frameKey(frame);
  const entry = map.get(key) ?? {
    function: frame.functionName || "(anonymous)",
    location: shortLocation(frame),
    category,
    selfMs: 0,
    selfPercent: 0,
    micros: 0,
  };
  entry.micros += micros;
  map.set(key, entry);
}
