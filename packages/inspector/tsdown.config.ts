import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  target: "node20",
  platform: "neutral",
  fixedExtension: false,
  publint: true,
  attw: { profile: "node16" },
});
