// The public surface is a promise: api/<package>.api.md lists every export of every package entry with
// its kind and signature. This test regenerates the report in memory from the sources and fails, with a
// diff, when the surface changed without the report changing with it (or the report was edited by hand).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateApiReports, UPDATE_COMMAND } from "../scripts/api-report.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("API report", () => {
  const reports = generateApiReports();

  it.each([...reports.keys()])("%s matches the sources", (path) => {
    const file = join(ROOT, path);
    const committed = existsSync(file) ? readFileSync(file, "utf8") : "(missing)";
    expect(
      committed,
      `The public API changed: run \`${UPDATE_COMMAND}\`, review the diff of ${path} and commit it.`,
    ).toBe(reports.get(path));
  });

  it("keeps the core's main entry within its budget: at most 30 values and 60 names", () => {
    const core = reports.get("api/core.api.md") ?? "";
    const main = /## `@responses-bridge\/core`\n\n(\d+) values, (\d+) names in all\./.exec(core);
    expect(main, "the core report has a main entry section").not.toBeNull();
    expect(Number(main?.[1])).toBeLessThanOrEqual(30);
    expect(Number(main?.[2])).toBeLessThanOrEqual(60);
  });
}, 120_000);
