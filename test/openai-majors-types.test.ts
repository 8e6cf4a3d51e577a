// A consumer app on openai 6 or openai 7 (the peer range is ^6 || ^7): its `fromOpenAIClient(new OpenAI())`
// type-checks under strict TypeScript with `nodenext` and `bundler` resolution, and a `ResponseObject` is
// assignable to the SDK's `Response` wherever the two shapes agree. Each case is a fixture project laid
// out as npm would install it (core's published package.json and dist copied, so its `openai` imports
// resolve to the app's openai), compiled with the repo's tsc. Needs `pnpm build` (CI builds first).

import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
const require = createRequire(import.meta.url);
const tsc = join(realpathSync(join(root, "packages/core/node_modules/typescript")), "bin/tsc");
const coreDir = join(root, "packages/core");
const majors = {
  6: realpathSync(join(root, "test/node_modules/openai")),
  7: realpathSync(join(root, "test/node_modules/openai7")),
} as const;

/**
 * Keys of the SDK's `Response` whose types differ from the Open Responses shape the bridge emits (every
 * key present, null where unknown). Everything else must agree; a new disagreement fails the test.
 */
const DISAGREEING = [
  "output_text",
  "usage",
  "user",
  "max_tool_calls",
  "top_logprobs",
  "completed_at",
] as const;

const app = `
import OpenAI from "openai";
import type { Response } from "openai/resources/responses/responses";
import { createResponsesHandler, fromOpenAIClient, type ResponseObject } from "@responses-bridge/core";

const upstream = fromOpenAIClient(new OpenAI({ apiKey: "sk-test" }));
export const handler = createResponsesHandler({ upstream });
export const plain = fromOpenAIClient(new OpenAI());

type Disagreeing = ${DISAGREEING.map((key) => JSON.stringify(key)).join(" | ")};
export function asSdkResponse(response: ResponseObject): Pick<Response, Exclude<keyof Response, Disagreeing>> {
  return response;
}
`;

mkdirSync(join(root, ".tmp"), { recursive: true });
const tmp = mkdtempSync(join(root, ".tmp/openai-types-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fixture(major: 6 | 7, resolution: "nodenext" | "bundler"): string {
  const dir = join(tmp, `openai${major}-${resolution}`);
  const modules = join(dir, "node_modules");
  mkdirSync(join(modules, "@responses-bridge/core"), { recursive: true });
  symlinkSync(majors[major], join(modules, "openai"), "dir");
  // core as published: package.json and dist copied (a symlink would resolve openai from the repo).
  cpSync(join(coreDir, "package.json"), join(modules, "@responses-bridge/core/package.json"));
  cpSync(join(coreDir, "dist"), join(modules, "@responses-bridge/core/dist"), { recursive: true });
  for (const dependency of ["zod", "eventsource-parser"]) {
    symlinkSync(realpathSync(join(coreDir, "node_modules", dependency)), join(modules, dependency), "dir");
  }
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  writeFileSync(join(dir, "app.ts"), app);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        noEmit: true,
        target: "ES2022",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        types: [],
        module: resolution === "nodenext" ? "nodenext" : "esnext",
        moduleResolution: resolution,
        skipLibCheck: true,
      },
      files: ["app.ts"],
    }),
  );
  return dir;
}

describe.each([6, 7] as const)("an app on openai %i", (major) => {
  it("installs the version it names", () => {
    const version = require(join(majors[major], "package.json")).version as string;
    expect(version.split(".")[0]).toBe(String(major));
  });

  it.each(["nodenext", "bundler"] as const)(
    "type-checks fromOpenAIClient(new OpenAI()) and ResponseObject -> Response under strict %s",
    async (resolution) => {
      expect(existsSync(join(coreDir, "dist/index.d.ts")), "run `pnpm build` first").toBe(true);
      const dir = fixture(major, resolution);
      const result = await run(process.execPath, [tsc, "-p", dir], { cwd: dir }).then(
        () => "",
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      expect(result).toBe("");
    },
    60_000,
  );
});
