// The testkit's conformance suite (the one proxy authors run against their own server) against every
// adapter on a real socket, and against the Next.js route module called with real Request objects.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import {
  CONFORMANCE_CASE_DIALECTS,
  CONFORMANCE_CASES,
  createScriptedBackend,
  formatConformanceReport,
  runConformance,
} from "@responses-bridge/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { checkingFetch, type Harness, MOUNTS, mountBridge, startHarness } from "./utils/harness.js";

describe.each(MOUNTS)("conformance suite through the %s mount", (mount) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it("passes every case", async () => {
    harness = await startHarness(mount);
    const report = await runConformance({ baseURL: harness.url, backend: harness.backend });
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    expect(report.passed).toBeGreaterThanOrEqual(21);
    expect(report.skipped).toBe(0);
  });
});

describe.each(["openai", "open-responses"] as const)(
  "conformance suite in the %s dialect, every event and Response checked against the spec",
  (dialect) => {
    let harness: Harness | undefined;
    afterEach(async () => {
      await harness?.close();
    });

    it("passes every case of the dialect and every schema check", async () => {
      harness = await startHarness("node", { handler: { dialect } });
      const failures: string[] = [];
      const report = await runConformance({
        baseURL: harness.url,
        backend: harness.backend,
        dialect,
        fetch: checkingFetch(failures, dialect),
      });
      expect(report.failed, formatConformanceReport(report)).toBe(0);
      expect(report.cases.map((entry) => entry.name)).toEqual(
        CONFORMANCE_CASE_DIALECTS.filter((entry) => entry.dialects.includes(dialect)).map(
          (entry) => entry.name,
        ),
      );
      expect(failures).toEqual([]);
    });
  },
);

describe("conformance suite through the Next.js route module", () => {
  it("passes every case with in-process Request objects", async () => {
    const backend = createScriptedBackend();
    const upstream = await backend.listen();
    process.env.UPSTREAM_BASE_URL = upstream.url;
    try {
      type Route = Record<"GET" | "POST" | "DELETE", (request: Request) => Promise<Response>>;
      const route = (await import("../examples/nextjs-route/app/v1/[...path]/route.js")) as Route;
      const report = await runConformance({
        baseURL: "http://localhost:3000/v1",
        backend,
        fetch: (url, init) => route[(init.method ?? "GET") as keyof Route](new Request(url, init)),
      });
      expect(report.failed, formatConformanceReport(report)).toBe(0);
    } finally {
      delete process.env.UPSTREAM_BASE_URL;
      await upstream.close();
    }
  });
});

describe("the conformance suite catches a broken server", () => {
  it("reports a stream without output_item.added and an upstream that is never cancelled", async () => {
    const harness = await startHarness("node");
    try {
      // A proxy that drops output_item.added events and ignores client disconnects.
      const broken = async (url: string, init: RequestInit) => {
        const { signal: _ignored, ...rest } = init;
        const response = await fetch(url, rest);
        if (!response.headers.get("content-type")?.includes("text/event-stream")) return response;
        const text = (await response.text())
          .split("\n\n")
          .filter((frame) => !frame.includes("response.output_item.added"))
          .join("\n\n");
        return new Response(text, { status: response.status, headers: response.headers });
      };
      const report = await runConformance({
        baseURL: harness.url,
        backend: harness.backend,
        fetch: broken,
        timeoutMs: 3000,
      });
      const failed = report.cases.filter((entry) => !entry.ok).map((entry) => entry.name);
      expect(failed).toEqual([
        "text: stream",
        "tools: parallel calls (stream)",
        "incomplete: length finish",
        "disconnect: cancels the upstream",
        "usage: streamed usage equals JSON usage",
        "tools: function_call_arguments.done before output_item.done",
        "tools: custom tool round trip keeps the exact input",
        "reasoning: items with summary and text events (openai)",
        "background: stream resumes after starting_after",
      ]);
      const text = formatConformanceReport(report);
      expect(text).toMatch(/FAIL {2}text: stream \(\d+ ms\)\n {8}the event stream is not valid:/);
      expect(text).toContain("was never added (response.output_item.added)");
      expect(text).toMatch(/12 passed, 9 failed$/);
    } finally {
      await harness.close();
    }
  });
});

describe("the conformance suite skips what a server refuses", () => {
  it("skips the background and conversation cases, with the reason, against a server answering 400", async () => {
    const harness = await startHarness("node");
    try {
      // A server without background responses and conversations, as this bridge was before they existed.
      const refusing = async (url: string, init: RequestInit) => {
        const body = typeof init.body === "string" ? init.body : "";
        if (url.includes("/conversations") || body.includes('"background":true')) {
          const param = url.includes("/conversations") ? "conversation" : "background";
          return new Response(
            JSON.stringify({
              error: {
                message: `${param} is not supported`,
                type: "invalid_request_error",
                param,
                code: null,
              },
            }),
            { status: 400, headers: { "content-type": "application/json" } },
          );
        }
        return fetch(url, init);
      };
      const report = await runConformance({
        baseURL: harness.url,
        backend: harness.backend,
        fetch: refusing,
      });
      expect(report.failed, formatConformanceReport(report)).toBe(0);
      expect(report.skipped).toBe(4);
      const text = formatConformanceReport(report);
      expect(text).toContain(
        'skip  background: queued, then completed: the server answers 400 for background: "background is not supported"',
      );
      expect(text).toMatch(/17 passed, 0 failed, 4 skipped$/);
    } finally {
      await harness.close();
    }
  });
});

/** Runs the CLI from source (as the built bin would run) and resolves with its exit code and output. */
function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = fileURLToPath(new URL("../packages/testkit/src/cli.ts", import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@responses-bridge/source", "--import", "tsx", cli, ...args],
      { cwd: fileURLToPath(new URL(".", import.meta.url)) },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("responses-bridge-conformance (CLI)", () => {
  it("passes against a bridge pointed at its upstream port, and fails (exit 1) otherwise", async () => {
    const port = await freePort();
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: `http://127.0.0.1:${port}/v1` }),
    });
    const bridge = await mountBridge("node", handler);
    try {
      const passing = await runCli(["--base-url", bridge.url, "--upstream-port", String(port)]);
      expect(passing.stdout).toContain(`scripted upstream on http://127.0.0.1:${port}/v1`);
      expect(passing.stdout).toMatch(/21 passed, 0 failed/);
      expect(passing.code).toBe(0);
      const otherPort = await freePort();
      const failing = await runCli([
        "--base-url",
        bridge.url,
        "--upstream-port",
        String(otherPort),
        "--json",
        "--only",
        "text: JSON",
      ]);
      expect(failing.code).toBe(1);
      expect(JSON.parse(failing.stdout)).toMatchObject({
        passed: 0,
        failed: 1,
        cases: [{ name: "text: JSON", ok: false }],
      });
    } finally {
      await bridge.close();
    }
  }, 60_000);

  it("lists the cases, and exits 2 on a usage error", async () => {
    const listed = await runCli(["--list"]);
    expect(listed.stdout.trim().split("\n")).toEqual([...CONFORMANCE_CASES]);
    const usage = await runCli(["--nope"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("Usage: responses-bridge-conformance");
  }, 30_000);
});

const BUILT_CLI = fileURLToPath(new URL("../packages/testkit/dist/cli.js", import.meta.url));

describe("responses-bridge-conformance (built bin)", () => {
  // CI builds before testing; a plain `pnpm test` on a fresh clone has no dist/ and skips this.
  it.skipIf(!existsSync(BUILT_CLI))("runs from dist/ with its shebang", async () => {
    const listed = await new Promise<string>((resolve, reject) => {
      execFile(BUILT_CLI, ["--list"], (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
    expect(listed.trim().split("\n")).toEqual([...CONFORMANCE_CASES]);
  });
});
