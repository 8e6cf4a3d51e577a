import {
  type CaseContext,
  CONFORMANCE_CASE_LIST as CORE_CASES,
  type ConformanceDialect,
} from "./conformance-cases.js";
import { CaseFailure, CaseSkip } from "./conformance-checks.js";
import { STATEFUL_CASE_LIST } from "./conformance-stateful-cases.js";
import type { ScriptedBackend } from "./types.js";

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Base URL of the server under test, up to and including `/v1`: `http://127.0.0.1:8080/v1`. */
  baseURL: string;
  /**
   * The scripted Chat Completions backend the server under test forwards to (`createScriptedBackend()`,
   * served with `backend.listen()` or passed in-process). Each case resets it, queues the upstream
   * replies it needs, and reads back what the server sent upstream.
   */
  backend: ScriptedBackend;
  /** `model` of every request. Default `"conformance-model"`. */
  model?: string;
  /** Extra headers on every request, e.g. `{ authorization: "Bearer …" }` for a server that checks keys. */
  headers?: Record<string, string>;
  /** The `fetch` used to call the server. Default: the global `fetch`. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Run only the cases whose name contains one of these strings. Default: every case. */
  only?: readonly string[];
  /** Time limit of each case in milliseconds. Default 15,000. */
  timeoutMs?: number;
  /**
   * The dialect the server under test speaks: `"openai"` (default; `response.reasoning_text.*` events,
   * what the openai SDK and Codex read) or `"open-responses"` (the specification's names, such as
   * `response.reasoning.*`). Only the cases tagged with it run.
   */
  dialect?: ConformanceDialect;
}

/** The outcome of one conformance case. */
export interface ConformanceCaseResult {
  /** Case name, e.g. `"text: stream"`. */
  name: string;
  /** The dialects the case checks. */
  dialects: readonly ConformanceDialect[];
  /** True when the case passed (or was skipped). */
  ok: boolean;
  /** Why the case was skipped: the server refuses the feature it tests (a 400 for `background`...). */
  skipped?: string;
  /** Why it failed. */
  error?: string;
  /** How long it took. */
  durationMs: number;
}

/** What {@link runConformance} resolves with. */
export interface ConformanceReport {
  /** Number of cases that passed. */
  passed: number;
  /** Number of cases that failed. */
  failed: number;
  /** Number of cases skipped (counted in neither `passed` nor `failed`). */
  skipped: number;
  /** Every case run, in order. */
  cases: ConformanceCaseResult[];
}

const CONFORMANCE_CASE_LIST = [...CORE_CASES, ...STATEFUL_CASE_LIST];

/** Names of the conformance cases (of every dialect), in the order they run. */
export const CONFORMANCE_CASES: readonly string[] = CONFORMANCE_CASE_LIST.map((entry) => entry.name);

/** Each conformance case's name and the dialects it checks, in the order they run. */
export const CONFORMANCE_CASE_DIALECTS: ReadonlyArray<{
  name: string;
  dialects: readonly ConformanceDialect[];
}> = CONFORMANCE_CASE_LIST.map(({ name, dialects }) => ({ name, dialects }));

/**
 * Runs the conformance suite against a Responses server (ours behind any adapter, or your own proxy)
 * whose Chat Completions upstream is `options.backend`. Cases run one after another; each resets the
 * backend, queues the upstream replies it needs and checks the answers with the real wire format:
 * text (JSON and stream), parallel tool calls, a `previous_response_id` round trip, retrieve/delete,
 * `incomplete`, upstream 429/500 mapping, malformed bodies, unknown ids, client disconnects, and what
 * real clients need beyond well-formed events: streamed usage equal to JSON usage,
 * `function_call_arguments.done` before the call's `output_item.done`, a `custom` tool round trip with
 * the exact input, reasoning items with summary and text events (in the dialect's names), an upstream
 * break ending in `response.failed`, and call ids unique across turns, and
 * background responses, cancel, resumed streams and conversations (skipped, with the reason, against a
 * server that answers 400 for `background` or `conversation`).
 * Never throws for a failing case: read the report.
 *
 * @example
 * const report = await runConformance({ baseURL: "http://127.0.0.1:8080/v1", backend });
 * console.log(formatConformanceReport(report));
 */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const baseURL = options.baseURL.replace(/\/+$/, "");
  const fetcher = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 15_000;
  const dialect = options.dialect ?? "openai";
  const context: CaseContext = {
    dialect,
    backend: options.backend,
    model: options.model ?? "conformance-model",
    post: (body, init = {}) =>
      fetcher(`${baseURL}/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers },
        body: init.raw ? String(body) : JSON.stringify(body),
        ...(init.signal ? { signal: init.signal } : {}),
      }),
    request: (method, path, body) =>
      fetcher(`${baseURL}${path}`, {
        method,
        headers:
          body === undefined
            ? { ...options.headers }
            : { "content-type": "application/json", ...options.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
  const spoken = CONFORMANCE_CASE_LIST.filter((entry) => entry.dialects.includes(dialect));
  const selected = options.only?.length
    ? spoken.filter((entry) => options.only?.some((part) => entry.name.includes(part)))
    : spoken;
  const cases: ConformanceCaseResult[] = [];
  for (const entry of selected) {
    options.backend.reset();
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CaseFailure(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([entry.run(context), timeout]);
      cases.push({ name: entry.name, dialects: entry.dialects, ok: true, durationMs: Date.now() - started });
    } catch (error) {
      if (error instanceof CaseSkip) {
        cases.push({
          name: entry.name,
          dialects: entry.dialects,
          ok: true,
          skipped: error.message,
          durationMs: Date.now() - started,
        });
        continue;
      }
      const message = error instanceof CaseFailure ? error.message : `threw ${String(error)}`;
      cases.push({
        name: entry.name,
        dialects: entry.dialects,
        ok: false,
        error: message,
        durationMs: Date.now() - started,
      });
    } finally {
      clearTimeout(timer);
    }
  }
  const skipped = cases.filter((result) => result.skipped !== undefined).length;
  const passed = cases.filter((result) => result.ok).length - skipped;
  return { passed, failed: cases.length - passed - skipped, skipped, cases };
}

/** The report as readable text: one line per case, failures with their reason, and a summary line. */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines = report.cases.map((result) =>
    result.skipped !== undefined
      ? `  skip  ${result.name}: ${result.skipped}`
      : result.ok
        ? `  ok    ${result.name} (${result.durationMs} ms)`
        : `  FAIL  ${result.name} (${result.durationMs} ms)\n        ${String(result.error).replace(/\n/g, "\n        ")}`,
  );
  lines.push(
    `${report.passed} passed, ${report.failed} failed${report.skipped ? `, ${report.skipped} skipped` : ""}`,
  );
  return lines.join("\n");
}
