/**
 * `context_management: [{ type: "compaction", compact_threshold }]` on `POST /responses` (OpenAI's
 * server-side compaction): when the conversation's estimated size crosses the threshold, the bridge
 * compacts it before calling the upstream. The same chat backend summarises the whole conversation
 * (earlier turns and this input); the upstream then gets the summary followed by the current exchange
 * (everything from the last user message on), and the Response's output opens with the sealed
 * `compaction` item, the reply's items after it.
 *
 * Tokens are estimated (serialised length / 4, as for `truncation: "auto"`), not counted.
 */
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { estimateTokens } from "../translate/request/truncation.js";
import type { ResponsesRequest, StoreScope } from "../types.js";
import { summaryMessage } from "./restore.js";
import {
  type CompactionEndpoint,
  type CompactionItem,
  sealCompaction,
  summariseConversation,
} from "./summarise.js";

/** Without `compact_threshold`: this share of the `contextWindow` option (no window: no compaction). */
export const DEFAULT_COMPACT_FRACTION = 0.8;

/** One entry of `context_management`. */
interface ContextManagementEntry {
  type: string;
  compact_threshold?: number | null;
}

/**
 * The threshold, in estimated tokens, above which the request is compacted; undefined when it asks for
 * no compaction (or gives no threshold and the handler knows no context window).
 */
export function compactThreshold(request: ResponsesRequest, contextWindow?: number): number | undefined {
  const entry = compactionEntry(request);
  if (!entry) return undefined;
  if (typeof entry.compact_threshold === "number") return entry.compact_threshold;
  return contextWindow ? Math.floor(contextWindow * DEFAULT_COMPACT_FRACTION) : undefined;
}

function compactionEntry(request: ResponsesRequest): ContextManagementEntry | undefined {
  const entries = (request as { context_management?: ContextManagementEntry[] | null }).context_management;
  return entries?.find((candidate) => candidate.type === "compaction");
}

/** True when the request's `context_management` has a compaction entry: only then is {@link manageContext} called. */
export function asksForCompaction(request: ResponsesRequest): boolean {
  return compactionEntry(request) !== undefined;
}

/** What a turn sends upstream once compacted. */
export interface ManagedContext {
  /** The earlier turns: none (they are in the summary). */
  history: ResponseInputItem[];
  /** The summary, then the current exchange. */
  chatInput: ResponseInputItem[];
  /** The compaction item, first in the Response's output. */
  leadingOutput: CompactionItem[];
}

/** What {@link manageContext} reads of the turn. */
export interface ContextTurn {
  request: ResponsesRequest;
  scope: StoreScope | undefined;
  responseId: string;
  /** Earlier turns, compactions opened. */
  history: ResponseInputItem[];
  /** This input, compactions opened. */
  chatInput: ResponseInputItem[];
}

function isUserMessage(item: ResponseInputItem): boolean {
  const { type, role } = item as { type?: unknown; role?: unknown };
  return (type === undefined || type === "message") && role === "user";
}

/**
 * Compacts the turn when `context_management` asks for it and its estimated size crosses the threshold;
 * undefined when nothing is to be done (below the threshold, or nothing before the current exchange).
 *
 * @throws {ResponsesBridgeError} the upstream's failure to write the summary, mapped.
 */
export async function manageContext(
  endpoint: CompactionEndpoint,
  turn: ContextTurn,
  signal: AbortSignal,
): Promise<ManagedContext | undefined> {
  const { request, history, chatInput } = turn;
  const threshold = compactThreshold(request, endpoint.options.contextWindow);
  if (threshold === undefined) return undefined;
  const estimated =
    estimateTokens(history) +
    estimateTokens(chatInput) +
    estimateTokens(request.instructions ?? "") +
    estimateTokens(request.tools ?? []);
  if (estimated <= threshold) return undefined;
  const all = [...history, ...chatInput];
  let tail = all.length - 1;
  while (tail >= 0 && !isUserMessage(all[tail]!)) tail--;
  if (tail <= 0) return undefined;
  const summary = await summariseConversation(endpoint, { request, history, input: chatInput, signal });
  const item = await sealCompaction(endpoint, summary.text, turn.scope, turn.responseId);
  return {
    history: [],
    chatInput: [summaryMessage(summary.text), ...all.slice(tail)],
    leadingOutput: [item],
  };
}
