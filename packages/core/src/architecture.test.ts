// The shape of the core, checked on its source files (read through Vite's import.meta.glob, so this test
// needs no `node:` import either): no import cycle; translate/ stays pure (no import of upstream/,
// handler/, store/ or stream/); no source file over 400 lines; no `node:` or web-framework import.

import { describe, expect, it } from "vitest";

declare global {
  interface ImportMeta {
    glob(
      pattern: string | string[],
      options: { query: "?raw"; import: "default"; eager: true },
    ): Record<string, string>;
  }
}

const sources = import.meta.glob(["./**/*.ts"], { query: "?raw", import: "default", eager: true });

/** Paths relative to src/, e.g. `translate/request-to-chat.ts`. */
const files = new Map(Object.entries(sources).map(([path, text]) => [path.slice(2), text]));
const isTest = (path: string) => path.endsWith(".test.ts") || path.startsWith("testing/");
const productFiles = [...files.keys()].filter((path) => !isTest(path));

/** Most lines of one non-test source file. */
const MAX_LINES = 400;
/** Files allowed over the limit, each with its reason (none today: keep it that way). */
const OVERSIZE_PENDING: Readonly<Record<string, string>> = {};
const FRAMEWORKS = ["express", "fastify", "hono", "next", "koa", "@hono/node-server", "@fastify/", "h3"];

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Every module specifier a file imports or re-exports (type-only ones too: a knot is a knot). */
function specifiers(text: string): string[] {
  const code = stripComments(text);
  const found: string[] = [];
  for (const match of code.matchAll(/\b(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']/g))
    found.push(match[1]!);
  for (const match of code.matchAll(/\bimport\s*(?:\(\s*)?["']([^"']+)["']/g)) found.push(match[1]!);
  return found;
}

/** A relative specifier resolved to a path relative to src/ (`./a.js` from `b/c.ts` -> `b/a.ts`). */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  const path = parts.join("/").replace(/\.js$/, ".ts");
  return files.has(path) ? path : undefined;
}

const graph = new Map(
  productFiles.map((path) => [
    path,
    specifiers(files.get(path)!)
      .map((specifier) => resolve(path, specifier))
      .filter((target): target is string => target !== undefined && !isTest(target)),
  ]),
);

/** The import cycles of the graph, each as the list of files around it. */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (path: string) => {
    state.set(path, "open");
    stack.push(path);
    for (const next of graph.get(path) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(path, "done");
  };
  for (const path of graph.keys()) if (!state.has(path)) visit(path);
  return found;
}

describe("core architecture", () => {
  it("reads the source files", () => {
    expect(productFiles.length).toBeGreaterThan(50);
    expect(graph.get("handler/responses-endpoint.ts")).toContain("stream/stream-turn.ts");
  });

  it("has no import cycle", () => {
    expect(cycles().map((cycle) => cycle.join(" -> "))).toEqual([]);
  });

  it("keeps translate/ pure: no import of upstream/, handler/, store/ or stream/", () => {
    const impure = [...graph]
      .filter(([path]) => path.startsWith("translate/"))
      .flatMap(([path, targets]) =>
        targets
          .filter((target) => /^(upstream|handler|store|stream)\//.test(target))
          .map((t) => `${path} -> ${t}`),
      );
    expect(impure).toEqual([]);
  });

  it(`has no non-test source file over ${MAX_LINES} lines`, () => {
    const long = productFiles
      .map((path) => ({ path, lines: files.get(path)!.split("\n").length - 1 }))
      .filter(({ path, lines }) => lines > MAX_LINES && !(path in OVERSIZE_PENDING))
      .map(({ path, lines }) => `${path}: ${lines}`);
    expect(long).toEqual([]);
  });

  it("imports nothing from node: or a web framework", () => {
    const node = "node" + ":";
    const offending = [...files].flatMap(([path, text]) =>
      specifiers(text)
        .filter(
          (specifier) =>
            specifier.startsWith(node) ||
            FRAMEWORKS.some(
              (name) => specifier === name || (name.endsWith("/") && specifier.startsWith(name)),
            ),
        )
        .map((specifier) => `${path}: ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
