// The unscoped `responses-bridge` package: its bin runs @responses-bridge/cli (as `npx responses-bridge`
// would). Runs the built CLI (CI builds first).

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const dir = resolve(import.meta.dirname, "../packages/responses-bridge");

describe("npx responses-bridge", () => {
  it("names its bin responses-bridge and depends on the CLI", () => {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.name).toBe("responses-bridge");
    expect(pkg.bin).toEqual({ "responses-bridge": "./bin.js" });
    expect(pkg.files).toContain("bin.js");
    expect(Object.keys(pkg.dependencies)).toEqual(["@responses-bridge/cli"]);
    expect(readFileSync(join(dir, "bin.js"), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("runs --help, serve --help and --version through @responses-bridge/cli", async () => {
    const bin = join(dir, "bin.js");
    const help = await run(process.execPath, [bin, "--help"], { cwd: dir });
    expect(help.stdout).toContain("responses-bridge codex --upstream URL|PRESET");
    const serve = await run(process.execPath, [bin, "serve", "--help"], { cwd: dir });
    expect(serve.stdout).toContain("RESPONSES_BRIDGE_UPSTREAM");
    expect(serve.stdout).toContain("--metrics");
    const cliVersion = JSON.parse(readFileSync(resolve(dir, "../cli/package.json"), "utf8")).version;
    const version = await run(process.execPath, [bin, "--version"], { cwd: dir });
    expect(version.stdout.trim()).toBe(cliVersion);
  }, 30_000);
});
