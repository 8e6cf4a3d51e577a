#!/usr/bin/env node
// Build smoke test: for every public package under packages/* that has a dist/, load each entry of
// its exports map the way a consumer would, once with require() from CommonJS and once with
// import() from ESM, and check that both expose the same non-empty set of export names.
//
// Each load runs in a fresh `node` child whose working directory is the package itself, so the
// package name resolves through Node's self-reference and the real `exports` map (no workspace
// symlinks needed), with only Node's default conditions: the `@responses-bridge/source` condition
// must not apply, and the resolved file must be the dist file the exports map declares. Every package
// the dist files import must be declared in package.json (dependencies, peer or optional dependencies).
//
// Usage: node scripts/smoke.mjs   (exit code 1 on any failure)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const packagesDir = join(root, "packages");
const SOURCE_CONDITION = "@responses-bridge/source";

/**
 * Picks the target for one format out of an exports entry, following Node's rule (first matching
 * key in object order) with Node's default conditions only.
 */
function pickTarget(entry, format) {
  if (typeof entry === "string") return entry;
  if (Array.isArray(entry)) {
    for (const item of entry) {
      const target = pickTarget(item, format);
      if (target) return target;
    }
    return undefined;
  }
  if (entry === null || typeof entry !== "object") return undefined;
  const conditions = new Set(["node", format, "default"]);
  for (const [key, value] of Object.entries(entry)) {
    if (key === SOURCE_CONDITION || !conditions.has(key)) continue;
    const target = pickTarget(value, format);
    if (target) return target;
  }
  return undefined;
}

/** The exports-map subpaths to load: "." plus any other JavaScript entry ("./package.json" is skipped). */
function entryPoints(pkg) {
  const { exports } = pkg;
  if (exports === undefined) return [];
  const map =
    typeof exports === "string" ||
    Array.isArray(exports) ||
    !Object.keys(exports).some((k) => k.startsWith("."))
      ? { ".": exports }
      : exports;
  return Object.entries(map)
    .filter(([subpath]) => !subpath.includes("*"))
    .map(([subpath, entry]) => ({
      subpath,
      require: pickTarget(entry, "require"),
      import: pickTarget(entry, "import"),
    }))
    .filter((entry) => /\.[cm]?js$/.test(entry.require ?? entry.import ?? ""));
}

// Each child also lists the bare specifiers (packages) that the package's own dist/ files import, so that
// a dist file importing a package its package.json does not declare (a devDependency that was meant to be
// bundled, such as zod) fails here instead of on a user's machine.
const CHILD_SCRIPTS = {
  require: `
    const [specifier, dist] = process.argv.slice(1);
    const Module = require("node:module");
    const imported = new Set();
    const resolveFilename = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, ...rest) {
      if (parent && typeof parent.filename === "string" && parent.filename.startsWith(dist)) imported.add(request);
      return resolveFilename.call(this, request, parent, ...rest);
    };
    const resolved = require.resolve(specifier);
    const names = Object.keys(require(specifier));
    process.stdout.write(JSON.stringify({ resolved, names, imported: [...imported] }));`,
  import: `
    const [specifier, dist, log] = process.argv.slice(1);
    const { register } = await import("node:module");
    const { pathToFileURL, fileURLToPath } = await import("node:url");
    const { readFileSync } = await import("node:fs");
    const hooks = "export function initialize(data) { globalThis.smoke = data; }\\n" +
      "export async function resolve(specifier, context, next) {\\n" +
      "  if (context.parentURL?.startsWith(globalThis.smoke.dist)) (await import('node:fs')).appendFileSync(globalThis.smoke.log, specifier + '\\\\n');\\n" +
      "  return next(specifier, context);\\n}";
    register("data:text/javascript," + encodeURIComponent(hooks), { data: { dist: pathToFileURL(dist).href, log } });
    const resolved = fileURLToPath(import.meta.resolve(specifier));
    const names = Object.keys(await import(specifier));
    const imported = readFileSync(log, "utf8").split("\\n").filter(Boolean);
    process.stdout.write(JSON.stringify({ resolved, names, imported }));`,
};

/** Loads `specifier` in a fresh node process started in `cwd`; returns the resolved file, export names and imports. */
function load(format, specifier, cwd) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // e.g. --conditions=@responses-bridge/source must not leak in
  const dist = `${join(cwd, "dist")}/`;
  // The ESM child's resolve hook runs on its own thread and reports through this file; the CJS child
  // reports on its stdout.
  const log = format === "import" ? join(mkdtempSync(join(tmpdir(), "smoke-")), "imports.txt") : undefined;
  if (log) writeFileSync(log, "");
  const args =
    format === "require"
      ? ["-e", CHILD_SCRIPTS.require, specifier, dist]
      : ["--input-type=module", "-e", CHILD_SCRIPTS.import, specifier, dist, log];
  try {
    const output = execFileSync(process.execPath, args, {
      cwd,
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(output);
  } finally {
    if (log) rmSync(dirname(log), { recursive: true, force: true });
  }
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`); undefined for relative, builtin. */
function packageOf(specifier) {
  if (/^(\.|\/|#|file:|data:|node:)/.test(specifier) || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Packages the dist imported that package.json does not declare as a run-time dependency. */
function undeclaredImports(pkg, imported) {
  const declared = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  return [...new Set(imported.map(packageOf).filter((name) => name !== undefined && !declared.has(name)))];
}

function exportNames(names) {
  return [...new Set(names.filter((name) => name !== "__esModule"))].sort();
}

function checkEntry(pkg, pkgDir, entry) {
  const specifier = entry.subpath === "." ? pkg.name : `${pkg.name}/${entry.subpath.slice(2)}`;
  const problems = [];
  const loaded = {};
  for (const format of ["require", "import"]) {
    const declared = entry[format];
    if (!declared) {
      problems.push(`${specifier}: exports map has no ${format} target`);
      continue;
    }
    let result;
    try {
      result = load(format, specifier, pkgDir);
    } catch (error) {
      const detail = (error.stderr || error.message || String(error))
        .trim()
        .split("\n")
        .slice(0, 12)
        .join("\n    ");
      problems.push(`${specifier}: ${format}() failed:\n    ${detail}`);
      continue;
    }
    const expected = resolve(pkgDir, declared);
    if (result.resolved !== expected) {
      problems.push(`${specifier}: ${format} resolved to ${result.resolved}, expected ${expected}`);
    }
    if (!expected.startsWith(`${join(pkgDir, "dist")}/`)) {
      problems.push(`${specifier}: ${format} target ${declared} is not inside dist/`);
    }
    const names = exportNames(result.names);
    if (names.length === 0) problems.push(`${specifier}: ${format}() exposes no exports`);
    for (const name of undeclaredImports(pkg, result.imported)) {
      problems.push(
        `${specifier}: ${format}() loads "${name}", which package.json does not declare as a dependency`,
      );
    }
    loaded[format] = { file: relative(pkgDir, result.resolved), names };
  }
  if (loaded.require && loaded.import) {
    const cjs = new Set(loaded.require.names);
    const esm = new Set(loaded.import.names);
    const onlyCjs = [...cjs].filter((name) => !esm.has(name));
    const onlyEsm = [...esm].filter((name) => !cjs.has(name));
    if (onlyCjs.length > 0 || onlyEsm.length > 0) {
      problems.push(
        `${specifier}: CJS and ESM export different names` +
          (onlyCjs.length ? `; only in CJS: ${onlyCjs.join(", ")}` : "") +
          (onlyEsm.length ? `; only in ESM: ${onlyEsm.join(", ")}` : ""),
      );
    }
  }
  return { specifier, loaded, problems };
}

function main() {
  console.log(`smoke: node ${process.version}`);
  const failures = [];
  let checked = 0;
  const dirs = existsSync(packagesDir) ? readdirSync(packagesDir, { withFileTypes: true }) : [];
  for (const dirent of dirs.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const pkgDir = join(packagesDir, dirent.name);
    const manifestPath = join(pkgDir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const pkg = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (pkg.private) {
      console.log(`skip  ${pkg.name} (private)`);
      continue;
    }
    if (!existsSync(join(pkgDir, "dist"))) {
      console.log(`skip  ${pkg.name} (no dist/, not built)`);
      continue;
    }
    const entries = entryPoints(pkg);
    if (entries.length === 0) {
      failures.push(`${pkg.name}: no JavaScript entry in its exports map`);
      console.log(`FAIL  ${pkg.name}: no JavaScript entry in its exports map`);
      continue;
    }
    for (const entry of entries) {
      checked += 1;
      const { specifier, loaded, problems } = checkEntry(pkg, pkgDir, entry);
      if (problems.length > 0) {
        failures.push(...problems);
        console.log(`FAIL  ${specifier}\n  ${problems.join("\n  ")}`);
      } else {
        const count = loaded.import.names.length;
        console.log(
          `ok    ${specifier}: ${count} export${count === 1 ? "" : "s"}, same in ${loaded.require.file} and ${loaded.import.file}`,
        );
      }
    }
  }
  if (checked === 0) failures.push("no built public package found under packages/* (run `pnpm build` first)");
  if (failures.length > 0) {
    console.error(`smoke: ${failures.length} problem${failures.length === 1 ? "" : "s"}`);
    for (const failure of failures) console.error(`  - ${failure.split("\n")[0]}`);
    process.exit(1);
  }
  console.log(`smoke: ${checked} entr${checked === 1 ? "y" : "ies"} ok`);
}

main();
