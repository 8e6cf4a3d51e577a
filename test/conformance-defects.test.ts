// Every client-facing conformance case can fail: the kit runs against our handler with one defect
// injected at a time (the server's answers, or the request it gets, corrupted by a wrapper), and the
// case that checks that defect must fail with a message that says what a client loses.
import { parseSSE, runConformance } from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./utils/harness.js";

type Json = Record<string, unknown>;
type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/** Rewrites the server's SSE events (drop one by returning undefined) and JSON bodies. */
function corrupt(options: {
  event?: (event: Json) => Json | undefined;
  json?: (body: Json) => Json;
  request?: (body: Json) => Json;
}): Fetcher {
  return async (url, init) => {
    let body = init.body;
    if (options.request && typeof body === "string") {
      try {
        body = JSON.stringify(options.request(JSON.parse(body) as Json));
      } catch {
        // not JSON: sent as it is
      }
    }
    const response = await fetch(url, { ...init, body: body ?? null });
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && options.event) {
      let text = "";
      for (const message of parseSSE(await response.text())) {
        if (message.data === "[DONE]") continue;
        const event = options.event(JSON.parse(message.data) as Json);
        if (event) text += `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`;
      }
      return new Response(text, { status: response.status, headers: response.headers });
    }
    if (type.includes("application/json") && options.json) {
      const json = options.json((await response.json()) as Json);
      return new Response(JSON.stringify(json), { status: response.status, headers: response.headers });
    }
    return response;
  };
}

/** Renumbers `sequence_number` after events were dropped, so only the intended defect remains. */
function renumbered(drop: (event: Json) => boolean): (event: Json) => Json | undefined {
  let sequence = 0;
  return (event) => {
    if (event.type === "response.created") sequence = 0;
    if (drop(event)) return undefined;
    return { ...event, sequence_number: sequence++ };
  };
}

const DEFECTS: Array<{
  name: string;
  fetch: Fetcher;
  dialect?: "open-responses";
  fails: string;
  says: RegExp;
}> = [
  {
    name: "streamed usage is always 0",
    fetch: corrupt({
      event: (event) =>
        event.type === "response.completed"
          ? {
              ...event,
              response: {
                ...(event.response as Json),
                usage: {
                  input_tokens: 0,
                  input_tokens_details: { cached_tokens: 0 },
                  output_tokens: 0,
                  output_tokens_details: { reasoning_tokens: 0 },
                  total_tokens: 0,
                },
              },
            }
          : event,
    }),
    fails: "usage: streamed usage equals JSON usage",
    says: /streamed response\.completed usage is input_tokens 0, output_tokens 0, total_tokens 0 but the JSON usage is input_tokens 31/,
  },
  {
    name: "no function_call_arguments.done",
    fetch: corrupt({ event: renumbered((event) => event.type === "response.function_call_arguments.done") }),
    fails: "tools: function_call_arguments.done before output_item.done",
    says: /no response\.function_call_arguments\.done for the call: clients that run a tool on that event/,
  },
  {
    name: "custom tools dropped from the request",
    fetch: corrupt({
      request: (body) =>
        Array.isArray(body.tools)
          ? { ...body, tools: (body.tools as Json[]).filter((tool) => tool.type !== "custom") }
          : body,
    }),
    fails: "tools: custom tool round trip keeps the exact input",
    says: /the custom tool apply_patch was not offered upstream .*Codex cannot edit files/,
  },
  {
    name: "no reasoning summary events",
    fetch: corrupt({
      event: renumbered((event) => String(event.type).startsWith("response.reasoning_summary")),
    }),
    fails: "reasoning: items with summary and text events (openai)",
    says: /no response\.reasoning_summary_text\.delta events: the AI SDK and Codex show no reasoning/,
  },
  {
    name: "OpenAI reasoning event names where Open Responses is expected",
    fetch: (url, init) => fetch(url, init),
    dialect: "open-responses",
    fails: "reasoning: items with summary and text events (open-responses)",
    says: /the specification names it response\.reasoning\.delta/,
  },
  {
    name: "a broken upstream ends the stream cleanly",
    fetch: corrupt({ event: (event) => (event.type === "response.failed" ? undefined : event) }),
    fails: "faults: an upstream break mid-stream ends in response.failed",
    says: /instead of response\.failed: the client sees a broken connection/,
  },
  {
    name: "upstream call ids passed through",
    fetch: corrupt({
      json: (body) =>
        Array.isArray(body.output)
          ? {
              ...body,
              output: (body.output as Json[]).map((item) =>
                item.type === "function_call" ? { ...item, call_id: "call_0" } : item,
              ),
            }
          : body,
    }),
    fails: "tools: call ids unique across turns",
    says: /the second turn reused call_id "call_0" of the first turn: the OpenAI Agents SDK stops the run/,
  },
];

describe("each client case fails against a server with its defect", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness("node");
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("passes the client cases without a defect", async () => {
    const report = await runConformance({
      baseURL: harness.url,
      backend: harness.backend,
      only: DEFECTS.filter((defect) => !defect.dialect).map((defect) => defect.fails),
    });
    expect(report.cases.filter((entry) => !entry.ok)).toEqual([]);
    expect(report.cases).toHaveLength(6);
  });

  it.each(DEFECTS)("$name: fails $fails", async (defect) => {
    const report = await runConformance({
      baseURL: harness.url,
      backend: harness.backend,
      fetch: defect.fetch,
      only: [defect.fails],
      timeoutMs: 15_000,
      ...(defect.dialect ? { dialect: defect.dialect } : {}),
    });
    expect(report.cases.map((entry) => entry.name)).toEqual([defect.fails]);
    const [result] = report.cases;
    expect(result?.ok).toBe(false);
    expect(result?.error).toMatch(defect.says);
  });
});
