import type { ChatRequestBody } from "@responses-bridge/testkit";
import { describe, expect, it } from "vitest";
import { createMockUpstream, mockScenario } from "./mock-upstream.js";

const CODEX_TOOLS = [
  { type: "function", function: { name: "exec_command", parameters: { type: "object" } } },
  { type: "function", function: { name: "apply_patch", parameters: { type: "object" } } },
] as ChatRequestBody["tools"];

const request = (content: string, tools = CODEX_TOOLS): ChatRequestBody =>
  ({ model: "mock", messages: [{ role: "user", content }], ...(tools ? { tools } : {}) }) as ChatRequestBody;

describe("mockScenario", () => {
  it("runs commands on 'run:'", () => {
    const scenario = mockScenario(request("please run: ls -la | head"));
    expect(scenario.toolCalls).toEqual([
      { name: "exec_command", arguments: JSON.stringify({ cmd: "ls -la | head" }) },
    ]);
    expect(scenario.reasoning).toContain("I will run `ls -la | head`");
  });

  it("patches and creates files with apply_patch, wrapped as {input} for a function", () => {
    const patch = mockScenario(request("patch notes.txt: hello => goodbye"));
    expect(patch.toolCalls?.[0]?.name).toBe("apply_patch");
    expect(JSON.parse(patch.toolCalls?.[0]?.arguments ?? "")).toEqual({
      input: "*** Begin Patch\n*** Update File: notes.txt\n@@\n-hello\n+goodbye\n*** End Patch\n",
    });
    const create = mockScenario(request("create src/a.txt: first line"));
    expect(JSON.parse(create.toolCalls?.[0]?.arguments ?? "")).toEqual({
      input: "*** Begin Patch\n*** Add File: src/a.txt\n+first line\n*** End Patch\n",
    });
  });

  it("sends raw patch text to a natively declared custom tool", () => {
    const tools = [
      { type: "custom", custom: { name: "apply_patch" } },
    ] as unknown as ChatRequestBody["tools"];
    const scenario = mockScenario(request("create a.txt: x", tools));
    expect(scenario.toolCalls?.[0]?.arguments).toBe(
      "*** Begin Patch\n*** Add File: a.txt\n+x\n*** End Patch\n",
    );
  });

  it("answers in text when the client declared no such tool", () => {
    const scenario = mockScenario(request("run: ls", []));
    expect(scenario.toolCalls).toBeUndefined();
    expect(scenario.text).toContain("did not offer that tool");
  });

  it("fails on cue, with retry-after for 429", () => {
    expect(mockScenario(request("fail 500")).error).toEqual({ status: 500 });
    expect(mockScenario(request("fail 429")).error).toEqual({ status: 429, headers: { "retry-after": "1" } });
  });

  it("streams slowly on 'slow' and lists the cues otherwise, always with reasoning", () => {
    expect(mockScenario(request("be slow")).delayMs).toBeGreaterThan(0);
    const hello = mockScenario(request("hello"));
    expect(hello.text).toContain("run: ls -la");
    expect(hello.reasoning).toContain('The user wrote "hello"');
  });

  it("reports a tool's output after the call", () => {
    const body = {
      model: "mock",
      messages: [
        { role: "user", content: "run: echo hi" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "exec_command", arguments: '{"cmd":"echo hi"}' },
            },
          ],
        },
        {
          role: "tool",
          tool_call_id: "call_1",
          content: "Chunk ID: 1\nWall time: 0.0 seconds\nProcess exited with code 0\nOutput:\nhi\n",
        },
      ],
    } as ChatRequestBody;
    expect(mockScenario(body).text).toBe("Done: I ran `echo hi`. Its output:\n\nhi");
  });
});

describe("createMockUpstream", () => {
  it("streams chat chunks in-process, with reasoning first", async () => {
    const upstream = createMockUpstream();
    const chunks = await upstream.stream(
      { model: "mock", messages: [{ role: "user", content: "hi" }], stream: true },
      { signal: new AbortController().signal },
    );
    let reasoning = "";
    let text = "";
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? "";
      text += delta?.content ?? "";
    }
    expect(reasoning).toContain("No cue");
    expect(text).toContain("responses-bridge mock model");
  });
});
