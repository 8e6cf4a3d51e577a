import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CodexHomeOptions,
  checkCodexHome,
  createModelCatalog,
  DEFAULT_BASE_INSTRUCTIONS,
  defaultCodexHome,
  pasteLines,
  renderCodexConfig,
  renderModelCatalog,
  tomlString,
  truncationLimit,
  writeCodexHome,
} from "./codex-home.js";
import { CliError } from "./exit-codes.js";

/** Fields Codex 0.169.0 refuses to start without (CLIENTS.md §2, found against the binary). */
const REQUIRED_FIELDS = [
  "slug",
  "display_name",
  "supported_reasoning_levels",
  "shell_type",
  "visibility",
  "supported_in_api",
  "priority",
  "support_verbosity",
  "truncation_policy",
  "experimental_supported_tools",
];

const FIXTURE_CATALOG = new URL("../../../test/fixtures/codex/catalog-bridge.json", import.meta.url);

const options = (codexHome: string, extra: Partial<CodexHomeOptions> = {}): CodexHomeOptions => ({
  codexHome,
  model: "qwen3-coder:30b",
  baseURL: "http://127.0.0.1:8080/v1",
  contextWindow: 65_536,
  ...extra,
});

describe("renderCodexConfig", () => {
  it("parses back as the provider setup Codex needs", () => {
    const home = "/home/dev/.responses-bridge/codex-home";
    const config = parseToml(renderCodexConfig(options(home)));
    expect(config).toEqual({
      model: "qwen3-coder:30b",
      model_provider: "bridge",
      model_catalog_json: "/home/dev/.responses-bridge/codex-home/model-catalog.json",
      show_raw_agent_reasoning: true,
      model_providers: {
        bridge: {
          name: "responses-bridge",
          base_url: "http://127.0.0.1:8080/v1",
          wire_api: "responses",
          env_key: "RESPONSES_BRIDGE_API_KEY",
          request_max_retries: 4,
          stream_max_retries: 5,
          stream_idle_timeout_ms: 600_000,
        },
      },
    });
  });

  it("writes the retry and timeout settings it is given", () => {
    const config = parseToml(
      renderCodexConfig(
        options("/h", {
          requestMaxRetries: 0,
          streamMaxRetries: 1,
          streamIdleTimeoutMs: 30_000,
          envKey: "MY_KEY",
        }),
      ),
    ) as { model_providers: { bridge: Record<string, unknown> } };
    expect(config.model_providers.bridge).toMatchObject({
      env_key: "MY_KEY",
      request_max_retries: 0,
      stream_max_retries: 1,
      stream_idle_timeout_ms: 30_000,
    });
  });

  it("escapes names and paths (Windows backslashes, quotes, control characters)", () => {
    const model = 'od"d\\name\twith\u0001';
    const home = "C:\\Users\\Dév\\codex home";
    const config = parseToml(renderCodexConfig(options(home, { model })));
    expect(config.model).toBe(model);
    expect(config.model_catalog_json).toBe(join(home, "model-catalog.json"));
    expect(parseToml(`v = ${tomlString("line\nbreak \u007f")}`).v).toBe("line\nbreak \u007f");
  });
});

describe("renderModelCatalog", () => {
  it("is plain UTF-8 JSON without a BOM, with every field Codex 0.169 requires", () => {
    const text = renderModelCatalog(options("/h"));
    expect(text.charCodeAt(0)).toBe("{".charCodeAt(0));
    expect(
      Buffer.from(text, "utf8")
        .subarray(0, 3)
        .equals(Buffer.from([0xef, 0xbb, 0xbf])),
    ).toBe(false);
    const catalog = JSON.parse(text) as { models: Record<string, unknown>[] };
    expect(catalog.models).toHaveLength(1);
    const model = catalog.models[0]!;
    for (const field of REQUIRED_FIELDS) expect(model, field).toHaveProperty(field);
    expect(typeof model.base_instructions === "string" || model.model_messages !== undefined).toBe(true);
  });

  it("declares apply_patch as freeform, the context window, summaries, and no Responses Lite", () => {
    const model = createModelCatalog(options("/h")).models[0]!;
    expect(model).toMatchObject({
      slug: "qwen3-coder:30b",
      display_name: "qwen3-coder:30b",
      base_instructions: DEFAULT_BASE_INSTRUCTIONS,
      apply_patch_tool_type: "freeform",
      shell_type: "shell_command",
      context_window: 65_536,
      supports_reasoning_summaries: true,
      default_reasoning_summary: "auto",
      use_responses_lite: false,
      tool_mode: null,
      prefer_websockets: false,
      visibility: "list",
      supported_in_api: true,
      supported_reasoning_levels: [],
      experimental_supported_tools: [],
      truncation_policy: { mode: "tokens", limit: 8192 },
    });
  });

  it("covers the fields of the catalog captured against Codex (fixtures/codex/catalog-bridge.json)", async () => {
    const fixture = JSON.parse(await readFile(FIXTURE_CATALOG, "utf8")) as {
      models: Record<string, unknown>[];
    };
    const ours = createModelCatalog(options("/h")).models[0]!;
    for (const key of Object.keys(fixture.models[0]!)) expect(ours, key).toHaveProperty(key);
  });

  it("takes custom base instructions", () => {
    expect(
      createModelCatalog(options("/h", { baseInstructions: "Be terse." })).models[0]?.base_instructions,
    ).toBe("Be terse.");
  });

  it("sizes the tool-output budget to the context window", () => {
    expect(truncationLimit(8192)).toBe(2000);
    expect(truncationLimit(32_768)).toBe(4096);
    expect(truncationLimit(1_000_000)).toBe(10_000);
  });
});

describe("writeCodexHome", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rb-codex-home-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the directory and both files, then is idempotent byte for byte", async () => {
    const home = join(dir, "nested", "codex-home");
    const first = await writeCodexHome(options(home));
    expect(first.changed).toBe(true);
    expect(first.configPath).toBe(join(home, "config.toml"));
    const config = await readFile(first.configPath);
    const catalog = await readFile(first.catalogPath);
    const before = (await stat(first.catalogPath)).mtimeMs;
    expect(config.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(catalog.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(parseToml(config.toString("utf8")).model_catalog_json).toBe(first.catalogPath);

    const second = await writeCodexHome(options(home));
    expect(second.changed).toBe(false);
    expect((await readFile(first.configPath)).equals(config)).toBe(true);
    expect((await readFile(first.catalogPath)).equals(catalog)).toBe(true);
    expect((await stat(first.catalogPath)).mtimeMs).toBe(before);
  });

  it("rewrites what changed (here the port)", async () => {
    const home = join(dir, "port");
    await writeCodexHome(options(home));
    const changed = await writeCodexHome(options(home, { baseURL: "http://127.0.0.1:9999/v1" }));
    expect(changed.changed).toBe(true);
    expect(await readFile(changed.configPath, "utf8")).toContain('base_url = "http://127.0.0.1:9999/v1"');
  });

  it("replaces a catalog someone saved with a BOM", async () => {
    const home = join(dir, "bom");
    const written = await writeCodexHome(options(home));
    await writeFile(written.catalogPath, `\uFEFF${renderModelCatalog(options(home))}`, "utf8");
    expect((await writeCodexHome(options(home))).changed).toBe(true);
    expect((await readFile(written.catalogPath))[0]).toBe("{".charCodeAt(0));
  });
});

describe("checkCodexHome", () => {
  it("never uses the user's own ~/.codex or current CODEX_HOME", () => {
    expect(() => checkCodexHome(join("/home/dev", ".codex"), {}, "/home/dev")).toThrow(CliError);
    expect(() => checkCodexHome("/srv/codex", { CODEX_HOME: "/srv/codex/" }, "/home/dev")).toThrow(
      "refusing to write into /srv/codex, your own Codex configuration",
    );
  });

  it("warns about /tmp and accepts the default", () => {
    expect(checkCodexHome("/tmp/x/codex-home", {}, "/home/dev")).toContain("is under /tmp");
    expect(checkCodexHome(defaultCodexHome("/home/dev"), {}, "/home/dev")).toBeUndefined();
    expect(defaultCodexHome("/home/dev")).toBe("/home/dev/.responses-bridge/codex-home");
    expect(defaultCodexHome()).toBe(join(homedir(), ".responses-bridge", "codex-home"));
  });
});

describe("pasteLines", () => {
  it("quotes for bash/zsh, fish and PowerShell", () => {
    const lines = pasteLines({
      CODEX_HOME: "/home/o'neil/codex home",
      RESPONSES_BRIDGE_API_KEY: "responses-bridge",
    });
    expect(lines.posix).toBe(
      "export CODEX_HOME='/home/o'\\''neil/codex home' RESPONSES_BRIDGE_API_KEY='responses-bridge'",
    );
    expect(lines.fish).toBe(
      "set -gx CODEX_HOME '/home/o\\'neil/codex home'; set -gx RESPONSES_BRIDGE_API_KEY 'responses-bridge'",
    );
    expect(lines.powershell).toBe(
      "$env:CODEX_HOME = '/home/o''neil/codex home'; $env:RESPONSES_BRIDGE_API_KEY = 'responses-bridge'",
    );
  });
});
