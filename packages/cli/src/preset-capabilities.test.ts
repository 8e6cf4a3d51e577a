import { backendProfiles, backends } from "@responses-bridge/core";
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

  it("are the core's backends, in its order, then mock", () => {
    expect(PRESET_NAMES).toEqual([...Object.keys(backends), "mock"]);
    for (const [name, backend] of Object.entries(backends)) {
      const preset = PRESETS[name as keyof typeof backends];
      expect(preset, name).toMatchObject({
        name,
        title: backend.title,
        baseURL: backend.baseURL,
        apiKeyEnv: backend.apiKeyEnv,
        apiKeyRequired: backend.hosted,
        local: !backend.hosted,
      });
    }
  });
});
