import { describe, expect, it } from "vitest";
import { createLogger, type LoggerOptions } from "./create-logger.js";
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

  it("stamps each request line with the time it was written, second by second", () => {
    const lines: string[] = [];
    const times = [
      "2026-11-26T09:30:05.100Z",
      "2026-11-26T09:30:05.900Z",
      "2026-11-26T09:30:06.000Z",
      "2026-11-26T23:59:59.999Z",
    ];
    let index = 0;
    const logger = createLogger({
      level: "info",
      json: false,
      write: (line) => lines.push(line),
      now: () => new Date(times[index++]!),
    });
    for (let i = 0; i < times.length; i++)
      logger.request({ method: "GET", path: "/v1/models", status: 200, latencyMs: 1 });
    expect(lines.map((line) => line.slice(0, 8))).toEqual(["09:30:05", "09:30:05", "09:30:06", "23:59:59"]);
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

  it("escapes control characters a client controls, so no line can be forged (text request log and messages)", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", json: false, write: (line) => lines.push(line), now });
    logger.request({
      method: "POST",
      path: "/v1/responses\r",
      status: 400,
      latencyMs: 1,
      model: "m\n09:30:05 POST /v1/admin 200 forged 1ms\u001b[2J",
      error: "Invalid value for 'x': 'a\nb'",
    });
    logger.debug("req_1 400 Invalid value: 'line\nforged'");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "09:30:05 POST /v1/responses\\r 400 m\\n09:30:05 POST /v1/admin 200 forged 1ms\\x1b[2J 1ms: Invalid value for 'x': 'a\\nb'",
    );
    expect(lines[1]).toBe("debug: req_1 400 Invalid value: 'line\\nforged'");
    for (const line of lines) expect([...line].some((char) => char.charCodeAt(0) < 0x20)).toBe(false);
  });

  it("scrubs a key cut to a prefix of 8+ characters from debug lines, text and JSON", () => {
    const key = "Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1";
    for (const json of [false, true]) {
      const lines: string[] = [];
      const logger = createLogger({
        level: "debug",
        json,
        write: (line) => lines.push(line),
        secrets: [new Secret(key)],
        now,
      });
      logger.debug(`req_1 401 Upstream error 401: ${"x".repeat(40)}${key.slice(0, 11)}`, { key });
      expect(lines.join("\n")).not.toContain(key.slice(0, 8));
      expect(lines.join("\n")).toContain("[redacted]");
    }
  });

  describe("batch (the serving CLI's request log)", () => {
    const entry = (path: string) => ({ method: "GET", path, status: 200, latencyMs: 1 });
    /** A batching logger and what it wrote, one string per `write`. */
    const batched = (options: Partial<LoggerOptions> = {}) => {
      const writes: string[] = [];
      const logger = createLogger({
        level: "info",
        json: false,
        write: (text) => writes.push(text),
        now,
        batch: true,
        ...options,
      });
      return { writes, logger };
    };

    it("writes the request lines of one event-loop turn in one write, on the next turn", async () => {
      const { writes, logger } = batched();
      logger.request(entry("/a"));
      logger.request(entry("/b"));
      logger.request(entry("/c"));
      expect(writes).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).toEqual([
        "09:30:05 GET /a 200 - 1ms\n09:30:05 GET /b 200 - 1ms\n09:30:05 GET /c 200 - 1ms",
      ]);
      logger.request(entry("/d"));
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).toEqual([writes[0], "09:30:05 GET /d 200 - 1ms"]);
    });

    it("keeps the order of lines: a message writes the pending request lines first", () => {
      const { writes, logger } = batched({ json: true });
      logger.request(entry("/a"));
      logger.warn("careful");
      logger.request(entry("/b"));
      expect(writes.flatMap((text) => text.split("\n")).map((line) => JSON.parse(line).msg)).toEqual([
        "request",
        "careful",
      ]);
      logger.notice("ready");
      expect(writes.flatMap((text) => text.split("\n")).map((line) => JSON.parse(line).path ?? line)).toEqual(
        ["/a", writes[1], "/b", writes[3]],
      );
    });

    it("writes at once when the pending lines pass 64 K characters", () => {
      const { writes, logger } = batched();
      const long = `/${"x".repeat(1000)}`;
      for (let index = 0; index < 70; index++) logger.request(entry(long));
      expect(writes).toHaveLength(1);
      expect(writes[0]!.split("\n")).toHaveLength(64);
    });

    it("scrubs the secrets of batched lines", async () => {
      const { writes, logger } = batched({ secrets: [new Secret("hunter2-very-secret")] });
      logger.request({ ...entry("/a"), error: "key hunter2-very-secret" });
      logger.request({ ...entry("/b"), error: "Bearer abcdefghijkl" });
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes.join("\n")).not.toContain("hunter2-very-secret");
      expect(writes.join("\n")).not.toContain("abcdefghijkl");
      expect(writes.join("\n").match(/\[redacted\]/g)).toHaveLength(2);
    });

    it("writes pending lines when the process exits, and stops listening for it once written", async () => {
      const before = process.listenerCount("exit");
      const { writes, logger } = batched();
      logger.request(entry("/a"));
      expect(process.listenerCount("exit")).toBe(before + 1);
      process.emit("exit", 0);
      expect(writes).toEqual(["09:30:05 GET /a 200 - 1ms"]);
      expect(process.listenerCount("exit")).toBe(before);
      await new Promise((resolve) => setImmediate(resolve));
      expect(writes).toHaveLength(1);
    });
  });
});
