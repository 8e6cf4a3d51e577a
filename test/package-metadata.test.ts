// npm metadata of every published package, and README links that work on the registry's page: a link
// that leaves the package folder is an absolute URL into the repository, and that path exists here.

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const REPO = "https://github.com/responses-bridge/responses-bridge";

const packages = readdirSync(join(ROOT, "packages"))
  .filter((dir) => existsSync(join(ROOT, "packages", dir, "package.json")))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(ROOT, "packages", dir, "package.json"), "utf8")) }))
  .filter(({ pkg }) => pkg.private !== true);

describe("package metadata", () => {
  it("covers every published package", () => {
    expect(packages.map(({ pkg }) => pkg.name)).toEqual(
      expect.arrayContaining([
        "@responses-bridge/core",
        "@responses-bridge/cli",
        "@responses-bridge/otel",
        "responses-bridge",
      ]),
    );
  });

  it.each(packages.map(({ dir, pkg }) => [pkg.name as string, dir, pkg] as const))(
    "%s has repository (with directory), homepage, bugs, keywords, engines, license",
    (_name, dir, pkg) => {
      expect(pkg.repository).toEqual({ type: "git", url: `git+${REPO}.git`, directory: `packages/${dir}` });
      expect(pkg.homepage).toBe(`${REPO}/tree/main/packages/${dir}#readme`);
      expect(pkg.bugs).toEqual({ url: `${REPO}/issues` });
      expect(Array.isArray(pkg.keywords) && pkg.keywords.length >= 3).toBe(true);
      expect(pkg.engines?.node).toBe(">=20.19");
      expect(pkg.license).toBe("MIT");
      expect(typeof pkg.description === "string" && pkg.description.length > 20).toBe(true);
      expect(existsSync(join(ROOT, "packages", dir, "README.md"))).toBe(true);
    },
  );

  it.each(packages.map(({ dir, pkg }) => [pkg.name as string, dir] as const))(
    "%s README links work on the registry's page",
    (_name, dir) => {
      const readme = readFileSync(join(ROOT, "packages", dir, "README.md"), "utf8");
      const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
      for (const link of links) {
        // Leaving the package folder needs an absolute URL: npm shows the README outside the repository.
        expect(link, `${dir}/README.md: ${link}`).not.toMatch(/^(\.\.\/|\/)/);
        if (!link.startsWith(`${REPO}/`)) continue;
        const path = /^https:\/\/github\.com\/[^/]+\/[^/]+\/(?:blob|tree)\/main\/([^#?]*)/.exec(link)?.[1];
        if (path === undefined) continue; // issues, the repository itself
        const local = join(ROOT, path);
        expect(existsSync(local), `${dir}/README.md links to missing ${path}`).toBe(true);
        const kind = link.includes("/tree/main/") ? "tree" : "blob";
        expect(kind, `${dir}/README.md: ${link}`).toBe(statSync(local).isDirectory() ? "tree" : "blob");
      }
    },
  );
});
