import { defineConfig, type UserConfig } from "tsdown";

const shared: UserConfig = {
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  platform: "node",
  fixedExtension: false,
  publint: true,
  attw: { profile: "node16" },
};

// Two builds, not two entries of one: a chunk shared by both entries made the CJS index export the
// bundler's own `__toESM` helper (for the CommonJS `ajv` it wraps), which is no part of the API.
export default defineConfig([
  { ...shared, entry: ["src/index.ts"] },
  { ...shared, entry: ["src/cli.ts"], clean: false },
]);
