// Bundles the child processes (upstream and bridge) from source with esbuild, as a user's bundler or
// tsdown would, so the measured processes run plain JavaScript: no TypeScript loader thread in their
// CPU time or RSS. Workspace packages come from their sources (the `@responses-bridge/source`
// condition); the express and fastify adapters become entries of their own, loaded when present.
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { OPTIONAL_ADAPTERS, REPO_ROOT, workspaceSource } from "./workspace.js";

export const BUILD_DIR = `${REPO_ROOT}bench/results/.build`;

/** Builds `child.mjs` (and one `<adapter>.mjs` per optional adapter present); returns the child's path. */
export async function buildChild(): Promise<string> {
  const entryPoints: Record<string, string> = { child: `${REPO_ROOT}bench/src/child.ts` };
  for (const name of OPTIONAL_ADAPTERS) {
    const source = workspaceSource(name);
    if (source) entryPoints[name] = source.entry;
  }
  rmSync(BUILD_DIR, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir: BUILD_DIR,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    conditions: ["@responses-bridge/source"],
    // Frameworks are loaded at run time from the adapter packages' own dependencies: an adapter that
    // imports its framework (express makes its Router with it) gets the very copy the bench's app uses.
    external: ["express", "fastify"],
    plugins: [
      {
        name: "adapter-frameworks",
        setup(builder) {
          builder.onResolve({ filter: /^(express|fastify)$/ }, ({ path }) => {
            const adapter = workspaceSource(path);
            return { path: adapter ? adapter.require.resolve(path) : path, external: true };
          });
        },
      },
    ],
    banner: {
      js: 'import { createRequire as __benchCreateRequire } from "node:module"; const require = __benchCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
    absWorkingDir: REPO_ROOT,
  });
  // Fails early if the bundle cannot even be resolved.
  createRequire(import.meta.url).resolve(`${BUILD_DIR}/child.mjs`);
  return `${BUILD_DIR}/child.mjs`;
}
