import type {
  ObservedRequest,
  RequestObserver,
  ResponseObject,
  TranslationWarning,
} from "@responses-bridge/core";

// The chat and event shapes as the observer hands them over (the `openai` SDK's types, through core).
type ChatCompletion = Parameters<NonNullable<RequestObserver["upstreamCompletion"]>>[0];
type ChatCompletionChunk = Parameters<NonNullable<RequestObserver["upstreamChunk"]>>[0];
type ResponseStreamEvent = Parameters<NonNullable<RequestObserver["event"]>>[0];

import { redactHeaders, redactValue } from "./redact.js";
import type { BufferedTurn, TurnBuffer } from "./turn-buffer.js";
import type { TimelineEntry, TurnSummary } from "./types.js";

/** Per-turn bounds and redaction, shared by every record. */
export interface CaptureSettings {
  /** Most bytes of payload one turn keeps (request, chat requests, chunks, events, Response). */
  maxTurnBytes: number;
  /** Most timeline entries one turn keeps; later ones are counted, not kept. */
  maxTimelineEntries: number;
  /** Literal secrets to redact wherever they appear. */
  secrets: readonly string[];
}

/** Fixed cost charged per timeline entry besides its payload (the entry object itself). */
const ENTRY_BYTES = 48;

/** Longest tool-call arguments a summary carries (the export has them whole). */
const MAX_SUMMARY_ARGUMENTS = 2000;

const now = (): number => performance.now();
const clip = (text: string): string =>
  text.length > MAX_SUMMARY_ARGUMENTS ? `${text.slice(0, MAX_SUMMARY_ARGUMENTS)}…` : text;
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** A timeline entry with its payload kept as JSON text. */
interface StoredEntry {
  t: number;
  kind: TimelineEntry["kind"];
  /** The payload serialised when it arrived. */
  json: string | undefined;
  /** Or the payload itself, serialised when the turn is read. */
  value: unknown;
}

/** Estimated JSON size of a chunk: its fixed envelope plus what varies (the deltas). */
function chunkBytes(chunk: ChatCompletionChunk): number {
  let size = 160 + (chunk.id?.length ?? 0) + (chunk.model?.length ?? 0);
  for (const choice of chunk.choices ?? []) {
    const delta = choice.delta as Record<string, unknown> | undefined;
    if (!delta) continue;
    for (const key in delta) {
      const value = delta[key];
      if (typeof value === "string") size += value.length + key.length + 8;
      else if (Array.isArray(value)) size += JSON.stringify(value).length;
    }
  }
  return size;
}

/**
 * One turn being captured (or captured): the {@link RequestObserver} the core calls, writing into a
 * bounded record. Payloads are serialised once, when they arrive (so later mutation cannot change them
 * and their size is known), and charged to the shared buffer; past a bound they are counted, not kept.
 */
export class TurnRecord implements BufferedTurn, RequestObserver {
  readonly id: string;
  bytes = 0;
  evicted = false;
  readonly summary: TurnSummary;
  readonly headers: Record<string, string>;
  request: string | undefined;
  requestTruncated = false;
  readonly upstreamRequests: { t: number; attempt: number; model: string; params: string | undefined }[] = [];
  readonly timeline: StoredEntry[] = [];
  readonly warnings: TranslationWarning[] = [];
  response: string | undefined;
  error: { status: number; type: string; code: string | null; message: string } | null = null;
  aborted = false;
  droppedEntries = 0;
  droppedPayloads = 0;
  readonly #started = now();
  readonly #settings: CaptureSettings;
  readonly #buffer: TurnBuffer<TurnRecord>;
  readonly #changed: (record: TurnRecord) => void;

  constructor(
    id: string,
    info: ObservedRequest,
    settings: CaptureSettings,
    buffer: TurnBuffer<TurnRecord>,
    changed: (record: TurnRecord) => void,
  ) {
    this.id = id;
    this.#settings = settings;
    this.#buffer = buffer;
    this.#changed = changed;
    this.headers = redactHeaders(info.headers);
    this.summary = {
      id,
      requestId: info.requestId,
      startedAt: info.startedAt,
      method: info.method,
      path: info.path,
      route: info.route,
      live: true,
      model: null,
      upstreamModel: null,
      status: null,
      outcome: null,
      stream: false,
      inputTokens: null,
      outputTokens: null,
      timeToFirstTokenMs: null,
      timeToFirstByteMs: null,
      durationMs: null,
      toolCalls: [],
      previousResponseId: null,
      responseId: null,
      error: null,
      warnings: 0,
      truncated: false,
    };
  }

  /** Serialises `value` (redacted when asked) and charges it; undefined when it does not fit. */
  #keep(value: unknown, redact: boolean): string | undefined {
    if (this.evicted) return undefined;
    let json: string | undefined;
    try {
      json = JSON.stringify(redact ? redactValue(value, this.#settings.secrets) : value);
    } catch {
      json = undefined;
    }
    if (json === undefined) return undefined;
    if (this.bytes + json.length > this.#settings.maxTurnBytes || !this.#buffer.charge(this, json.length)) {
      this.droppedPayloads += 1;
      this.summary.truncated = true;
      return undefined;
    }
    return json;
  }

  /**
   * Adds a timeline entry. `held` (an estimate of its JSON size) keeps `payload` by reference, serialised
   * only when the turn is read: for chunks and delta events, fresh objects nobody changes after they are
   * observed, so the per-token path does no `JSON.stringify`. Other payloads are serialised now.
   */
  #entry(kind: TimelineEntry["kind"], payload?: unknown, held?: number): number {
    const t = round(now() - this.#started);
    if (this.evicted) return t;
    if (this.timeline.length >= this.#settings.maxTimelineEntries) {
      this.droppedEntries += 1;
      this.summary.truncated = true;
      return t;
    }
    if (payload !== undefined && held !== undefined) {
      const size = ENTRY_BYTES + held;
      if (this.bytes + size <= this.#settings.maxTurnBytes && this.#buffer.charge(this, size)) {
        this.timeline.push({ t, kind, json: undefined, value: payload });
        return t;
      }
    }
    if (this.bytes + ENTRY_BYTES > this.#settings.maxTurnBytes || !this.#buffer.charge(this, ENTRY_BYTES)) {
      this.droppedEntries += 1;
      this.summary.truncated = true;
      return t;
    }
    if (payload !== undefined && held !== undefined) {
      this.droppedPayloads += 1;
      this.summary.truncated = true;
      this.timeline.push({ t, kind, json: undefined, value: undefined });
      return t;
    }
    this.timeline.push({
      t,
      kind,
      json: payload === undefined ? undefined : this.#keep(payload, false),
      value: undefined,
    });
    return t;
  }

  parsed(body: Parameters<NonNullable<RequestObserver["parsed"]>>[0]): void {
    const summary = this.summary;
    summary.model = body.model ?? null;
    summary.stream = body.stream === true;
    summary.previousResponseId = body.previous_response_id ?? null;
    this.request = this.#keep(body, true);
    this.requestTruncated = this.request === undefined;
    this.#changed(this);
  }

  upstreamRequest(info: Parameters<NonNullable<RequestObserver["upstreamRequest"]>>[0]): undefined {
    const t = this.#entry("upstream-request", { attempt: info.attempt, model: info.model });
    const summary = this.summary;
    summary.upstreamModel = info.model;
    if (summary.model === null) summary.model = info.model;
    if (summary.route === "chat") summary.stream = info.params.stream === true;
    if (!this.evicted) {
      this.upstreamRequests.push({
        t,
        attempt: info.attempt,
        model: info.model,
        params: this.#keep(info.params, true),
      });
    }
    return undefined;
  }

  upstreamResponse(info: Parameters<NonNullable<RequestObserver["upstreamResponse"]>>[0]): void {
    const t = this.#entry(
      "upstream-response",
      info.ok ? { ok: true } : { ok: false, error: info.error?.message ?? "failed" },
    );
    if (info.ok && this.summary.timeToFirstByteMs === null) {
      this.summary.timeToFirstByteMs = t;
      this.#changed(this);
    }
  }

  upstreamChunk(chunk: ChatCompletionChunk): void {
    const t = this.#entry("chunk", chunk, chunkBytes(chunk));
    if (this.summary.route === "chat") {
      if (this.summary.timeToFirstTokenMs === null && chunk.choices?.[0]?.delta) {
        this.summary.timeToFirstTokenMs = t;
        this.#changed(this);
      }
      if (chunk.usage) this.#usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens);
    }
  }

  upstreamCompletion(completion: ChatCompletion): void {
    this.#entry("completion", completion);
    if (completion.usage) this.#usage(completion.usage.prompt_tokens, completion.usage.completion_tokens);
  }

  event(event: ResponseStreamEvent): void {
    const delta = (event as { delta?: unknown }).delta;
    const t =
      typeof delta === "string"
        ? this.#entry(
            "event",
            event,
            120 + delta.length + ((event as { item_id?: string }).item_id?.length ?? 0),
          )
        : this.#entry("event", event);
    if (this.summary.timeToFirstTokenMs === null && event.type.endsWith(".delta")) {
      this.summary.timeToFirstTokenMs = t;
      this.#changed(this);
    }
  }

  keepAlive(): void {
    this.#entry("keep-alive");
  }

  warning(warning: TranslationWarning): void {
    this.#entry("warning", warning);
    if (this.warnings.length < 100) this.warnings.push({ ...warning });
    this.summary.warnings += 1;
  }

  end(outcome: Parameters<RequestObserver["end"]>[0]): void {
    const summary = this.summary;
    summary.live = false;
    summary.status = outcome.status;
    summary.durationMs = round(now() - this.#started);
    this.aborted = outcome.aborted === true;
    if (outcome.response) this.#finalResponse(outcome.response);
    const error = outcome.error;
    if (error) {
      this.error = {
        status: error.status,
        type: error.type,
        code: error.code ?? null,
        message: error.message,
      };
      summary.error = error.message;
    } else if (outcome.status >= 400) {
      summary.error = `HTTP ${outcome.status}`;
    }
    this.#changed(this);
  }

  #usage(input: number | undefined, output: number | undefined): void {
    if (typeof input === "number") this.summary.inputTokens = input;
    if (typeof output === "number") this.summary.outputTokens = output;
  }

  #finalResponse(response: ResponseObject): void {
    const summary = this.summary;
    summary.outcome = response.status ?? null;
    summary.responseId = response.id;
    if (response.usage) this.#usage(response.usage.input_tokens, response.usage.output_tokens);
    for (const item of response.output ?? []) {
      if (item.type === "function_call")
        summary.toolCalls.push({ name: item.name, arguments: clip(item.arguments) });
      else if (item.type === "custom_tool_call")
        summary.toolCalls.push({ name: item.name, arguments: clip(item.input) });
    }
    if (response.error && summary.error === null) summary.error = response.error.message;
    this.response = this.#keep(response, true);
  }
}
