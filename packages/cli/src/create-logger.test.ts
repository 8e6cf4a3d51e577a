import { describe, expect, it } from "vitest";
import { createLogger } from "./create-logger.js";
import { Secret } from "./secret.js";

const now = () => new Date("2026-11-26T09:30:05.000Z");

describe("createLogger", () => {
  it("writes one text line per request: method, path, status, model, latency, tokens", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", json: false, write: (line) => lines.push(line), now });
    logger.request({
      method: "POST",
      path: "/v1/responses",
      status: 200,
      latencyMs: 1234.4,
      model: "qwen3:8b",
      outcome: "completed",
      inputTokens: 100,
      outputTokens: 20,
    });
    logger.request({
      method: "POST",
      path: "/v1/responses",
      status: 200,
      latencyMs: 5,
      model: "m",
      outcome: "failed",
      error: "Upstream error 500",
    });
    logger.request({ method: "GET", path: "/v1/models", status: 200, latencyMs: 1 });
    expect(lines).toEqual([
      "09:30:05 POST /v1/responses 200 qwen3:8b 1234ms tokens 100 in / 20 out",
      "09:30:05 POST /v1/responses 200 failed m 5ms: Upstream error 500",
      "09:30:05 GET /v1/models 200 - 1ms",
    ]);
  });

  it("writes JSON lines with --json-logs", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", json: true, write: (line) => lines.push(line), now });
    logger.request({
      method: "POST",
      path: "/v1/responses",
      status: 429,
      latencyMs: 3,
      model: "m",
      requestId: "req_1",
    });
    logger.warn("careful", { upstream: "cli" });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        time: "2026-11-26T09:30:05.000Z",
        level: "info",
        msg: "request",
        method: "POST",
        path: "/v1/responses",
        status: 429,
        latencyMs: 3,
        model: "m",
        requestId: "req_1",
      },
      { time: "2026-11-26T09:30:05.000Z", level: "warn", msg: "careful", upstream: "cli" },
    ]);
  });

  it("filters by level; notices show at every level but silent", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "warn", json: false, write: (line) => lines.push(line), now });
    logger.debug("d");
    logger.info("i");
    logger.request({ method: "GET", path: "/", status: 200, latencyMs: 0 });
    logger.warn("w");
    logger.error("e");
    logger.notice("ready");
    expect(lines).toEqual(["warning: w", "error: e", "ready"]);
    const silent: string[] = [];
    const quiet = createLogger({ level: "silent", json: false, write: (line) => silent.push(line) });
    quiet.error("e");
    quiet.notice("ready");
    expect(silent).toEqual([]);
  });

  it("scrubs secrets and bearer tokens from every line", () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: "debug",
      json: false,
      write: (line) => lines.push(line),
      secrets: [new Secret("hunter2-very-secret")],
    });
    logger.error("upstream said: bad key hunter2-very-secret (Authorization: Bearer abcdefghijkl)");
    logger.request({
      method: "POST",
      path: "/v1/responses",
      status: 401,
      latencyMs: 1,
      error: "key hunter2-very-secret",
    });
    expect(lines.join("\n")).not.toContain("hunter2-very-secret");
    expect(lines.join("\n")).not.toContain("abcdefghijkl");
    expect(lines[0]).toBe("error: upstream said: bad key [redacted] (Authorization: Bearer [redacted])");
  });
});
