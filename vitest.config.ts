import { defineConfig } from "vitest/config";

// Tests run against TypeScript sources through the `@responses-bridge/source`
// export condition, so no build is needed before `pnpm test`.
export default defineConfig({
  ssr: { resolve: { conditions: ["@responses-bridge/source"] } },
  resolve: { conditions: ["@responses-bridge/source"] },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**", "test/e2e/**"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
