import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { mountInspector } from "./mount-inspector.js";
import { parseCliArgs } from "./parse-cli-args.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** Serves the mount on loopback, pretending each request came from `remoteAddress`. */
async function serve(remote: boolean, remoteAddress?: string): Promise<string> {
  const mount = await mountInspector({ remote, secrets: [] });
  server = createServer((req, res) => {
    if (remoteAddress) Object.defineProperty(req.socket, "remoteAddress", { value: remoteAddress });
    if (!mount.handle(req, res)) {
      res.writeHead(404);
      res.end("bridge");
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("mountInspector", () => {
  it("serves the inspector to loopback clients and leaves other paths to the bridge", async () => {
    const origin = await serve(false);
    const page = await fetch(`${origin}/__inspector/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("responses-bridge inspector");
    expect(await (await fetch(`${origin}/v1/models`)).text()).toBe("bridge");
  });

  it("refuses clients on other machines unless remote access is on", async () => {
    const origin = await serve(false, "192.0.2.10");
    const refused = await fetch(`${origin}/__inspector/api/turns`);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("inspector_loopback_only");
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    const open = await serve(true, "192.0.2.10");
    expect((await fetch(`${open}/__inspector/api/turns`)).status).toBe(200);
  });
});

describe("--inspect flags", () => {
  it("are off unless given, and --inspect-remote needs --inspect", () => {
    const plain = parseCliArgs(["serve", "--upstream", "mock"]);
    expect(plain.command === "serve" && plain.flags.inspect).toBeFalsy();
    const on = parseCliArgs(["serve", "--upstream", "mock", "--inspect", "--inspect-remote"]);
    expect(on.command === "serve" && [on.flags.inspect, on.flags.inspectRemote]).toEqual([true, true]);
    const codex = parseCliArgs(["codex", "--upstream", "mock", "--inspect", "--exec"]);
    expect(codex.command === "codex" && codex.flags.inspect).toBe(true);
    expect(() => parseCliArgs(["codex", "--upstream", "mock", "--inspect-remote"])).toThrow(
      "--inspect-remote needs --inspect",
    );
  });
});
