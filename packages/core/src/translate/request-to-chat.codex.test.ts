/**
 * Every captured Codex CLI 0.169.0 request translates (issue 3, "Tests"): the chat request carries
 * exec_command, write_stdin, view_image, a function for apply_patch (grammar in its description),
 * the flattened namespace tools, no hosted tools, and the turn-2 history.
 */
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { parseResponsesRequest } from "../schema/responses-request.js";
import type { ResponseInputItem } from "../types.js";
import { codexRequest, codexRequests } from "./__fixtures__/codex-requests.js";
import { convertRequestToChat } from "./request-to-chat.js";

const toolName = (tool: ChatCompletionTool) =>
  tool.type === "function" ? tool.function.name : tool.custom.name;
const translate = (name: string, options?: Parameters<typeof convertRequestToChat>[1]) =>
  convertRequestToChat(parseResponsesRequest(codexRequest(name)), options);

const patch = "*** Begin Patch\n*** Update File: codex-e2e-patch.txt\n@@\n-before\n+after\n*** End Patch\n";
const multiAgent = ["close_agent", "resume_agent", "send_input", "spawn_agent", "wait_agent"];

describe("convertRequestToChat on every captured Codex request", () => {
  it.each(codexRequests.map(({ name }) => name))(
    "%s: translates; no hosted tool reaches the chat request",
    (name) => {
      const { params, warnings, tools } = translate(name);
      const names = (params.tools ?? []).map(toolName);
      for (const chatName of names) expect(chatName).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(new Set(names).size).toBe(names.length);
      expect(names).not.toContain("web_search");
      expect(names).not.toContain("tool_search");
      expect([...tools.keys()]).toEqual(names);
      for (const warning of warnings)
        expect(warning.code).toMatch(/^(unsupported_tool|reasoning_effort_mapped)$/);
      expect(params.stream).toBe(true);
    },
  );

  it.each(codexRequests.filter(({ name }) => !name.startsWith("responses-lite")).map(({ name }) => name))(
    "%s: exec_command, write_stdin and view_image are chat functions",
    (name) => {
      const names = (translate(name).params.tools ?? []).map(toolName);
      expect(names).toEqual(expect.arrayContaining(["exec_command", "write_stdin", "view_image"]));
    },
  );

  it("turn 1: tools, bindings, warnings and messages", () => {
    const { params, warnings, tools } = translate("turn1");
    expect(params.model).toBe("bridge-model");
    expect(params.messages.map((message) => message.role)).toEqual(["system", "system", "user", "user"]);
    expect(params.messages[3]).toEqual({ role: "user", content: "SCENARIO:shell create the file" });
    expect((params.tools ?? []).map(toolName)).toEqual([
      "exec_command",
      "write_stdin",
      "request_user_input",
      "apply_patch",
      "view_image",
      ...multiAgent.map((name) => `multi_agent_v1__${name}`),
      "get_goal",
      "create_goal",
      "update_goal",
    ]);
    expect([...tools]).toEqual([
      ["exec_command", { kind: "function", name: "exec_command" }],
      ["write_stdin", { kind: "function", name: "write_stdin" }],
      ["request_user_input", { kind: "function", name: "request_user_input" }],
      ["apply_patch", { kind: "custom", name: "apply_patch" }],
      ["view_image", { kind: "function", name: "view_image" }],
      ...multiAgent.map((name): [string, object] => [
        `multi_agent_v1__${name}`,
        { kind: "function", name, namespace: "multi_agent_v1" },
      ]),
      ["get_goal", { kind: "function", name: "get_goal" }],
      ["create_goal", { kind: "function", name: "create_goal" }],
      ["update_goal", { kind: "function", name: "update_goal" }],
    ]);
    expect(warnings).toEqual([
      {
        code: "unsupported_tool",
        message:
          "Tool 'web_search' was left out of the chat request: the chat backend cannot run hosted tools.",
        param: "tools.9",
      },
    ]);
    expect(params).toMatchObject({
      tool_choice: "auto",
      parallel_tool_calls: true,
      stream_options: { include_usage: true },
    });
    // reasoning {summary} (no effort), store, include, prompt_cache_key and client_metadata stay out.
    expect(Object.keys(params).sort()).toEqual(
      ["messages", "model", "parallel_tool_calls", "stream", "stream_options", "tool_choice", "tools"].sort(),
    );
  });

  it("turn 1: apply_patch is a function with one string `input` and the Lark grammar in its description", () => {
    const applyPatch = translate("turn1").params.tools?.find((tool) => toolName(tool) === "apply_patch");
    expect(applyPatch).toMatchObject({
      type: "function",
      function: {
        parameters: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
      },
    });
    const description = applyPatch?.type === "function" ? applyPatch.function.description : "";
    expect(description).toContain("This is a FREEFORM tool, so do not wrap the patch in JSON.");
    expect(description).toContain('{"input": "<raw text>"}');
    expect(description).toContain("```lark\nstart: begin_patch hunk+ end_patch\n");
    expect(description).toContain("%import common.LF\n\n```");
  });

  it("turn 1: the multi_agent_v1 namespace tools keep their schemas, with the namespace description", () => {
    const spawn = translate("turn1").params.tools?.find(
      (tool) => toolName(tool) === "multi_agent_v1__spawn_agent",
    );
    expect(spawn).toMatchObject({
      type: "function",
      function: {
        description: expect.stringMatching(/^Tools for spawning and managing sub-agents\.\n\n/),
        parameters: { type: "object" },
        strict: false,
      },
    });
  });

  it("turn 1 with customTools: apply_patch is a native chat custom tool with its grammar", () => {
    const applyPatch = translate("turn1", { capabilities: { customTools: true } }).params.tools?.find(
      (tool) => toolName(tool) === "apply_patch",
    );
    expect(applyPatch).toMatchObject({
      type: "custom",
      custom: {
        name: "apply_patch",
        format: {
          type: "grammar",
          grammar: { syntax: "lark", definition: expect.stringContaining("begin_patch") },
        },
      },
    });
  });

  it("turn 2: the echoed function_call and its output become assistant tool_calls + a tool message", () => {
    const { params } = translate("turn2");
    expect(params.messages.map((message) => message.role)).toEqual([
      "system",
      "system",
      "user",
      "user",
      "assistant",
      "tool",
    ]);
    expect(params.messages[4]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: "call_shell_resp_9366_1",
          type: "function",
          function: {
            name: "exec_command",
            arguments:
              '{"cmd":"printf \'%s\\\\n\' \'hello from codex e2e\' > codex-e2e-shell.txt && echo created","yield_time_ms":10000}',
          },
        },
      ],
    });
    expect(params.messages[5]).toEqual({
      role: "tool",
      tool_call_id: "call_shell_resp_9366_1",
      content:
        "Chunk ID: 1fc29c\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 2\nOutput:\ncreated\n",
    });
  });

  it("reasoning turn 2: the echoed reasoning item is left out by default; effort medium is sent", () => {
    const { params, warnings } = translate("reasoning-turn2");
    expect(params.messages.map((message) => message.role)).toEqual([
      "system",
      "system",
      "user",
      "user",
      "assistant",
      "tool",
    ]);
    expect(params.messages[4]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [expect.objectContaining({ id: "call_shell_resp_21714_1" })],
    });
    expect(params).toMatchObject({ reasoning_effort: "medium" });
    expect(params).not.toHaveProperty("reasoning");
    expect(warnings.map((warning) => warning.code)).toEqual(["unsupported_tool"]);
  });

  it("reasoning turn 2 with replayReasoning: the raw reasoning goes on the assistant message", () => {
    const { params } = translate("reasoning-turn2", { capabilities: { replayReasoning: true } });
    expect(params.messages[4]).toMatchObject({
      role: "assistant",
      reasoning_content: "scripted raw reasoning",
    });
  });

  it("apply_patch turn 2: custom_tool_call -> a tool call with {input: <patch>}, then its output", () => {
    const { params } = translate("patch-turn2");
    expect(params.messages.slice(4)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_patch_resp_9838_1",
            type: "function",
            function: { name: "apply_patch", arguments: JSON.stringify({ input: patch }) },
          },
        ],
      },
      {
        role: "tool",
        tool_call_id: "call_patch_resp_9838_1",
        content:
          "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nM codex-e2e-patch.txt\n",
      },
    ]);
    const call = params.messages[4];
    const args =
      call?.role === "assistant" && call.tool_calls?.[0]?.type === "function"
        ? call.tool_calls[0].function.arguments
        : "";
    expect(JSON.parse(args).input).toBe(patch);
  });

  it("apply_patch turn 2 with customTools: a native custom tool call", () => {
    const { params } = translate("patch-turn2", { capabilities: { customTools: true } });
    expect(params.messages[4]).toEqual({
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "call_patch_resp_9838_1", type: "custom", custom: { name: "apply_patch", input: patch } },
      ],
    });
  });

  it("apply_patch through exec_command turn 2: function call and output", () => {
    const { params } = translate("patch-via-exec-turn2");
    expect(params.messages.slice(4).map((message) => message.role)).toEqual(["assistant", "tool"]);
    expect(params.messages[4]).toMatchObject({
      tool_calls: [{ type: "function", function: { name: "exec_command" } }],
    });
  });

  it("bundled gpt-5.5 (no catalog): tool_search and web_search left out, effort medium sent", () => {
    const { params, warnings } = translate("no-catalog-gpt-5.5-turn1");
    expect((params.tools ?? []).map(toolName)).toContain("apply_patch");
    expect(warnings).toMatchObject([
      { code: "unsupported_tool", message: expect.stringContaining("'tool_search'") },
      { code: "unsupported_tool", message: expect.stringContaining("'web_search'") },
    ]);
    expect(params).toMatchObject({ reasoning_effort: "medium" });
  });

  it("Responses Lite (code mode): the additional_tools item's namespaces are hoisted and flattened", () => {
    const { params, tools, warnings } = translate("responses-lite-gpt-5.6-sol-turn1");
    expect(params.messages.map((message) => message.role)).toEqual([
      "system",
      "system",
      "system",
      "system",
      "user",
      "user",
    ]);
    expect((params.tools ?? []).map(toolName)).toEqual([
      "functions__exec",
      "functions__wait",
      "functions__request_user_input",
      "collaboration__followup_task",
      "collaboration__interrupt_agent",
      "collaboration__list_agents",
      "collaboration__send_message",
      "collaboration__spawn_agent",
      "collaboration__wait_agent",
    ]);
    expect(tools.get("functions__exec")).toEqual({ kind: "custom", name: "exec", namespace: "functions" });
    expect(tools.get("collaboration__spawn_agent")).toEqual({
      kind: "function",
      name: "spawn_agent",
      namespace: "collaboration",
    });
    const exec = params.tools?.[0];
    expect(exec?.type === "function" && exec.function.description).toContain(
      "```lark\n\nstart: pragma_source | plain_source",
    );
    expect(params).toMatchObject({
      tool_choice: "auto",
      parallel_tool_calls: false,
      reasoning_effort: "low",
    });
    expect(warnings).toEqual([]);
  });

  it("does not modify the fixtures", () => {
    for (const { name, body } of codexRequests) {
      const snapshot = JSON.stringify(body);
      translate(name, { capabilities: { replayReasoning: true } });
      expect(JSON.stringify(body)).toBe(snapshot);
    }
  });

  it("a 600-item Codex history translates into one message per turn item, reasoning replayed", () => {
    const base = codexRequest("reasoning-turn2") as { input: ResponseInputItem[] };
    const [reasoning, call, output] = base.input.slice(4) as [
      ResponseInputItem,
      ResponseInputItem,
      ResponseInputItem,
    ];
    const input: ResponseInputItem[] = base.input.slice(0, 4);
    for (let round = 0; input.length < 600; round++) {
      input.push(
        reasoning,
        { ...call, call_id: `call_${round}` } as ResponseInputItem,
        { ...output, call_id: `call_${round}` } as ResponseInputItem,
      );
    }
    const request = parseResponsesRequest({ ...base, input });
    // Speed is measured by `pnpm bench`, never asserted here (the machine is shared and noisy).
    expect(convertRequestToChat(request).params.messages).toHaveLength(4 + (input.length - 4) * (2 / 3));
    const replayed = convertRequestToChat(request, { capabilities: { replayReasoning: true } }).params
      .messages;
    const assistants = replayed.filter((message) => message.role === "assistant");
    expect(assistants).toHaveLength((input.length - 4) / 3);
    expect(
      assistants.every(
        (message) => typeof (message as { reasoning_content?: unknown }).reasoning_content === "string",
      ),
    ).toBe(true);
  });
});
