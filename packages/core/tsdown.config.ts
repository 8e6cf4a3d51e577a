import { defineConfig } from "tsdown";

export default defineConfig({
  // `index`: what a user composes; `http`: what adapter authors need (`@responses-bridge/core/http`).
  entry: { index: "src/index.ts", http: "src/http.ts" },
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  platform: "neutral",
  fixedExtension: false,
  publint: true,
  // zod is bundled, tree-shaken (a devDependency): loaded from node_modules, `zod/mini` imports zod's whole
  // core and all of its 64 locales, which cost a Node process 60–70 ms and about 11 MB of RSS at import.
  // The schemas are internal (no public type names zod), so nothing a user sees changes.
  deps: { alwaysBundle: [/^zod(\/|$)/] },
  attw: { profile: "node16" },
});
