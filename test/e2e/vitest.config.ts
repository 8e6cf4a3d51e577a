import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// `pnpm test:e2e`: the real Codex CLI (pinned @openai/codex, a devDependency of packages/cli) against
// `responses-bridge codex` over the testkit's scripted upstream. Kept out of `pnpm test` (it needs the
// ~300 MB Codex binary and takes about a minute); CI runs it once, on Node 20.
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  ssr: { resolve: { conditions: ["@responses-bridge/source"] } },
  resolve: { conditions: ["@responses-bridge/source"] },
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    // Every scenario bounds its own Codex run (and kills it); this is the outer limit.
    testTimeout: 180_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
