import { readFile } from "node:fs/promises";
import type { UpstreamCapabilities } from "@responses-bridge/core";
import type { z as zodTypes } from "zod";
import { en } from "zod/locales";
import * as z from "zod/mini";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import { PRESET_NAMES } from "./presets.js";
import { ENV_NAME } from "./secret.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function isHttpURL(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

// zod/mini (bundled, tree-shaken): the classic API cost the CLI's process about 4 MB of heap at start. The
// messages are the classic API's English ones, given per parse (a global `z.config` would reach the core's
// schemas too wherever both share one zod).
const english = en().localeError;

const envName = z
  .string()
  .check(z.regex(ENV_NAME, { error: "must be an environment variable name (A-Z, 0-9, _)" }));
const positiveInt = z.int().check(z.positive());
const nonNegativeInt = z.int().check(z.nonnegative());
const nonEmpty = z.string().check(z.minLength(1));

const capabilitiesSchema = z.partial(
  z.strictObject({
    developerRole: z.boolean(),
    maxTokensField: z.enum(["max_tokens", "max_completion_tokens"]),
    streamUsage: z.boolean(),
    reasoningField: z.enum(["reasoning_content", "reasoning"]),
    reasoningEffort: z.enum(["reasoning_effort", "reasoning_object", "none"]),
    replayReasoning: z.boolean(),
    thinkTags: z.boolean(),
    customTools: z.boolean(),
    fileParts: z.boolean(),
    reasoningEfforts: z.array(z.string()),
    toolCallIds: z.boolean(),
  }),
);

/** True when `A` and `B` have the same keys. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
// The file's `capabilities` are the core's `UpstreamCapabilities`, field for field: this line stops
// compiling when a capability is added to (or removed from) the core without the schema following.
const capabilitiesFollowCore: SameKeys<z.infer<typeof capabilitiesSchema>, UpstreamCapabilities> = true;
void capabilitiesFollowCore;

const upstreamSchema = z
  .strictObject({
    // The presets are the core's `backends` plus `mock` (see presets.ts): one list of backends.
    preset: z.optional(z.enum(PRESET_NAMES)),
    baseURL: z.optional(
      z.string().check(
        z.refine(isHttpURL, {
          error: "must be an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1",
        }),
      ),
    ),
    apiKeyEnv: z.optional(envName),
    headers: z.optional(z.record(z.string(), z.string())),
    capabilities: z.optional(capabilitiesSchema),
  })
  .check(
    z.refine((upstream) => upstream.preset !== undefined || upstream.baseURL !== undefined, {
      error: 'needs a "preset" (e.g. "ollama") or a "baseURL"',
    }),
  );

const targetSchema = z.union([nonEmpty, z.strictObject({ upstream: nonEmpty, model: z.optional(nonEmpty) })]);

const storeSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("memory"),
    maxEntries: z.optional(positiveInt),
    maxBytes: z.optional(positiveInt),
    ttlMs: z.optional(nonNegativeInt),
  }),
  z
    .strictObject({
      type: z.literal("redis"),
      url: z.optional(z.string()),
      urlEnv: z.optional(envName),
      keyPrefix: z.optional(z.string()),
      ttlMs: z.optional(nonNegativeInt),
    })
    .check(
      z.refine((store) => store.url !== undefined || store.urlEnv !== undefined, {
        error: 'needs "url" or "urlEnv" (the name of a variable holding the Redis URL)',
      }),
    ),
]);

/** The zod schema of the config file; exported for tests and editors. */
export const bridgeConfigSchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    host: z.optional(nonEmpty),
    port: z.optional(z.int().check(z.minimum(0), z.maximum(65_535))),
    upstreams: z.optional(
      z
        .record(
          z.string().check(z.regex(NAME, { error: "upstream names use letters, digits, '.', '_' and '-'" })),
          upstreamSchema,
        )
        .check(
          z.refine((record) => Object.keys(record).length > 0, { error: "declare at least one upstream" }),
        ),
    ),
    upstream: z.optional(nonEmpty),
    model: z.optional(nonEmpty),
    routes: z.optional(
      z.record(nonEmpty, z.union([targetSchema, z.array(targetSchema).check(z.minLength(1))])),
    ),
    systemPrompt: z.optional(z.string()),
    store: z.optional(storeSchema),
    limits: z.optional(
      z.partial(
        z.strictObject({
          maxBodyBytes: positiveInt,
          keepAliveMs: nonNegativeInt,
          shutdownTimeoutMs: nonNegativeInt,
        }),
      ),
    ),
    auth: z.optional(z.strictObject({ apiKeyEnv: envName })),
  })
  .check(
    z.superRefine((config, context) => {
      const names = new Set(Object.keys(config.upstreams ?? {}));
      const check = (name: string, path: (string | number)[]) => {
        if (names.has(name)) return;
        const known =
          names.size > 0 ? `; declared: ${[...names].join(", ")}` : '; declare it under "upstreams"';
        context.addIssue({ code: "custom", path, message: `unknown upstream "${name}"${known}` });
      };
      if (config.upstream !== undefined) check(config.upstream, ["upstream"]);
      for (const [model, route] of Object.entries(config.routes ?? {})) {
        const targets = Array.isArray(route) ? route : [route];
        targets.forEach((target, index) => {
          const path: (string | number)[] = Array.isArray(route)
            ? ["routes", model, index]
            : ["routes", model];
          if (typeof target === "string") check(target, path);
          else check(target.upstream, [...path, "upstream"]);
        });
      }
      if (names.size > 1 && config.upstream === undefined && config.routes === undefined) {
        context.addIssue({
          code: "custom",
          path: ["upstream"],
          message: 'several upstreams are declared: name the default one in "upstream", or add "routes"',
        });
      }
    }),
  );

/**
 * The config file (`--config FILE`), JSON:
 *
 * ```json
 * {
 *   "upstreams": {
 *     "local": { "preset": "ollama" },
 *     "cloud": { "preset": "openrouter", "apiKeyEnv": "OPENROUTER_API_KEY" }
 *   },
 *   "upstream": "local",
 *   "routes": {
 *     "coder": [{ "upstream": "local", "model": "qwen3-coder:30b" }, { "upstream": "cloud", "model": "qwen/qwen3-coder" }]
 *   },
 *   "systemPrompt": "Answer in English.",
 *   "store": { "type": "redis", "urlEnv": "REDIS_URL" },
 *   "limits": { "maxBodyBytes": 20971520, "keepAliveMs": 15000, "shutdownTimeoutMs": 10000 }
 * }
 * ```
 */
export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

/** Where a JSON parse error happened, as `line L, column C`, from V8's "at position N" or "(line L column C)". */
function locate(text: string, message: string): string {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /position (\d+)/.exec(message);
  if (!position) return "";
  const offset = Number(position[1]);
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(root)" : path.map(String).join(".");
}

function formatIssue(issue: zodTypes.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys;
    const secret = keys.find((key) => /^(api_?key|key|token|password)$/i.test(key));
    const hint = secret
      ? ` (secrets never go in the file: put the value in an environment variable and name it with "${secret === "password" ? "urlEnv" : "apiKeyEnv"}")`
      : "";
    const where = issue.path.length === 0 ? "" : `${formatPath(issue.path)}: `;
    return `${where}unknown key${keys.length > 1 ? "s" : ""} ${keys.map((key) => `"${key}"`).join(", ")}${hint}`;
  }
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/**
 * Validates a parsed config value.
 *
 * @param value - The parsed JSON.
 * @param source - File name used in error messages.
 * @throws {CliError} exit code 2, one line naming each problem by its JSON path.
 */
export function parseBridgeConfig(value: unknown, source = "config"): BridgeConfig {
  const result = bridgeConfigSchema.safeParse(value, { error: english });
  if (result.success) return result.data;
  const problems = result.error.issues.map(formatIssue);
  throw new CliError(`invalid config file ${source}: ${problems.join("; ")}`, EXIT_CODES.usage);
}

/**
 * Reads and validates a config file: JSON (a UTF-8 BOM is tolerated), checked with {@link bridgeConfigSchema}.
 *
 * @throws {CliError} exit code 2 when the file cannot be read, is not JSON, or does not validate.
 */
export async function loadBridgeConfig(path: string): Promise<BridgeConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `cannot read config file ${path}${code === "ENOENT" ? ": no such file" : code ? ` (${code})` : ""}`,
      EXIT_CODES.usage,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const where = locate(text, (error as Error).message);
    throw new CliError(
      `config file ${path} is not valid JSON${where ? ` (${where})` : ""}: ${(error as Error).message}`,
      EXIT_CODES.usage,
    );
  }
  return parseBridgeConfig(value, path);
}
