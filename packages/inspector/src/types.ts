/** The one-line view of a turn, as the page's list shows it and the live feed sends it. */
export interface TurnSummary {
  /** This inspector's id for the turn (unique, even when clients reuse request ids). */
  id: string;
  /** The request's `x-request-id`. */
  requestId: string;
  /** When the request started, epoch milliseconds. */
  startedAt: number;
  /** HTTP method. */
  method: string;
  /** URL path, e.g. `/v1/responses`. */
  path: string;
  /** `responses` or `chat` (pass-through). */
  route: string;
  /** `true` while the request is being answered. */
  live: boolean;
  /** The model the client asked for (the upstream's name when the client sent none). */
  model: string | null;
  /** The model name sent upstream (after routing and rewriting), when different. */
  upstreamModel: string | null;
  /** HTTP status answered (null while live). */
  status: number | null;
  /** The Response's `status` (`completed`, `incomplete`, `failed`...), when the turn produced one. */
  outcome: string | null;
  /** Whether the client streamed the turn. */
  stream: boolean;
  /** Input tokens, when the upstream reported usage. */
  inputTokens: number | null;
  /** Output tokens, when the upstream reported usage. */
  outputTokens: number | null;
  /** Milliseconds from the request's start to the first output token sent (streamed turns). */
  timeToFirstTokenMs: number | null;
  /** Milliseconds from the request's start to the upstream's first byte (headers). */
  timeToFirstByteMs: number | null;
  /** Milliseconds from start to end (null while live). */
  durationMs: number | null;
  /** Function and custom tool calls the model made: name and arguments (cut at 2,000 characters). */
  toolCalls: { name: string; arguments: string }[];
  /** The `previous_response_id` the request extends. */
  previousResponseId: string | null;
  /** The Response id this turn produced. */
  responseId: string | null;
  /** The error message answered, if any. */
  error: string | null;
  /** Number of translation warnings. */
  warnings: number;
  /** Whether any capture of this turn was cut short (see {@link CapturedTurn.truncated}). */
  truncated: boolean;
}

/** One entry of a turn's timeline. */
export interface TimelineEntry {
  /** Milliseconds since the request started (fractional). */
  t: number;
  /** What happened. */
  kind:
    | "upstream-request"
    | "upstream-response"
    | "chunk"
    | "completion"
    | "event"
    | "keep-alive"
    | "warning";
  /** The payload (a chunk, an event, a completion...), absent when it was not kept. */
  data?: unknown;
}

/** A link of the `previous_response_id` chain. */
export interface ChainLink {
  /** A Response id. */
  responseId: string;
  /** The captured turn that produced it, when it is still in the buffer. */
  turnId: string | null;
}

/** One note of what the translation did to the request. */
export interface TranslationNote {
  /** `items`, `tools`, `reasoning`, `params`, `instructions` or `warning`. */
  kind: string;
  /** Human-readable description. */
  text: string;
}

/** Everything captured about one turn: what {@link Inspector.exportTurn} returns and the page shows. */
export interface CapturedTurn {
  /** Format marker for exported turns. */
  format: "responses-bridge.inspector.turn/1";
  /** The summary fields. */
  summary: TurnSummary;
  /** Request headers as received, secrets redacted. */
  headers: Record<string, string>;
  /** The Responses request as received and validated, secrets redacted. */
  request: unknown;
  /** Each upstream call's Chat Completions request as sent, secrets redacted (one per fallback attempt). */
  upstreamRequests: { t: number; attempt: number; model: string; params: unknown }[];
  /** Upstream chunks, Responses events, keep-alives and warnings, in order, with their times. */
  timeline: TimelineEntry[];
  /** The final Response object (secrets redacted), when the turn produced one. */
  response: unknown;
  /** The error answered or the stream failed with. */
  error: { status: number; type: string; code: string | null; message: string } | null;
  /** Whether the client left before the answer was fully written. */
  aborted: boolean;
  /** Translation warnings (dropped hosted tools, renamed ids...). */
  warnings: { code: string; message: string; param?: string }[];
  /** What the translation changed (items to messages, tool renames, reasoning restored...). */
  translation: TranslationNote[];
  /** The `previous_response_id` chain this turn extends, nearest first (as far as the buffer remembers). */
  chain: ChainLink[];
  /** What was not kept: counts of dropped timeline entries, and payloads left out to stay in bounds. */
  truncated: { entries: number; payloads: number; request: boolean };
}
