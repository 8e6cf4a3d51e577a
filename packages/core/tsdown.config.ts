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
  attw: { profile: "node16" },
});
