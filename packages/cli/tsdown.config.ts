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
  attw: { profile: "node16" },
});
