import { readFile } from "node:fs/promises";
import type { UpstreamCapabilities } from "@responses-bridge/core";
import * as z from "zod";
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

const envName = z.string().regex(ENV_NAME, { error: "must be an environment variable name (A-Z, 0-9, _)" });
const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();

const capabilitiesSchema = z
  .strictObject({
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
  })
  .partial();

/** True when `A` and `B` have the same keys. */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
// The file's `capabilities` are the core's `UpstreamCapabilities`, field for field: this line stops
// compiling when a capability is added to (or removed from) the core without the schema following.
const capabilitiesFollowCore: SameKeys<z.infer<typeof capabilitiesSchema>, UpstreamCapabilities> = true;
void capabilitiesFollowCore;

const upstreamSchema = z
  .strictObject({
    // The presets are the core's `backends` plus `mock` (see presets.ts): one list of backends.
    preset: z.enum(PRESET_NAMES).optional(),
    baseURL: z
      .string()
      .refine(isHttpURL, { error: "must be an http:// or https:// URL, e.g. http://127.0.0.1:11434/v1" })
      .optional(),
    apiKeyEnv: envName.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    capabilities: capabilitiesSchema.optional(),
  })
  .refine((upstream) => upstream.preset !== undefined || upstream.baseURL !== undefined, {
    error: 'needs a "preset" (e.g. "ollama") or a "baseURL"',
  });

const targetSchema = z.union([
  z.string().min(1),
  z.strictObject({ upstream: z.string().min(1), model: z.string().min(1).optional() }),
]);

const storeSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("memory"),
    maxEntries: positiveInt.optional(),
    maxBytes: positiveInt.optional(),
    ttlMs: nonNegativeInt.optional(),
  }),
  z
    .strictObject({
      type: z.literal("redis"),
      url: z.string().optional(),
      urlEnv: envName.optional(),
      keyPrefix: z.string().optional(),
      ttlMs: nonNegativeInt.optional(),
    })
    .refine((store) => store.url !== undefined || store.urlEnv !== undefined, {
      error: 'needs "url" or "urlEnv" (the name of a variable holding the Redis URL)',
    }),
]);

/** The zod schema of the config file; exported for tests and editors. */
export const bridgeConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    upstreams: z
      .record(
        z.string().regex(NAME, { error: "upstream names use letters, digits, '.', '_' and '-'" }),
        upstreamSchema,
      )
      .refine((record) => Object.keys(record).length > 0, { error: "declare at least one upstream" })
      .optional(),
    upstream: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    routes: z.record(z.string().min(1), z.union([targetSchema, z.array(targetSchema).min(1)])).optional(),
    systemPrompt: z.string().optional(),
    store: storeSchema.optional(),
    limits: z
      .strictObject({
        maxBodyBytes: positiveInt,
        keepAliveMs: nonNegativeInt,
        shutdownTimeoutMs: nonNegativeInt,
      })
      .partial()
      .optional(),
    auth: z.strictObject({ apiKeyEnv: envName }).optional(),
  })
  .superRefine((config, context) => {
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
        const path: (string | number)[] = Array.isArray(route) ? ["routes", model, index] : ["routes", model];
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
  });

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

function formatIssue(issue: z.core.$ZodIssue): string {
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
  const result = bridgeConfigSchema.safeParse(value);
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
