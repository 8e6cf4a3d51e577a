// `--inspect`: off by default, loopback only (socket and Host), the client key required when one is
// configured (`?key=` once sets a cookie), the key never printed, and open pages never hold a shutdown.

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readyURL, runCliToEnd, spawnCli, stopAllChildren } from "./e2e/support/cli-process.js";

const CLIENT_KEY = "rb-client-key-for-the-inspector-0123456789";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rb-cli-inspect-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(stopAllChildren);

/** A GET with full control of the headers (fetch forbids setting Host). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (text: string) => {
        body += text;
        // A feed never ends: the first bytes are enough.
        if (response.headers["content-type"]?.includes("event-stream")) response.destroy();
      });
      const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      response.once("end", done);
      response.once("close", done);
    });
    request.once("error", reject);
    request.end();
  });
}

describe("responses-bridge serve --inspect", { timeout: 60_000 }, () => {
  it("is off by default: the path is the bridge's 404", async () => {
    const bridge = spawnCli(["serve", "--upstream", "mock", "--port", "0"]);
    const url = await readyURL(bridge);
    const origin = url.replace(/\/v1$/, "");
    const page = await get(`${origin}/__inspector/`);
    expect(page.status).toBe(404);
    expect(JSON.parse(page.body).error.code).toBe("not_found");
    expect(bridge.output.stdout).not.toContain("inspector");
    await bridge.stop();
  });

  it("needs the client key once (cookie), answers loopback hosts only, never prints the key", async () => {
    const config = join(dir, "bridge.json");
    await writeFile(
      config,
      JSON.stringify({ upstreams: { main: { preset: "mock" } }, auth: { apiKeyEnv: "RB_CLIENT_KEY" } }),
    );
    const bridge = spawnCli(["serve", "--config", config, "--port", "0", "--inspect"], {
      env: { RB_CLIENT_KEY: CLIENT_KEY },
    });
    const url = await readyURL(bridge);
    const [, pageURL] = (await bridge.waitForOutput(/inspector: (\S+)/)) as unknown as [string, string];
    expect(bridge.output.stdout).toContain(
      `inspector: ${pageURL} (loopback clients only; open it once as ${pageURL}?key=<the value of $RB_CLIENT_KEY> (it sets a cookie))`,
    );

    expect((await get(pageURL)).status).toBe(401);
    expect((await get(`${pageURL}api/turns`)).status).toBe(401);
    const opened = await get(`${pageURL}?key=${CLIENT_KEY}`);
    expect(opened.status).toBe(303);
    const cookie = String(opened.headers["set-cookie"]).split(";")[0]!;
    const page = await get(pageURL, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain("responses-bridge inspector");

    // A page on another origin resolving to 127.0.0.1 (DNS rebinding) sends its own Host: refused.
    const rebound = await get(pageURL, { cookie, host: "attacker.example:80" });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.code).toBe("inspector_loopback_only");

    // The bridge itself still needs the key, and the turn shows up redacted.
    const client = new OpenAI({ baseURL: url, apiKey: CLIENT_KEY, maxRetries: 0 });
    await client.responses.create({ model: "mock", input: "hello" });
    const list = JSON.parse(
      (await get(`${pageURL}api/turns`, { authorization: `Bearer ${CLIENT_KEY}` })).body,
    );
    expect(list.turns).toHaveLength(1);
    const turn = await get(`${pageURL}api/turns/${list.turns[0].id}`, { cookie });
    expect(JSON.parse(turn.body).headers.authorization).toBe("[redacted]");
    expect(turn.body).not.toContain(CLIENT_KEY);

    // An open live feed does not hold the shutdown: it is ended, and no in-flight wait is reported.
    const feed = await fetch(`${pageURL}api/feed`, { headers: { cookie } });
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain("event: snapshot");
    const exit = await bridge.stop("SIGTERM");
    expect(exit.code).toBe(0);
    let ended = false;
    for (let reads = 0; reads < 20 && !ended; reads++)
      ended = (await reader.read().catch(() => ({ done: true }))).done;
    expect(ended).toBe(true);
    expect(bridge.output.stdout).toContain("SIGTERM: stopping");
    expect(bridge.output.stdout).not.toContain("in-flight");
    expect(bridge.output.stdout + bridge.output.stderr).not.toContain(CLIENT_KEY);
  });

  it("rejects --inspect-remote without --inspect", async () => {
    const result = await runCliToEnd(["serve", "--upstream", "mock", "--inspect-remote"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--inspect-remote needs --inspect");
  });
});
