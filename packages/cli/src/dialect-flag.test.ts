import { createScriptedBackend, parseSSE, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBridge } from "./create-bridge.js";
import { createLogger } from "./create-logger.js";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { parseCliArgs } from "./parse-cli-args.js";
import { resolveSettings } from "./resolve-settings.js";

const logger = createLogger({ level: "silent", json: false, write: () => {} });
const backend = createScriptedBackend({ script: () => ({ reasoning: "Thinking it over.", text: "Hi." }) });
let server: ScriptedServer;
beforeAll(async () => {
  server = await backend.listen();
});
afterAll(async () => {
  await server.close();
});

function usageError(run: () => unknown): CliError {
  try {
    run();
  } catch (error) {
    expect(CliError.isInstance(error)).toBe(true);
    expect((error as CliError).exitCode).toBe(EXIT_CODES.usage);
    return error as CliError;
  }
  throw new Error("expected a usage error");
}

/** The event types a bridge started from these flags and environment streams for a reasoning reply. */
async function eventTypes(argv: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const parsed = parseCliArgs(["serve", "-u", server.url, ...argv]);
  if (parsed.command !== "serve") throw new Error("expected serve");
  const settings = resolveSettings({ ...parsed.flags, probe: false }, undefined, env);
  const bridge = await createBridge({ settings, logger, codex: false });
  const response = await bridge.handler.fetch(
    new Request("http://bridge.test/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi", stream: true }),
    }),
  );
  return parseSSE(await response.text()).map((message) => String(JSON.parse(message.data).type));
}

describe("--dialect and RESPONSES_BRIDGE_DIALECT", () => {
  it("stream OpenAI's reasoning event names by default", async () => {
    const types = await eventTypes([], {});
    expect(types).toContain("response.reasoning_text.delta");
    expect(types).not.toContain("response.reasoning.delta");
  });

  it("stream the Open Responses names with --dialect open-responses or the variable", async () => {
    for (const [argv, env] of [
      [["--dialect", "open-responses"], {}],
      [[], { RESPONSES_BRIDGE_DIALECT: "open-responses" }],
    ] as const) {
      const types = await eventTypes([...argv], env);
      expect(types).toContain("response.reasoning.delta");
      expect(types).toContain("response.reasoning.done");
      expect(types.some((type) => type.startsWith("response.reasoning_text."))).toBe(false);
    }
  });

  it("the flag wins over the variable, and a wrong value is a usage error", async () => {
    expect(
      await eventTypes(["--dialect", "openai"], { RESPONSES_BRIDGE_DIALECT: "open-responses" }),
    ).toContain("response.reasoning_text.delta");
    expect(usageError(() => parseCliArgs(["serve", "--dialect", "anthropic"])).message).toContain(
      "--dialect must be openai or open-responses",
    );
    expect(
      usageError(() =>
        resolveSettings({ upstream: "mock", jsonLogs: false, probe: false }, undefined, {
          RESPONSES_BRIDGE_DIALECT: "x",
        }),
      ).message,
    ).toContain("RESPONSES_BRIDGE_DIALECT must be openai or open-responses");
  });
});
