// Loopback connections that send nothing, for the tests of idle timeouts and connection limits
// (test/faults-network.test.ts on createNodeServer, test/faults-cli-connections.test.ts on the CLI).
import { connect, type Socket } from "node:net";

/** Open connections that never send a byte, and how many of them the server closed. */
export interface IdleSockets {
  readonly sockets: readonly Socket[];
  /** How many the server has closed so far. */
  closed(): number;
  /** Destroys every socket (for afterEach). */
  destroy(): void;
}

/** Opens `count` connections to the server at `url` that send nothing; resolves once all are open. */
export async function openIdleSockets(url: string, count: number): Promise<IdleSockets> {
  const { hostname, port } = new URL(url);
  let closed = 0;
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const socket = connect(Number(port), hostname, () => resolve(socket));
          socket.on("error", () => {});
          socket.on("data", () => {});
          socket.once("close", () => closed++);
        }),
    ),
  );
  return {
    sockets,
    closed: () => closed,
    destroy: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Polls `predicate` every 20 ms until it holds or `timeoutMs` passed (the caller asserts after). */
export async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}
