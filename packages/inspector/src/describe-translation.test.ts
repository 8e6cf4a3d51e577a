import { describe, expect, it } from "vitest";
import { describeTranslation } from "./describe-translation.js";

const texts = (request: unknown, params: unknown) =>
  describeTranslation(request, params).map((note) => note.text);

describe("describeTranslation", () => {
  it("counts items to messages and says where tool calls, outputs and instructions went", () => {
    const notes = texts(
      {
        model: "gpt-5",
        instructions: "Be brief.",
        input: [
          { role: "user", content: "run ls" },
          { type: "function_call", call_id: "c1", name: "exec_command", arguments: "{}" },
          { type: "function_call_output", call_id: "c1", output: "a.txt" },
        ],
      },
      {
        model: "qwen3",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "run ls" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "exec_command", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c1", content: "a.txt" },
        ],
      },
    );
    expect(notes).toContain(
      "3 input items (1 message, 1 function_call, 1 function_call_output) -> 4 chat messages (1 system, 1 user, 1 assistant, 1 tool)",
    );
    expect(notes).toContain(
      "function_call items -> 1 assistant tool_call; function_call_output items -> 1 tool message",
    );
    expect(notes).toContain("instructions -> the first system message");
    expect(notes).toContain("model gpt-5 -> qwen3");
  });

  it("names tools flattened, converted and dropped, reasoning restored, and renamed parameters", () => {
    const notes = texts(
      {
        model: "m",
        input: [
          {
            type: "reasoning",
            id: "rs_1",
            summary: [],
            content: [{ type: "reasoning_text", text: "think" }],
          },
          { role: "assistant", content: "ok" },
        ],
        tools: [
          { type: "function", name: "shell", parameters: {} },
          { type: "custom", name: "apply_patch" },
          { type: "namespace", name: "mcp.github", tools: [{ type: "function", name: "search" }] },
          { type: "web_search" },
        ],
        max_output_tokens: 100,
        reasoning: { effort: "high" },
      },
      {
        model: "m",
        messages: [{ role: "assistant", content: "ok", reasoning_content: "think" }],
        tools: [
          { type: "function", function: { name: "shell" } },
          { type: "function", function: { name: "apply_patch" } },
          { type: "function", function: { name: "mcp_github__search" } },
        ],
        max_completion_tokens: 100,
        reasoning_effort: "high",
      },
    );
    expect(notes).toContain("1 tool sent unchanged");
    expect(notes).toContain(
      'custom tool apply_patch -> function apply_patch (free-form input wrapped as {"input": ...})',
    );
    expect(notes).toContain("mcp.github.search -> mcp_github__search (namespace flattened)");
    expect(notes).toContain("web_search: hosted tool, not sent (the backend cannot run it)");
    expect(notes).toContain("reasoning restored on 1 assistant message (from 1 reasoning item)");
    expect(notes).toContain("max_output_tokens -> max_completion_tokens");
    expect(notes).toContain("reasoning.effort -> reasoning_effort");
  });

  it("groups a namespace's flattened functions and says where developer messages went", () => {
    const notes = texts(
      {
        model: "m",
        input: [
          { role: "developer", content: "rules" },
          { role: "user", content: "hi" },
        ],
        tools: [
          {
            type: "namespace",
            name: "agents",
            tools: [
              { type: "function", name: "spawn" },
              { type: "function", name: "wait" },
            ],
          },
        ],
      },
      {
        model: "m",
        messages: [
          { role: "system", content: "rules" },
          { role: "user", content: "hi" },
        ],
        tools: [
          { type: "function", function: { name: "agents__spawn" } },
          { type: "function", function: { name: "agents__wait" } },
        ],
      },
    );
    expect(notes).toContain("agents.{spawn, wait} -> agents__<name>: 2 functions (namespace flattened)");
    expect(notes).toContain("1 developer message -> system");
  });

  it("returns nothing for values that are not requests", () => {
    expect(describeTranslation(null, {})).toEqual([]);
  });
});
