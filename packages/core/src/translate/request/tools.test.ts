import type { Tool } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../../errors.js";
import type { TranslationWarning } from "../../types.js";
import { LOCAL_SHELL_PARAMETERS } from "../items/local-shell-call.js";
import { builtinTools } from "../items/registry.js";
import { createNameAllocator, flattenToolName } from "./tool-names.js";
import { type ConvertToolsOptions, convertTools, describeCustomFormat } from "./tools.js";

const drop: ConvertToolsOptions = { customTools: false, hostedTools: "drop", builtinTools };
const lark = { type: "grammar", syntax: "lark", definition: 'start: "x"' } as const;

function convert(tools: unknown[], options: ConvertToolsOptions = drop) {
  const warnings: TranslationWarning[] = [];
  const result = convertTools(
    [{ tools: tools as Tool[], param: (index) => `tools.${index}` }],
    options,
    warnings,
  );
  return { ...result, warnings };
}

describe("flattenToolName", () => {
  it.each<{ rule: string; namespace: string; name: string; expected: string }>([
    {
      rule: "namespace__name",
      namespace: "multi_agent_v1",
      name: "spawn_agent",
      expected: "multi_agent_v1__spawn_agent",
    },
    {
      rule: "characters outside [a-zA-Z0-9_-] -> _",
      namespace: "mcp.github",
      name: "list issues",
      expected: "mcp_github__list_issues",
    },
    {
      rule: "longer than 64 -> 55 characters + _ + 8 hex digits",
      namespace: "a".repeat(40),
      name: "b".repeat(40),
      expected: `${"a".repeat(40)}__${"b".repeat(13)}_${flattenToolName("a".repeat(40), "b".repeat(40)).slice(-8)}`,
    },
  ])("$rule", ({ namespace, name, expected }) => {
    const flat = flattenToolName(namespace, name);
    expect(flat).toBe(expected);
    expect(flat).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it("keeps long names that share a prefix apart, and is deterministic", () => {
    const first = flattenToolName("server", `${"x".repeat(60)}_one`);
    const second = flattenToolName("server", `${"x".repeat(60)}_two`);
    expect(first).not.toBe(second);
    expect(first).toHaveLength(64);
    expect(flattenToolName("server", `${"x".repeat(60)}_one`)).toBe(first);
  });
});

describe("createNameAllocator", () => {
  it("hands out the preferred name, then _2, _3, cut to 64 characters", () => {
    const allocate = createNameAllocator();
    expect([allocate("a"), allocate("a"), allocate("a")]).toEqual(["a", "a_2", "a_3"]);
    const long = "n".repeat(64);
    expect(allocate(long)).toBe(long);
    expect(allocate(long)).toBe(`${"n".repeat(62)}_2`);
  });
});

describe("convertTools", () => {
  it("function tool -> chat function, binding kind function", () => {
    const result = convert([
      { type: "function", name: "f", description: "d", parameters: { type: "object" }, strict: true },
    ]);
    expect(result.tools).toEqual([
      {
        type: "function",
        function: { name: "f", description: "d", parameters: { type: "object" }, strict: true },
      },
    ]);
    expect([...result.bindings]).toEqual([["f", { kind: "function", name: "f" }]]);
  });

  it("custom tool -> a function with one required string `input`, the grammar in the description", () => {
    const result = convert([
      { type: "custom", name: "apply_patch", description: "Edit files.", format: lark },
    ]);
    expect(result.tools).toEqual([
      {
        type: "function",
        function: {
          name: "apply_patch",
          description: `Edit files.\n\n${describeCustomFormat(lark)}`,
          parameters: {
            type: "object",
            properties: { input: { type: "string", description: expect.any(String) } },
            required: ["input"],
            additionalProperties: false,
          },
        },
      },
    ]);
    expect(describeCustomFormat(lark)).toContain(
      'Call this tool as a function with one argument: {"input": "<raw text>"}',
    );
    expect(describeCustomFormat(lark)).toContain(
      'The input must follow this Lark grammar:\n```lark\nstart: "x"\n```',
    );
    expect([...result.bindings]).toEqual([["apply_patch", { kind: "custom", name: "apply_patch" }]]);
  });

  it.each<{ rule: string; format: unknown; contains: string; lacks?: string }>([
    {
      rule: "regex grammar",
      format: { type: "grammar", syntax: "regex", definition: "^\\d+$" },
      contains: "The input must match this regular expression:\n```regex\n^\\d+$\n```",
    },
    { rule: "text format", format: { type: "text" }, contains: '{"input": "<raw text>"}', lacks: "grammar" },
    { rule: "no format", format: undefined, contains: '{"input": "<raw text>"}', lacks: "grammar" },
  ])("custom tool description for a $rule", ({ format, contains, lacks }) => {
    const result = convert([{ type: "custom", name: "c", format }]);
    const description =
      result.tools[0]?.type === "function" ? result.tools[0].function.description : undefined;
    expect(description).toContain(contains);
    if (lacks !== undefined) expect(description).not.toContain(lacks);
  });

  it("custom tool -> native chat custom tool with customTools (grammar reshaped)", () => {
    const result = convert(
      [
        { type: "custom", name: "apply_patch", description: "Edit files.", format: lark },
        { type: "custom", name: "free", format: { type: "text" } },
        { type: "custom", name: "bare" },
      ],
      { customTools: true, hostedTools: "drop", builtinTools },
    );
    expect(result.tools).toEqual([
      {
        type: "custom",
        custom: {
          name: "apply_patch",
          description: "Edit files.",
          format: { type: "grammar", grammar: { syntax: "lark", definition: 'start: "x"' } },
        },
      },
      { type: "custom", custom: { name: "free", format: { type: "text" } } },
      { type: "custom", custom: { name: "bare" } },
    ]);
    expect(result.bindings.get("apply_patch")).toEqual({ kind: "custom", name: "apply_patch" });
  });

  it("namespace -> flattened function and custom tools, bindings carry the namespace", () => {
    const result = convert([
      {
        type: "namespace",
        name: "functions",
        description: "",
        tools: [
          { type: "custom", name: "exec", description: "Run JS.", format: lark },
          {
            type: "function",
            name: "wait",
            description: "Wait.",
            parameters: { type: "object" },
            strict: null,
          },
        ],
      },
      {
        type: "namespace",
        name: "agents",
        description: "Sub-agents.",
        tools: [{ type: "function", name: "spawn", description: "Spawn one." }],
      },
    ]);
    expect(
      result.tools.map((tool) => (tool.type === "function" ? tool.function.name : tool.custom.name)),
    ).toEqual(["functions__exec", "functions__wait", "agents__spawn"]);
    expect(result.tools[2]).toEqual({
      type: "function",
      function: { name: "agents__spawn", description: "Sub-agents.\n\nSpawn one." },
    });
    expect([...result.bindings]).toEqual([
      ["functions__exec", { kind: "custom", name: "exec", namespace: "functions" }],
      ["functions__wait", { kind: "function", name: "wait", namespace: "functions" }],
      ["agents__spawn", { kind: "function", name: "spawn", namespace: "agents" }],
    ]);
    expect(result.names.chatName("exec", "functions")).toBe("functions__exec");
    expect(result.names.chatName("gone", "functions")).toBe("functions__gone");
  });

  it("top-level names win; a colliding flattened name gets a suffix; redeclarations are sent once", () => {
    const result = convert([
      { type: "namespace", name: "ns", tools: [{ type: "function", name: "f" }] },
      { type: "function", name: "ns__f" },
      { type: "function", name: "g", description: "old" },
      { type: "function", name: "g", description: "new" },
    ]);
    expect(result.tools).toEqual([
      { type: "function", function: { name: "ns__f_2" } },
      { type: "function", function: { name: "ns__f" } },
      { type: "function", function: { name: "g", description: "new" } },
    ]);
    expect(result.bindings.get("ns__f_2")).toEqual({ kind: "function", name: "f", namespace: "ns" });
    expect(result.bindings.get("ns__f")).toEqual({ kind: "function", name: "ns__f" });
    expect(result.names.chatName("f", "ns")).toBe("ns__f_2");
  });

  it("local_shell -> function local_shell with the exec schema, binding kind local_shell", () => {
    const result = convert([{ type: "local_shell" }]);
    expect(result.tools).toEqual([
      {
        type: "function",
        function: {
          name: "local_shell",
          description: expect.any(String),
          parameters: LOCAL_SHELL_PARAMETERS,
        },
      },
    ]);
    expect(LOCAL_SHELL_PARAMETERS.required).toEqual(["command"]);
    expect(Object.keys(LOCAL_SHELL_PARAMETERS.properties)).toEqual([
      "command",
      "workdir",
      "timeout_ms",
      "env",
    ]);
    expect([...result.bindings]).toEqual([["local_shell", { kind: "local_shell", name: "local_shell" }]]);
  });

  it.each([
    { type: "web_search", external_web_access: true },
    { type: "web_search_preview" },
    { type: "file_search", vector_store_ids: ["vs_1"] },
    { type: "code_interpreter", container: { type: "auto" } },
    { type: "computer_use_preview", display_width: 1, display_height: 1, environment: "linux" },
    { type: "image_generation" },
    { type: "mcp", server_label: "s", server_url: "https://x.test" },
    { type: "tool_search", execution: "client" },
    { type: "shell" },
    { type: "apply_patch" },
    { type: "some_future_tool" },
  ])("hosted tool $type -> left out with an unsupported_tool warning (default), 400 with reject", (tool) => {
    const dropped = convert([tool, { type: "function", name: "f" }]);
    expect(dropped.tools).toHaveLength(1);
    expect(dropped.bindings.size).toBe(1);
    expect(dropped.warnings).toEqual([
      {
        code: "unsupported_tool",
        message: `Tool '${tool.type}' was left out of the chat request: the chat backend cannot run hosted tools.`,
        param: "tools.0",
      },
    ]);
    let rejected: unknown;
    try {
      convert([{ type: "function", name: "f" }, tool], {
        customTools: false,
        hostedTools: "reject",
        builtinTools,
      });
    } catch (error) {
      rejected = error;
    }
    expect(ResponsesBridgeError.isInstance(rejected)).toBe(true);
    expect(rejected).toMatchObject({
      status: 400,
      param: "tools.1",
      code: "unsupported_value",
      message: `Tool '${tool.type}' is not supported: this server's chat backend cannot run hosted tools.`,
    });
  });

  it("a hosted tool inside a namespace -> left out, param tools.N.tools.M", () => {
    const result = convert([
      { type: "namespace", name: "ns", tools: [{ type: "web_search" }, { type: "function", name: "f" }] },
    ]);
    expect(result.tools).toEqual([{ type: "function", function: { name: "ns__f" } }]);
    expect(result.warnings).toMatchObject([{ code: "unsupported_tool", param: "tools.0.tools.0" }]);
  });

  it("find: by namespace, by top-level name, by chat name, by the only namespaced name", () => {
    const result = convert([
      { type: "function", name: "top" },
      { type: "custom", name: "apply_patch" },
      {
        type: "namespace",
        name: "a",
        tools: [
          { type: "function", name: "only" },
          { type: "function", name: "both" },
        ],
      },
      { type: "namespace", name: "b", tools: [{ type: "function", name: "both" }] },
    ]);
    expect(result.find("function", "top")).toBe("top");
    expect(result.find("function", "only", "a")).toBe("a__only");
    expect(result.find("function", "only")).toBe("a__only");
    expect(result.find("function", "a__only")).toBe("a__only");
    expect(result.find("function", "both")).toBeUndefined();
    expect(result.find("function", "both", "b")).toBe("b__both");
    expect(result.find("custom", "apply_patch")).toBe("apply_patch");
    expect(result.find("function", "apply_patch")).toBeUndefined();
    expect(result.names.soleToolName("custom")).toBe("apply_patch");
    expect(result.names.soleToolName("function")).toBeUndefined();
  });
});
