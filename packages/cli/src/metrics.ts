import type { BridgeObserver } from "@responses-bridge/core";

/** Histogram bucket upper bounds, in seconds. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const TTFT_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    for (let index = 0; index < this.buckets.length; index++)
      if (value <= this.buckets[index]!) this.counts[index]! += 1;
  }
}

/** What the CLI keeps for `/metrics`: counters and histograms fed by a core observer. */
export interface BridgeMetrics {
  /** The handler option that feeds these metrics. */
  observer: BridgeObserver;
  /** The Prometheus text exposition (format 0.0.4). */
  render(): string;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function labels(pairs: Record<string, string>): string {
  const entries = Object.entries(pairs);
  return entries.length === 0
    ? ""
    : `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(",")}}`;
}

/**
 * Metrics written by hand in the Prometheus text format: a dozen series do not need a client library
 * (prom-client's registry and default collectors cost more than the bridge's own bookkeeping here).
 * Requests by route and status, request duration and time-to-first-token histograms, tokens, upstream
 * errors by code, and streams in flight.
 */
export function createBridgeMetrics(now: () => number = () => performance.now()): BridgeMetrics {
  const requests = new Map<string, { route: string; status: string; value: number }>();
  const durations = new Map<string, Histogram>();
  const ttft = new Histogram(TTFT_BUCKETS);
  const tokens = { input: 0, output: 0 };
  const upstreamErrors = new Map<string, number>();
  let activeStreams = 0;

  const observer: BridgeObserver = {
    request(info) {
      const started = now();
      let streaming = false;
      return {
        parsed(body) {
          if (body.stream === true) {
            streaming = true;
            activeStreams += 1;
          }
        },
        upstreamResponse({ ok, error }) {
          if (!ok && error)
            upstreamErrors.set(
              error.code ?? String(error.status),
              (upstreamErrors.get(error.code ?? String(error.status)) ?? 0) + 1,
            );
        },
        firstToken() {
          ttft.observe((now() - started) / 1000);
        },
        end(outcome) {
          if (streaming) activeStreams -= 1;
          const status = outcome.aborted ? "499" : String(outcome.status);
          const key = `${info.route} ${status}`;
          const entry = requests.get(key) ?? { route: info.route, status, value: 0 };
          entry.value += 1;
          requests.set(key, entry);
          let histogram = durations.get(info.route);
          if (!histogram) {
            histogram = new Histogram(DURATION_BUCKETS);
            durations.set(info.route, histogram);
          }
          histogram.observe((now() - started) / 1000);
          const usage = outcome.response?.usage;
          if (usage) {
            tokens.input += usage.input_tokens;
            tokens.output += usage.output_tokens;
          }
        },
      };
    },
  };

  function histogramLines(name: string, histogram: Histogram, base: Record<string, string>): string[] {
    const lines = histogram.buckets.map(
      (bound, index) => `${name}_bucket${labels({ ...base, le: String(bound) })} ${histogram.counts[index]}`,
    );
    lines.push(`${name}_bucket${labels({ ...base, le: "+Inf" })} ${histogram.count}`);
    lines.push(`${name}_sum${labels(base)} ${histogram.sum}`);
    lines.push(`${name}_count${labels(base)} ${histogram.count}`);
    return lines;
  }

  return {
    observer,
    render() {
      const lines: string[] = [
        "# HELP responses_bridge_requests_total HTTP requests answered, by route and status (499: the client left).",
        "# TYPE responses_bridge_requests_total counter",
      ];
      for (const { route, status, value } of requests.values())
        lines.push(`responses_bridge_requests_total${labels({ route, status })} ${value}`);
      lines.push(
        "# HELP responses_bridge_request_duration_seconds Time from request to the end of the answer.",
        "# TYPE responses_bridge_request_duration_seconds histogram",
      );
      for (const [route, histogram] of durations)
        lines.push(...histogramLines("responses_bridge_request_duration_seconds", histogram, { route }));
      lines.push(
        "# HELP responses_bridge_time_to_first_token_seconds Time from request to the first streamed delta.",
        "# TYPE responses_bridge_time_to_first_token_seconds histogram",
        ...histogramLines("responses_bridge_time_to_first_token_seconds", ttft, {}),
        "# HELP responses_bridge_tokens_total Tokens reported by the upstream, by type.",
        "# TYPE responses_bridge_tokens_total counter",
        `responses_bridge_tokens_total{type="input"} ${tokens.input}`,
        `responses_bridge_tokens_total{type="output"} ${tokens.output}`,
        "# HELP responses_bridge_upstream_errors_total Upstream calls that failed, by error code.",
        "# TYPE responses_bridge_upstream_errors_total counter",
      );
      for (const [code, value] of upstreamErrors)
        lines.push(`responses_bridge_upstream_errors_total${labels({ code })} ${value}`);
      lines.push(
        "# HELP responses_bridge_active_streams Streamed responses in flight.",
        "# TYPE responses_bridge_active_streams gauge",
        `responses_bridge_active_streams ${activeStreams}`,
      );
      return `${lines.join("\n")}\n`;
    },
  };
}
