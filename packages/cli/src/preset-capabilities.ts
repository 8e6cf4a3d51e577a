import { backends, type UpstreamCapabilities } from "@responses-bridge/core";
import type { Preset } from "./presets.js";

/** A preset's capabilities: the core's backend of the same name's (`backends[name].capabilities`), as a fresh object; none for `mock`. */
export function presetCapabilities(preset: Preset): UpstreamCapabilities {
  return preset.name === "mock" ? {} : { ...backends[preset.name].capabilities };
}
