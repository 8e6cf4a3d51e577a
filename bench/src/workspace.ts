import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Repository root, with a trailing slash. Children bundled into bench/results/.build get it from
 * `BENCH_REPO_ROOT`, since their own location says nothing about the checkout.
 */
export const REPO_ROOT = process.env.BENCH_REPO_ROOT ?? fileURLToPath(new URL("../../", import.meta.url));

/** A workspace package's source entry and a `require` rooted in it, when the package exists here. */
export function workspaceSource(name: string): { entry: string; require: NodeJS.Require } | undefined {
  const manifest = `${REPO_ROOT}packages/${name}/package.json`;
  if (!existsSync(manifest)) return undefined;
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
    exports?: { "."?: { "@responses-bridge/source"?: string } };
  };
  const source = pkg.exports?.["."]?.["@responses-bridge/source"];
  if (!source) return undefined;
  const entry = `${REPO_ROOT}packages/${name}/${source.replace(/^\.\//, "")}`;
  return existsSync(entry) ? { entry, require: createRequire(manifest) } : undefined;
}

/** Optional adapters, measured when their package exists in this checkout. */
export const OPTIONAL_ADAPTERS = ["express", "fastify"] as const;

/** Names of the adapters this checkout can mount: node, fetch and hono always, plus the optional ones present. */
export function adapterNames(): string[] {
  return [
    "node",
    "fetch",
    "hono",
    ...OPTIONAL_ADAPTERS.filter((name) => workspaceSource(name) !== undefined),
  ];
}
