// @responses-bridge/otel with the real OpenTelemetry SDK (in-memory exporter and reader) and the real
// openai SDK as client: one server span per request following the GenAI conventions, a child span per
// upstream call whose context reaches the upstream as traceparent, and the metrics.

import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { AggregationTemporality, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { openTelemetryObserver } from "@responses-bridge/otel";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "./utils/harness.js";

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

function setup() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const observer = openTelemetryObserver({
    tracer: tracerProvider.getTracer("test"),
    meter: meterProvider.getMeter("test"),
  });
  async function metric(name: string) {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const found of scope.metrics) if (found.descriptor.name === name) return found;
    return undefined;
  }
  return { exporter, observer, metric };
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const INCOMING_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("openTelemetryObserver", () => {
  it("traces a streamed turn with GenAI attributes, a child upstream span and traceparent to the upstream", async () => {
    const { exporter, observer, metric } = setup();
    harness = await startHarness("node", { handler: { observer } });
    harness.backend.enqueue({ text: "Hello there", usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const stream = await harness.client.responses.create(
      { model: "m1", input: "hi", stream: true },
      { headers: { traceparent: `00-${INCOMING_TRACE}-00f067aa0ba902b7-01` } },
    );
    for await (const _event of stream) {
      // drain
    }
    await eventually(() => exporter.getFinishedSpans().length === 2);
    const spans = exporter.getFinishedSpans();
    const server = spans.find((span) => span.kind === SpanKind.SERVER)!;
    const client = spans.find((span) => span.kind === SpanKind.CLIENT)!;
    expect(server.name).toBe("chat m1");
    expect(server.spanContext().traceId).toBe(INCOMING_TRACE);
    expect(server.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(server.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "m1",
      "gen_ai.response.model": "m1",
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 3,
      "gen_ai.response.finish_reasons": ["stop"],
      "http.response.status_code": 200,
    });
    expect(server.attributes["gen_ai.server.time_to_first_token"]).toBeGreaterThanOrEqual(0);
    expect(client.name).toBe("chat m1");
    expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    const sent = harness.backend.requests[0]!.headers.traceparent;
    expect(sent).toBe(`00-${INCOMING_TRACE}-${client.spanContext().spanId}-01`);

    const requests = await metric("responses_bridge.requests");
    expect(requests?.dataPoints).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: { "bridge.route": "responses", "http.response.status_code": 200 },
      }),
    ]);
    const duration = await metric("gen_ai.server.request.duration");
    expect((duration!.dataPoints[0]!.value as { count: number }).count).toBe(1);
    const ttft = await metric("gen_ai.server.time_to_first_token");
    expect((ttft!.dataPoints[0]!.value as { count: number }).count).toBe(1);
    const tokens = await metric("gen_ai.client.token.usage");
    const byType = Object.fromEntries(
      (tokens?.dataPoints ?? []).map((point) => [
        point.attributes["gen_ai.token.type"],
        (point.value as { sum: number }).sum,
      ]),
    );
    expect(byType).toEqual({ input: 12, output: 3 });
    const active = await metric("responses_bridge.active_streams");
    expect(active?.dataPoints[0]?.value).toBe(0);
  });

  it("marks an upstream failure on both spans and counts it", async () => {
    const { exporter, observer, metric } = setup();
    harness = await startHarness("node", { handler: { observer, logger: false } });
    harness.backend.enqueue({ error: { status: 503 } });
    await expect(harness.client.responses.create({ model: "m1", input: "hi" })).rejects.toMatchObject({
      status: 503,
    });
    await eventually(() => exporter.getFinishedSpans().length === 2);
    const spans = exporter.getFinishedSpans();
    for (const span of spans) expect(span.status.code).toBe(SpanStatusCode.ERROR);
    const server = spans.find((span) => span.kind === SpanKind.SERVER)!;
    expect(server.attributes["http.response.status_code"]).toBe(503);
    const errors = await metric("responses_bridge.upstream.errors");
    expect(errors?.dataPoints).toEqual([
      expect.objectContaining({ value: 1, attributes: { "error.type": "upstream_error" } }),
    ]);
  });
});
