import type { ObservedRequest, RequestObserver } from "@responses-bridge/core";
import { describe, expect, it } from "vitest";
import { createInspector, type InspectorOptions } from "./create-inspector.js";

const BASE = "http://127.0.0.1:8080";

function request(overrides: Partial<ObservedRequest> = {}): ObservedRequest {
  return {
    requestId: "req_1",
    method: "POST",
    path: "/v1/responses",
    route: "responses",
    headers: new Headers({
      authorization: "Bearer sk-client-abcdefghijkl",
      "content-type": "application/json",
    }),
    startedAt: Date.now(),
    ...overrides,
  };
}

const chunk = (content: string) =>
  ({
    id: "c",
    object: "chat.completion.chunk",
    created: 0,
    model: "m",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  }) as any;
const event = (type: string, extra: Record<string, unknown> = {}) =>
  ({ type, sequence_number: 0, ...extra }) as any;
const response = (id: string, extra: Record<string, unknown> = {}) =>
  ({
    id,
    status: "completed",
    output: [],
    usage: { input_tokens: 3, output_tokens: 2 },
    error: null,
    ...extra,
  }) as any;

/** Runs one streamed turn through the observer, as the core would. */
function runTurn(
  watcher: RequestObserver,
  options: { chunks?: number; previous?: string; responseId?: string; text?: string } = {},
) {
  watcher.parsed?.({
    model: "gpt-test",
    input: options.text ?? "hi",
    stream: true,
    ...(options.previous ? { previous_response_id: options.previous } : {}),
  } as any);
  watcher.upstreamRequest?.({
    model: "local-model",
    attempt: 1,
    params: { model: "local-model", messages: [{ role: "user", content: "hi" }], stream: true } as any,
  });
  watcher.upstreamResponse?.({ ok: true });
  watcher.event?.(event("response.created"));
  for (let index = 0; index < (options.chunks ?? 2); index++) {
    watcher.upstreamChunk?.(chunk(`t${index}`));
    watcher.event?.(event("response.output_text.delta", { delta: `t${index}` }));
  }
  watcher.keepAlive?.();
  const final = response(options.responseId ?? "resp_1", {
    output: [
      {
        type: "function_call",
        name: "exec_command",
        arguments: '{"cmd":"ls"}',
        call_id: "call_1",
        id: "fc_1",
        status: "completed",
      },
    ],
  });
  watcher.event?.(event("response.completed", { response: final }));
  watcher.end({ status: 200, response: final, endedAt: Date.now() });
}

function inspector(options: InspectorOptions = {}) {
  return createInspector(options);
}

describe("createInspector: capture", () => {
  it("captures a turn: summary, redacted headers, timeline in order, tool calls, export", () => {
    const subject = inspector();
    const watcher = subject.observer.request(request())!;
    runTurn(watcher, { chunks: 3 });
    const [summary] = subject.turns();
    expect(summary).toMatchObject({
      requestId: "req_1",
      live: false,
      model: "gpt-test",
      upstreamModel: "local-model",
      status: 200,
      outcome: "completed",
      stream: true,
      inputTokens: 3,
      outputTokens: 2,
      toolCalls: [{ name: "exec_command", arguments: '{"cmd":"ls"}' }],
      responseId: "resp_1",
      truncated: false,
    });
    expect(summary!.timeToFirstTokenMs).not.toBeNull();
    expect(summary!.durationMs).not.toBeNull();
    const turn = subject.exportTurn(summary!.id)!;
    expect(turn.format).toBe("responses-bridge.inspector.turn/1");
    expect(turn.headers.authorization).toBe("[redacted]");
    expect(turn.timeline.map((entry) => entry.kind)).toEqual([
      "upstream-request",
      "upstream-response",
      "event",
      "chunk",
      "event",
      "chunk",
      "event",
      "chunk",
      "event",
      "keep-alive",
      "event",
    ]);
    expect(turn.upstreamRequests).toHaveLength(1);
    expect(turn.translation[0]?.text).toContain("1 input item");
    expect(JSON.stringify(turn)).not.toContain("sk-client-abcdefghijkl");
  });

  it("ignores what it is not asked to capture (GET /models by default)", () => {
    const subject = inspector();
    expect(
      subject.observer.request(request({ method: "GET", path: "/v1/models", route: "models" })),
    ).toBeUndefined();
    expect(subject.turns()).toEqual([]);
  });

  it("keeps at most maxTurns, newest first", () => {
    const subject = inspector({ maxTurns: 2 });
    for (let index = 1; index <= 4; index++) {
      runTurn(subject.observer.request(request({ requestId: `req_${index}` }))!, {
        responseId: `resp_${index}`,
      });
    }
    expect(subject.turns().map((turn) => turn.requestId)).toEqual(["req_4", "req_3"]);
  });

  it("stays within maxBytes by dropping the oldest turns", () => {
    const subject = inspector({ maxBytes: 64 * 1024, maxTurnBytes: 32 * 1024 });
    const big = "x".repeat(10_000);
    for (let index = 1; index <= 20; index++) {
      runTurn(subject.observer.request(request({ requestId: `req_${index}` }))!, {
        text: big,
        responseId: `resp_${index}`,
      });
    }
    const kept = subject.turns();
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.length).toBeLessThan(20);
    expect(kept[0]!.requestId).toBe("req_20");
    const bytes = kept.reduce((sum, turn) => sum + JSON.stringify(subject.exportTurn(turn.id)).length, 0);
    // What is kept is bounded (the export adds summaries and notes around the counted payloads).
    expect(bytes).toBeLessThan(64 * 1024 + kept.length * 4096);
  });

  it("caps one turn's timeline and payload bytes and says so", () => {
    const subject = inspector({ maxTimelineEntries: 10, maxTurnBytes: 16 * 1024 });
    const watcher = subject.observer.request(request())!;
    runTurn(watcher, { chunks: 50 });
    const [summary] = subject.turns();
    expect(summary!.truncated).toBe(true);
    const turn = subject.exportTurn(summary!.id)!;
    expect(turn.timeline).toHaveLength(10);
    expect(turn.truncated.entries).toBeGreaterThan(90);
    // The summary is still complete.
    expect(summary!.status).toBe(200);
    expect(summary!.toolCalls).toHaveLength(1);
  });

  it("marks a request larger than the per-turn bound as not captured", () => {
    const subject = inspector({ maxTurnBytes: 4096 });
    runTurn(subject.observer.request(request())!, { text: "y".repeat(10_000) });
    const turn = subject.exportTurn(subject.turns()[0]!.id)!;
    expect(turn.request).toBeNull();
    expect(turn.truncated.request).toBe(true);
  });

  it("links the previous_response_id chain to the captured turns", () => {
    const subject = inspector();
    runTurn(subject.observer.request(request({ requestId: "req_a" }))!, { responseId: "resp_a" });
    runTurn(subject.observer.request(request({ requestId: "req_b" }))!, {
      responseId: "resp_b",
      previous: "resp_a",
    });
    runTurn(subject.observer.request(request({ requestId: "req_c" }))!, {
      responseId: "resp_c",
      previous: "resp_b",
    });
    const [c, b, a] = subject.turns();
    expect(subject.exportTurn(c!.id)!.chain).toEqual([
      { responseId: "resp_b", turnId: b!.id },
      { responseId: "resp_a", turnId: a!.id },
    ]);
  });
});

describe("createInspector: fetch", () => {
  it("serves the page with a nonce CSP, the list, a turn, its export, and 404/405 elsewhere", async () => {
    const subject = inspector();
    runTurn(subject.observer.request(request())!);
    const page = await subject.fetch(new Request(`${BASE}/__inspector/`));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    const csp = page.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    const html = await page.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('role="listbox"');
    expect((await subject.fetch(new Request(`${BASE}/__inspector`))).status).toBe(308);
    const list = await (await subject.fetch(new Request(`${BASE}/__inspector/api/turns`))).json();
    expect(list.turns).toHaveLength(1);
    const id = list.turns[0].id;
    const exported = await subject.fetch(new Request(`${BASE}/__inspector/api/turns/${id}/export`));
    expect(exported.headers.get("content-disposition")).toBe(`attachment; filename="${id}.json"`);
    expect((await exported.json()).summary.id).toBe(id);
    expect((await subject.fetch(new Request(`${BASE}/__inspector/api/turns/turn_999`))).status).toBe(404);
    expect(
      (await subject.fetch(new Request(`${BASE}/__inspector/api/turns`, { method: "POST" }))).status,
    ).toBe(405);
    expect((await subject.fetch(new Request(`${BASE}/v1/responses`))).status).toBe(404);
    expect(subject.handles("/__inspector/api/feed")).toBe(true);
    expect(subject.handles("/v1/responses")).toBe(false);
  });

  it("with an access key: 401 without it, ?key= once sets a session cookie, bearer works", async () => {
    const subject = inspector({ accessKey: "client-key-1234" });
    const denied = await subject.fetch(new Request(`${BASE}/__inspector/`));
    expect(denied.status).toBe(401);
    expect(await denied.text()).toContain("?key=");
    expect((await subject.fetch(new Request(`${BASE}/__inspector/api/turns`))).status).toBe(401);
    expect((await subject.fetch(new Request(`${BASE}/__inspector/?key=wrong`))).status).toBe(401);

    const opened = await subject.fetch(new Request(`${BASE}/__inspector/?key=client-key-1234`));
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe("/__inspector/");
    const cookie = opened.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^rb_inspector=[0-9a-f]{64}; Path=\/__inspector\/; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toContain("client-key-1234");
    const session = cookie.split(";")[0]!;
    expect(
      (await subject.fetch(new Request(`${BASE}/__inspector/api/turns`, { headers: { cookie: session } })))
        .status,
    ).toBe(200);
    expect(
      (
        await subject.fetch(
          new Request(`${BASE}/__inspector/api/turns`, { headers: { cookie: "rb_inspector=00" } }),
        )
      ).status,
    ).toBe(401);
    const bearer = await subject.fetch(
      new Request(`${BASE}/__inspector/api/turns`, { headers: { authorization: "Bearer client-key-1234" } }),
    );
    expect(bearer.status).toBe(200);
  });

  it("streams a snapshot, then each turn as it changes, over SSE", async () => {
    const subject = inspector();
    const controller = new AbortController();
    const feed = await subject.fetch(
      new Request(`${BASE}/__inspector/api/feed`, { signal: controller.signal }),
    );
    expect(feed.headers.get("content-type")).toContain("text/event-stream");
    const reader = feed.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (pattern: RegExp) => {
      for (let reads = 0; reads < 50 && !pattern.test(text); reads++)
        text += (await reader.read()).value ?? "";
      return pattern.test(text);
    };
    expect(await until(/event: snapshot\ndata: \{"turns":\[\]\}/)).toBe(true);
    runTurn(subject.observer.request(request())!);
    expect(await until(/"live":false/)).toBe(true);
    expect(text).toMatch(/event: turn\ndata: \{"id":"turn_1".*"live":true/);
    controller.abort();
    subject.close();
    await reader.cancel().catch(() => {});
  });
});
