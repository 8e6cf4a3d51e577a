import {
  type Attributes,
  type Context,
  context as contextApi,
  type Meter,
  metrics as metricsApi,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type {
  BridgeObserver,
  ObservedRequest,
  RequestObserver,
  ResponseObject,
} from "@responses-bridge/core";

/** Options of {@link openTelemetryObserver}. */
export interface OpenTelemetryObserverOptions {
  /** Where spans go. Default: `trace.getTracer("@responses-bridge/otel")` from the global provider. */
  tracer?: Tracer;
  /** Where metrics go. Default: `metrics.getMeter("@responses-bridge/otel")` from the global provider. */
  meter?: Meter;
  /** Clock in epoch milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

const NAME = "@responses-bridge/otel";

const headersGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The parent context of an incoming request: its propagated one, or its W3C `traceparent` read by hand. */
function parentOf(headers: Headers): Context {
  const extracted = propagation.extract(ROOT_CONTEXT, headers, headersGetter);
  if (trace.getSpanContext(extracted)) return extracted;
  const match = TRACEPARENT.exec(headers.get("traceparent") ?? "");
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: Number.parseInt(match[3]!, 16),
    isRemote: true,
  });
}

/** Headers carrying `span`'s context: the registered propagators', else a W3C `traceparent`. */
function headersFor(span: Span): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(contextApi.active(), span), headers);
  if (headers.traceparent === undefined) {
    const { traceId, spanId, traceFlags } = span.spanContext();
    if (trace.isSpanContextValid(span.spanContext()))
      headers.traceparent = `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, "0")}`;
  }
  return headers;
}

/** The GenAI `finish_reasons` of a final Response. */
function finishReasons(response: ResponseObject): string[] {
  if (response.status === "failed") return ["error"];
  if (response.status === "incomplete") {
    const reason = response.incomplete_details?.reason;
    return [reason === "max_output_tokens" ? "length" : (reason ?? "incomplete")];
  }
  const called = response.output.some((item) => item.type.endsWith("_call"));
  return [called ? "tool_calls" : "stop"];
}

/**
 * A {@link BridgeObserver} that traces and measures every request through `@opentelemetry/api`, following
 * the OpenTelemetry GenAI semantic conventions:
 *
 * - one SERVER span per request (`chat {model}` for `POST /v1/responses`, else `{METHOD} {route}`), a child
 *   of the caller's `traceparent`, with `gen_ai.operation.name`, `gen_ai.request.model`,
 *   `gen_ai.response.model`, `gen_ai.response.id`, `gen_ai.usage.input_tokens`/`output_tokens`,
 *   `gen_ai.response.finish_reasons`, `gen_ai.server.time_to_first_token` (seconds) and
 *   `http.response.status_code`; errors set the span status;
 * - one CLIENT span per upstream call (each fallback attempt too), whose context reaches the upstream as
 *   `traceparent` (through the registered propagators, or written by hand when none is);
 * - metrics: `gen_ai.server.request.duration` and `gen_ai.server.time_to_first_token` histograms (s),
 *   `gen_ai.client.token.usage` (by `gen_ai.token.type`), `responses_bridge.requests` (by route and
 *   status), `responses_bridge.upstream.errors` (by `error.type`) and `responses_bridge.active_streams`.
 *
 * With no OpenTelemetry SDK registered every call is a no-op of the API.
 *
 * @example
 * ```ts
 * createResponsesHandler({ upstream, observer: openTelemetryObserver() });
 * ```
 */
export function openTelemetryObserver(options: OpenTelemetryObserverOptions = {}): BridgeObserver {
  const tracer = options.tracer ?? trace.getTracer(NAME);
  const meter = options.meter ?? metricsApi.getMeter(NAME);
  const now = options.now ?? Date.now;
  const duration = meter.createHistogram("gen_ai.server.request.duration", {
    unit: "s",
    description: "Time from request to the end of the answer.",
  });
  const firstToken = meter.createHistogram("gen_ai.server.time_to_first_token", {
    unit: "s",
    description: "Time from request to the first streamed delta.",
  });
  const tokens = meter.createHistogram("gen_ai.client.token.usage", {
    unit: "{token}",
    description: "Tokens used per turn, by gen_ai.token.type.",
  });
  const requests = meter.createCounter("responses_bridge.requests", {
    description: "HTTP requests answered, by route and status.",
  });
  const upstreamErrors = meter.createCounter("responses_bridge.upstream.errors", {
    description: "Upstream calls that failed, by error.type.",
  });
  const activeStreams = meter.createUpDownCounter("responses_bridge.active_streams", {
    description: "Streamed responses in flight.",
  });

  return {
    request(info: ObservedRequest): RequestObserver {
      const parent = parentOf(info.headers);
      const span = tracer.startSpan(
        `${info.method} ${info.route}`,
        {
          kind: SpanKind.SERVER,
          startTime: info.startedAt,
          attributes: {
            "http.request.method": info.method,
            "url.path": info.path,
            "bridge.request_id": info.requestId,
          },
        },
        parent,
      );
      const spanContext = trace.setSpan(parent, span);
      let upstream: Span | undefined;
      let streaming = false;
      let model: string | undefined;
      const endUpstream = () => {
        upstream?.end();
        upstream = undefined;
      };
      return {
        parsed(body) {
          model = body.model ?? undefined;
          span.updateName(`chat ${model ?? ""}`.trim());
          span.setAttribute("gen_ai.operation.name", "chat");
          if (model) span.setAttribute("gen_ai.request.model", model);
          if (body.stream === true) {
            streaming = true;
            activeStreams.add(1);
          }
        },
        upstreamRequest({ model: sent, attempt }) {
          endUpstream();
          upstream = tracer.startSpan(
            `chat ${sent}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": sent,
                "bridge.attempt": attempt,
              },
            },
            spanContext,
          );
          return headersFor(upstream);
        },
        upstreamResponse({ ok, error }) {
          if (ok || !error) return;
          upstreamErrors.add(1, { "error.type": error.code ?? String(error.status) });
          upstream?.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          upstream?.setAttribute("error.type", error.code ?? String(error.status));
          endUpstream();
        },
        firstToken() {
          const seconds = (now() - info.startedAt) / 1000;
          span.setAttribute("gen_ai.server.time_to_first_token", seconds);
          firstToken.record(seconds, model ? { "gen_ai.request.model": model } : {});
        },
        end(outcome) {
          endUpstream();
          if (streaming) activeStreams.add(-1);
          const attributes: Attributes = { "http.response.status_code": outcome.status };
          const response = outcome.response;
          if (response) {
            attributes["gen_ai.response.model"] = response.model;
            attributes["gen_ai.response.id"] = response.id;
            attributes["gen_ai.response.finish_reasons"] = finishReasons(response);
            if (response.usage) {
              attributes["gen_ai.usage.input_tokens"] = response.usage.input_tokens;
              attributes["gen_ai.usage.output_tokens"] = response.usage.output_tokens;
              const tokenAttributes = {
                "gen_ai.operation.name": "chat",
                "gen_ai.request.model": model ?? response.model,
              };
              tokens.record(response.usage.input_tokens, {
                ...tokenAttributes,
                "gen_ai.token.type": "input",
              });
              tokens.record(response.usage.output_tokens, {
                ...tokenAttributes,
                "gen_ai.token.type": "output",
              });
            }
          }
          if (outcome.aborted) attributes["bridge.aborted"] = true;
          span.setAttributes(attributes);
          const error = outcome.error;
          if (error) {
            span.setAttribute("error.type", error.code ?? String(error.status));
            span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
          } else if (response?.status === "failed") {
            span.setStatus({ code: SpanStatusCode.ERROR, message: response.error?.message ?? "failed" });
          }
          span.end(outcome.endedAt);
          const status = outcome.aborted ? 499 : outcome.status;
          requests.add(1, { "bridge.route": info.route, "http.response.status_code": status });
          duration.record((outcome.endedAt - info.startedAt) / 1000, {
            "bridge.route": info.route,
            "http.response.status_code": status,
            ...(model ? { "gen_ai.operation.name": "chat", "gen_ai.request.model": model } : {}),
          });
        },
      };
    },
  };
}
