// The CLI's server under hostile connections, on loopback: connections that never send a byte are
// closed after --idle-timeout, --max-connections caps open connections, and requests keep working.

import { afterEach, describe, expect, it } from "vitest";
import { readyURL, spawnCli, stopAllChildren } from "./e2e/support/cli-process.js";
import { type IdleSockets, openIdleSockets, waitUntil } from "./utils/idle-sockets.js";

const opened: IdleSockets[] = [];
afterEach(async () => {
  for (const idle of opened.splice(0)) idle.destroy();
  await stopAllChildren();
});

/** Opens `count` connections that send nothing (closed after the test). */
async function idle(url: string, count: number): Promise<IdleSockets> {
  const sockets = await openIdleSockets(url, count);
  opened.push(sockets);
  return sockets;
}

describe("responses-bridge serve: connection timeouts and limits", { timeout: 60_000 }, () => {
  it("--idle-timeout closes 200 silent connections while requests are served", async () => {
    const bridge = spawnCli(["serve", "--upstream", "mock", "--port", "0", "--idle-timeout", "500"]);
    const url = await readyURL(bridge);
    const silent = await idle(url, 200);
    expect((await fetch(`${url}/models`)).status).toBe(200);
    await waitUntil(() => silent.closed() === 200, 15_000);
    expect(silent.closed()).toBe(200);
    expect((await fetch(`${url}/models`)).status).toBe(200);
  });

  it("--max-connections closes connections past the limit as they arrive", async () => {
    const bridge = spawnCli(["serve", "--upstream", "mock", "--port", "0", "--max-connections", "20"]);
    const url = await readyURL(bridge);
    const silent = await idle(url, 30);
    await waitUntil(() => silent.closed() >= 10, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The default idle timeout (15 s) has not passed: only the ten over the limit were closed.
    expect(silent.closed()).toBe(10);
  });
});
