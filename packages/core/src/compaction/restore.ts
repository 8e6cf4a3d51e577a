// Opening compaction items: each becomes the user message holding its summary (used on every turn by the
// handler, and by the compact endpoint for its own input).
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { invalidRequest } from "../errors.js";
import type { MaybePromise } from "../maybe-promise.js";
import type { StoreScope } from "../types.js";
import type { Sealer } from "./seal.js";

/** How a restored summary is introduced to the model. */
const SUMMARY_HEADING = "Summary of the earlier conversation (compacted):\n\n";

/** The user message a summary is given to the model as. */
export function summaryMessage(summary: string): ResponseInputItem {
  return { type: "message", role: "user", content: `${SUMMARY_HEADING}${summary}` };
}

/** The sealed payload of a compaction item. */
export interface CompactionPayload {
  v: 1;
  summary: string;
}

export function scopeKey(scope: StoreScope | undefined): string {
  return scope?.tenant ?? "";
}

/**
 * Replaces each `compaction` item by a user message holding its summary, opened with `sealer` for the
 * caller's tenant. Returns the same array when there is none, as it is, not as a promise.
 *
 * @throws {ResponsesBridgeError} 400 `invalid_encrypted_content` for a compaction item this server did not
 * seal for this tenant (forged, changed, from another deployment's secret or another tenant).
 */
export function restoreCompactions(
  sealer: Sealer,
  items: ResponseInputItem[],
  scope: StoreScope | undefined,
  param: string,
): MaybePromise<ResponseInputItem[]> {
  if (!items.some((item) => (item as { type?: unknown }).type === "compaction")) return items;
  return openCompactions(sealer, items, scope, param);
}

async function openCompactions(
  sealer: Sealer,
  items: ResponseInputItem[],
  scope: StoreScope | undefined,
  param: string,
): Promise<ResponseInputItem[]> {
  const restored: ResponseInputItem[] = [];
  for (const [index, item] of items.entries()) {
    const { type, encrypted_content: sealed } = item as { type?: unknown; encrypted_content?: unknown };
    if (type !== "compaction") {
      restored.push(item);
      continue;
    }
    let summary: unknown;
    const opened = typeof sealed === "string" ? await sealer.open(sealed, scopeKey(scope)) : undefined;
    try {
      summary = opened === undefined ? undefined : (JSON.parse(opened) as CompactionPayload).summary;
    } catch {
      summary = undefined;
    }
    if (typeof summary !== "string") {
      throw invalidRequest(
        "The compaction item's encrypted_content was not produced by this server for this account, or it was changed.",
        param === "input" ? `input.${index}.encrypted_content` : param,
        "invalid_encrypted_content",
      );
    }
    restored.push(summaryMessage(summary));
  }
  return restored;
}

/**
 * The stored history of a turn (`previous_response_id` chain or `conversation` items) as the upstream
 * sees it: a `compaction` item summarises everything before it, so the items before the last one are
 * dropped (the server prunes its own chain, as OpenAI's does), `compaction_trigger` items are dropped, and
 * the compaction opened.
 *
 * @throws {ResponsesBridgeError} 400 `invalid_encrypted_content` (param `previous_response_id`) for a
 * compaction item this server did not seal for this tenant.
 */
export function restoreHistory(
  sealer: Sealer,
  items: ResponseInputItem[],
  scope: StoreScope | undefined,
): MaybePromise<ResponseInputItem[]> {
  let start = 0;
  let triggers = false;
  for (const [index, item] of items.entries()) {
    const type = (item as { type?: unknown }).type;
    if (type === "compaction") start = index;
    else if (type === "compaction_trigger") triggers = true;
  }
  let kept = start === 0 ? items : items.slice(start);
  if (triggers) kept = kept.filter((item) => (item as { type?: unknown }).type !== "compaction_trigger");
  return restoreCompactions(sealer, kept, scope, "previous_response_id");
}
