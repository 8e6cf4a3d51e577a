import { backendProfiles, type UpstreamCapabilities } from "@responses-bridge/core";
import type { Preset } from "./presets.js";

/**
 * A preset's capabilities: the core's backend profile of the same name (`backendProfiles` in
 * `@responses-bridge/core`), as a fresh object; none for `mock`. Kept apart from the preset table so
 * `--help` does not load the core.
 */
export function presetCapabilities(preset: Preset): UpstreamCapabilities {
  return preset.name === "mock" ? {} : { ...backendProfiles[preset.name] };
}
