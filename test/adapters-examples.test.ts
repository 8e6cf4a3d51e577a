// Smoke run of every server example: start it as its README says (tsx, sources), send one request,
// stop it.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A port that was free a moment ago (the example binds it itself). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `examples/<name>/src/server.ts` and resolves once it printed its URL. */
function startExample(
  name: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const cwd = fileURLToPath(new URL(`../examples/${name}/`, import.meta.url));
  const child = spawn(
    process.execPath,
    ["--conditions=@responses-bridge/source", "--import", "tsx", "src/server.ts"],
    { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Responses API on (http:\/\/\S+\/v1)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => reject(new Error(`examples/${name} exited with ${code}:\n${output}`)));
  });
}

describe.each(["express", "fastify", "hono", "node-http"])("examples/%s", (name) => {
  const backend = createScriptedBackend();
  let upstream: ScriptedServer;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    upstream = await backend.listen();
  });
  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill();
      await exited;
    }
    await upstream.close();
  });

  it("starts, answers one request, stops", async () => {
    const port = await freePort();
    const started = await startExample(name, { PORT: String(port), UPSTREAM_BASE_URL: upstream.url });
    child = started.child;
    expect(started.url).toBe(`http://127.0.0.1:${port}/v1`);
    backend.enqueue({ text: `hello from ${name}` });
    const response = await fetch(`${started.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi" }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { output: Array<{ content: Array<{ text: string }> }> };
    expect(body.output[0]?.content[0]?.text).toBe(`hello from ${name}`);
  });
});

describe.each(["express", "fastify", "node"])("packages/%s/README.md", (name) => {
  it("shows the example file, line for line", () => {
    const example = name === "node" ? "node-http" : name;
    const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
    const readme = read(`packages/${name}/README.md`);
    const snippet = /```ts\n\/\/ copy of examples\/[^\n]*\n([\s\S]*?)```/.exec(readme)?.[1];
    const source = read(`examples/${example}/src/server.ts`).split("\n").slice(1).join("\n");
    expect(snippet).toBe(source);
  });
});
