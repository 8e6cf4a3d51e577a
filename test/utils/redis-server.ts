// Starts a real `redis-server` (Debian package `redis-server`, found on PATH) on a free loopback port for
// one test file, without persistence, and stops it by its own pid. `.ci/run` installs the package when
// it is missing; outside CI the Redis tests are skipped, loudly, when it is not installed.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** True when running under CI (`CI` set to anything but "", "0" or "false"). */
export const IN_CI = !!process.env.CI && process.env.CI !== "0" && process.env.CI.toLowerCase() !== "false";

/** Absolute path of `redis-server` on PATH (or in /usr/bin, /usr/sbin, /usr/local/bin), or undefined. */
export function findRedisServer(): string | undefined {
  const directories = [
    ...(process.env.PATH ?? "").split(delimiter),
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
  ];
  for (const directory of directories) {
    if (!directory) continue;
    const candidate = join(directory, "redis-server");
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The `redis-server` binary for a Redis test file. Missing under CI: throws (the suite must fail, not
 * pass by skipping). Missing elsewhere: prints a loud warning and returns undefined, so the caller skips.
 */
export function redisServerForTests(file: string): string | undefined {
  const binary = findRedisServer();
  if (binary) return binary;
  const message =
    "redis-server is not installed (apt-get install -y redis-server); the Redis tests cannot run.";
  if (IN_CI) throw new Error(`${file}: ${message} Under CI this is a failure, not a skip.`);
  console.warn(
    `\n${"!".repeat(100)}\n!!! SKIPPING ${file}: ${message}\n!!! CI installs it through .ci/run and runs these tests.\n${"!".repeat(100)}\n`,
  );
  return undefined;
}

/** A free TCP port on 127.0.0.1, found by binding port 0 and releasing it (redis-server has no `--port 0`). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Sends one inline command over a fresh socket and resolves with the raw reply (or rejects). */
export function redisCommand(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${command} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk: string) => {
      reply += chunk;
      if (reply.endsWith("\r\n")) {
        clearTimeout(timer);
        socket.end();
        resolve(reply);
      }
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** A running `redis-server` owned by one test file. */
export interface RedisServer {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Pid of the current process (changes after `restart`). */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, then SIGKILL after 3 s) and waits for the exit. Data is lost (no persistence). */
  stop(): Promise<void>;
  /** Stops it for good and removes its scratch directory. */
  close(): Promise<void>;
  /** Starts it again on the same port after `stop`. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, like a hung server. */
  freeze(): void;
  /** Resumes a frozen process (SIGCONT). */
  thaw(): void;
}

async function waitForPong(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `redis-server exited during startup (${child.exitCode ?? child.signalCode}):\n${log()}`,
      );
    }
    try {
      if ((await redisCommand(port, "PING", 500)).startsWith("+PONG")) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within 10 s:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Starts `redis-server` on a free loopback port with `--save "" --appendonly no` (nothing written to
 * disk but a scratch directory, removed on stop), and waits until it answers PING.
 */
export async function startRedisServer(binary: string, extraArgs: string[] = []): Promise<RedisServer> {
  const directory = mkdtempSync(join(tmpdir(), "rb-redis-"));
  let child: ChildProcess | undefined;
  let port = 0;
  let output = "";

  async function launch(onPort: number): Promise<void> {
    output = "";
    const spawned = spawn(
      binary,
      [
        "--port",
        String(onPort),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        directory,
        "--daemonize",
        "no",
        ...extraArgs,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    spawned.stdout?.on("data", keep);
    spawned.stderr?.on("data", keep);
    spawned.once("error", (error) => {
      output += `\nspawn error: ${String(error)}`;
    });
    child = spawned;
    await waitForPong(onPort, spawned, () => output);
  }

  function exited(process: ChildProcess) {
    return process.exitCode !== null || process.signalCode !== null;
  }

  async function stopProcess(): Promise<void> {
    const current = child;
    child = undefined;
    if (!current || exited(current)) return;
    const done = new Promise<void>((resolve) => current.once("exit", () => resolve()));
    current.kill("SIGCONT");
    current.kill("SIGTERM");
    const timer = setTimeout(() => current.kill("SIGKILL"), 3000);
    await done;
    clearTimeout(timer);
  }

  // The free port can be taken between probing and binding: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch(port);
      break;
    } catch (error) {
      await stopProcess();
      if (attempt >= 3) {
        rmSync(directory, { recursive: true, force: true });
        throw error;
      }
    }
  }

  return {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get pid() {
      return child?.pid;
    },
    async stop() {
      await stopProcess();
    },
    async close() {
      await stopProcess();
      rmSync(directory, { recursive: true, force: true });
    },
    async restart() {
      await stopProcess();
      await launch(port);
    },
    freeze() {
      child?.kill("SIGSTOP");
    },
    thaw() {
      child?.kill("SIGCONT");
    },
  };
}

/** A Redis Cluster of `redis-server` processes owned by one test file: every node a primary, no replicas. */
export interface RedisCluster {
  /** Its nodes, in slot order: node 0 serves the lowest slots. */
  readonly nodes: readonly RedisServer[];
  /** `{ host, port }` of every node, for `new Cluster(startupNodes)`. */
  readonly startupNodes: Array<{ host: string; port: number }>;
  /** Waits until every node reports `cluster_state:ok` (after a node was stopped and restarted). */
  waitUntilHealthy(): Promise<void>;
  /** Stops every node and removes their scratch directories. */
  close(): Promise<void>;
}

/** `CLUSTER INFO` of one node as `field -> value`, or an empty map when it does not answer in full. */
async function clusterInfo(port: number): Promise<Map<string, string>> {
  const info = new Map<string, string>();
  try {
    const reply = await redisCommand(port, "CLUSTER INFO", 500);
    for (const line of reply.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon > 0) info.set(line.slice(0, colon), line.slice(colon + 1));
    }
  } catch {
    // Not answering (stopped, restarting): not healthy.
  }
  return info;
}

/**
 * Starts a Redis Cluster of `size` primaries (default 3) on free loopback ports (client and cluster-bus
 * ports both chosen free, `--cluster-port`, Redis 7), splits the 16,384 hash slots between them in order,
 * joins them with `CLUSTER MEET`, and waits until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(binary: string, size = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const close = async () => {
    for (const node of nodes) await node.close();
  };
  const waitUntilHealthy = async () => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const infos = await Promise.all(nodes.map((node) => clusterInfo(node.port)));
      const healthy = infos.every(
        (info) =>
          info.get("cluster_state") === "ok" &&
          info.get("cluster_slots_ok") === "16384" &&
          info.get("cluster_known_nodes") === String(size),
      );
      if (healthy) return;
      if (Date.now() > deadline) {
        throw new Error(
          `the Redis Cluster did not become healthy in 20 s: ${JSON.stringify(infos.map(Object.fromEntries))}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    const busPorts: number[] = [];
    for (let index = 0; index < size; index++) {
      const busPort = await freePort();
      busPorts.push(busPort);
      nodes.push(
        await startRedisServer(binary, [
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          "nodes.conf",
          "--cluster-port",
          String(busPort),
          "--cluster-node-timeout",
          "2000",
        ]),
      );
    }
    const slotsPerNode = Math.ceil(16384 / size);
    for (let index = 0; index < size; index++) {
      const first = index * slotsPerNode;
      const last = Math.min(16383, first + slotsPerNode - 1);
      const reply = await redisCommand(nodes[index]!.port, `CLUSTER ADDSLOTSRANGE ${first} ${last}`);
      if (!reply.startsWith("+OK")) throw new Error(`CLUSTER ADDSLOTSRANGE failed: ${reply}`);
    }
    for (let index = 1; index < size; index++) {
      const reply = await redisCommand(
        nodes[0]!.port,
        `CLUSTER MEET 127.0.0.1 ${nodes[index]!.port} ${busPorts[index]}`,
      );
      if (!reply.startsWith("+OK")) throw new Error(`CLUSTER MEET failed: ${reply}`);
    }
    await waitUntilHealthy();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    nodes,
    startupNodes: nodes.map((node) => ({ host: "127.0.0.1", port: node.port })),
    waitUntilHealthy,
    close,
  };
}
