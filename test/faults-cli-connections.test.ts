// The CLI's server under hostile connections, on loopback: connections that never send a byte are
// closed after --idle-timeout, --max-connections caps open connections, and requests keep working.

import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { readyURL, spawnCli, stopAllChildren } from "./e2e/support/cli-process.js";

const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await stopAllChildren();
});

/** Opens `count` connections that send nothing; counts those the server closed. */
async function idle(url: string, count: number) {
  const { hostname, port } = new URL(url);
  let closed = 0;
  const opened = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(Number(port), hostname, () => resolve(socket));
          socket.on("error", () => {});
          socket.on("data", () => {});
          socket.once("close", () => closed++);
          sockets.push(socket);
        }),
    ),
  );
  return { opened, closed: () => closed };
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("responses-bridge serve: connection timeouts and limits", { timeout: 60_000 }, () => {
  it("--idle-timeout closes 200 silent connections while requests are served", async () => {
    const bridge = spawnCli(["serve", "--upstream", "mock", "--port", "0", "--idle-timeout", "500"]);
    const url = await readyURL(bridge);
    const silent = await idle(url, 200);
    expect((await fetch(`${url}/models`)).status).toBe(200);
    await waitFor(() => silent.closed() === 200, 15_000);
    expect(silent.closed()).toBe(200);
    expect((await fetch(`${url}/models`)).status).toBe(200);
  });

  it("--max-connections closes connections past the limit as they arrive", async () => {
    const bridge = spawnCli(["serve", "--upstream", "mock", "--port", "0", "--max-connections", "20"]);
    const url = await readyURL(bridge);
    const silent = await idle(url, 30);
    await waitFor(() => silent.closed() >= 10, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The default idle timeout (15 s) has not passed: only the ten over the limit were closed.
    expect(silent.closed()).toBe(10);
  });
});
