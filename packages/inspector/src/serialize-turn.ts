import { describeTranslation } from "./describe-translation.js";
import type { TurnRecord } from "./turn-record.js";
import type { ChainLink, TranslationNote } from "./types.js";

const MAX_CHAIN = 50;

function parse(json: string | undefined): unknown {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/** The `previous_response_id` chain of `record`, nearest first, as far as the kept turns tell. */
export function chainOf(record: TurnRecord, kept: readonly TurnRecord[]): ChainLink[] {
  const byResponse = new Map<string, TurnRecord>();
  for (const turn of kept) if (turn.summary.responseId) byResponse.set(turn.summary.responseId, turn);
  const chain: ChainLink[] = [];
  const seen = new Set<string>();
  let next = record.summary.previousResponseId;
  while (next && chain.length < MAX_CHAIN && !seen.has(next)) {
    seen.add(next);
    const turn = byResponse.get(next);
    chain.push({ responseId: next, turnId: turn?.id ?? null });
    next = turn?.summary.previousResponseId ?? null;
  }
  return chain;
}

function translationOf(record: TurnRecord): TranslationNote[] {
  if (record.summary.route !== "responses") return [];
  const first = record.upstreamRequests[0];
  if (!first || record.request === undefined) return [];
  try {
    return describeTranslation(parse(record.request), parse(first.params));
  } catch {
    return [];
  }
}

/**
 * The JSON text of a {@link CapturedTurn}, assembled from the payloads kept as JSON text (so a large
 * turn is not parsed and serialised again; only the translation notes parse the two requests).
 */
export function serializeTurn(record: TurnRecord, kept: readonly TurnRecord[]): string {
  const raw = (json: string | undefined) => json ?? "null";
  const upstream = record.upstreamRequests
    .map(
      (call) =>
        `{"t":${call.t},"attempt":${call.attempt},"model":${JSON.stringify(call.model)},"params":${raw(call.params)}}`,
    )
    .join(",");
  let timeline = "";
  for (let index = 0; index < record.timeline.length; index++) {
    const entry = record.timeline[index]!;
    if (index > 0) timeline += ",";
    const json = entry.json ?? (entry.value === undefined ? undefined : JSON.stringify(entry.value));
    timeline += `{"t":${entry.t},"kind":"${entry.kind}"${json === undefined ? "" : `,"data":${json}`}}`;
  }
  const truncated = {
    entries: record.droppedEntries,
    payloads: record.droppedPayloads,
    request: record.requestTruncated,
  };
  return [
    `{"format":"responses-bridge.inspector.turn/1"`,
    `"summary":${JSON.stringify(record.summary)}`,
    `"headers":${JSON.stringify(record.headers)}`,
    `"request":${raw(record.request)}`,
    `"upstreamRequests":[${upstream}]`,
    `"timeline":[${timeline}]`,
    `"response":${raw(record.response)}`,
    `"error":${JSON.stringify(record.error)}`,
    `"aborted":${record.aborted}`,
    `"warnings":${JSON.stringify(record.warnings)}`,
    `"translation":${JSON.stringify(translationOf(record))}`,
    `"chain":${JSON.stringify(chainOf(record, kept))}`,
    `"truncated":${JSON.stringify(truncated)}}`,
  ].join(",");
}
