import { backendProfiles, defaultBaseURLs } from "@responses-bridge/core";
import { describe, expect, it } from "vitest";
import { presetCapabilities } from "./preset-capabilities.js";
import { PRESET_NAMES, PRESETS } from "./presets.js";

describe("presetCapabilities", () => {
  it("is the core's backend profile of the same name, none for mock", () => {
    for (const name of PRESET_NAMES) {
      if (name === "mock") continue;
      expect(presetCapabilities(PRESETS[name]), name).toEqual(backendProfiles[name]);
    }
    expect(presetCapabilities(PRESETS.mock)).toEqual({});
  });

  it("returns a fresh object each time", () => {
    const first = presetCapabilities(PRESETS.ollama);
    first.developerRole = true;
    expect(presetCapabilities(PRESETS.ollama).developerRole).toBe(false);
  });

  it("uses the core's default base URLs for the local servers", () => {
    for (const [name, url] of Object.entries(defaultBaseURLs)) {
      expect(PRESETS[name as keyof typeof defaultBaseURLs].baseURL, name).toBe(url);
    }
  });
});
