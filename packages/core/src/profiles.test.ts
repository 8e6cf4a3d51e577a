import { describe, expect, it } from "vitest";
import { type BackendName, backendProfiles, backends } from "./profiles.js";

const FIELDS = [
  "developerRole",
  "maxTokensField",
  "streamUsage",
  "reasoningField",
  "reasoningEffort",
  "replayReasoning",
  "thinkTags",
  "customTools",
  "toolCallIds",
  "fileParts",
  "reasoningEfforts",
].sort();

describe("backendProfiles", () => {
  it("covers the eight backends, each a frozen object with every capability field set", () => {
    expect(Object.keys(backendProfiles).sort()).toEqual(
      ["deepseek", "groq", "llamacpp", "lmstudio", "ollama", "openai", "openrouter", "vllm"].sort(),
    );
    expect(Object.isFrozen(backendProfiles)).toBe(true);
    for (const profile of Object.values(backendProfiles)) {
      expect(Object.isFrozen(profile)).toBe(true);
      expect(Object.keys(profile).sort()).toEqual(FIELDS);
      expect(typeof profile.developerRole).toBe("boolean");
      expect(["max_tokens", "max_completion_tokens"]).toContain(profile.maxTokensField);
      expect(["reasoning_content", "reasoning"]).toContain(profile.reasoningField);
      expect(["reasoning_effort", "reasoning_object", "none"]).toContain(profile.reasoningEffort);
      for (const flag of [
        "streamUsage",
        "replayReasoning",
        "thinkTags",
        "customTools",
        "toolCallIds",
      ] as const) {
        expect(typeof profile[flag]).toBe("boolean");
      }
    }
  });

  it.each([
    [
      "openai",
      { developerRole: true, maxTokensField: "max_completion_tokens", customTools: true, thinkTags: false },
    ],
    ["ollama", { reasoningField: "reasoning", toolCallIds: false }],
    ["vllm", { reasoningField: "reasoning", maxTokensField: "max_tokens" }],
    ["llamacpp", { reasoningField: "reasoning_content", thinkTags: true }],
    ["lmstudio", { reasoningField: "reasoning_content" }],
    ["openrouter", { reasoningEffort: "reasoning_object", reasoningField: "reasoning" }],
    ["deepseek", { replayReasoning: true, reasoningField: "reasoning_content", reasoningEffort: "none" }],
    ["groq", { maxTokensField: "max_completion_tokens", reasoningField: "reasoning" }],
  ] as Array<[BackendName, object]>)("%s has its documented quirks", (name, expected) => {
    expect(backendProfiles[name]).toMatchObject(expected);
  });

  it("only DeepSeek replays reasoning, only OpenAI takes native custom tools", () => {
    const with_ = (field: "replayReasoning" | "customTools") =>
      Object.entries(backendProfiles)
        .filter(([, profile]) => profile[field])
        .map(([name]) => name);
    expect(with_("replayReasoning")).toEqual(["deepseek"]);
    expect(with_("customTools")).toEqual(["openai"]);
  });

  it("gives the local servers' default base URLs", () => {
    const local = Object.entries(backends).filter(([, entry]) => !entry.hosted);
    expect(Object.fromEntries(local.map(([name, entry]) => [name, entry.baseURL]))).toEqual({
      ollama: "http://127.0.0.1:11434/v1",
      vllm: "http://127.0.0.1:8000/v1",
      llamacpp: "http://127.0.0.1:8080/v1",
      lmstudio: "http://127.0.0.1:1234/v1",
    });
  });

  it("is the one list of backends: each entry frozen, its capabilities the profile of the same name", () => {
    expect(Object.isFrozen(backends)).toBe(true);
    expect(Object.keys(backends).sort()).toEqual(Object.keys(backendProfiles).sort());
    for (const [name, entry] of Object.entries(backends)) {
      expect(Object.isFrozen(entry), name).toBe(true);
      expect(entry.capabilities, name).toBe(backendProfiles[name as BackendName]);
      expect(entry.baseURL, name).toMatch(/^https?:\/\/.+\/v1$/);
      expect(entry.apiKeyEnv, name).toMatch(/^[A-Z][A-Z0-9_]*$/);
    }
  });
});
