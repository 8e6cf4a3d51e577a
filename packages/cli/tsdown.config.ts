import { defineConfig } from "tsdown";

export default defineConfig({
  // `index`: the library entry (the functions the bin uses). `bin`: the `responses-bridge` command,
  // run as dist/bin.js (ESM, keeps its `#!/usr/bin/env node` line); the CJS copy is unused.
  entry: { index: "src/index.ts", bin: "src/bin.ts" },
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  platform: "node",
  fixedExtension: false,
  publint: true,
  // zod is bundled, tree-shaken (a devDependency): loaded from node_modules, `zod/mini` imports zod's whole
  // core and all of its 64 locales, which cost a Node process 60–70 ms and about 11 MB of RSS at import.
  // The schemas are internal (no public type names zod), so nothing a user sees changes.
  deps: { alwaysBundle: [/^zod(\/|$)/] },
  attw: { profile: "node16" },
});
