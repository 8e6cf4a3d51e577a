/**
 * Call ids unique per conversation.
 *
 * Several backends restart their tool-call numbering every turn (Kimi's `functions.<name>:<n>`, a
 * constant `call_0`, Xinference's ids). A client that keeps state by `call_id` (the OpenAI Agents SDK
 * throws `Tool call ID … was reused`, Codex) must never get an id that an earlier turn of the same
 * conversation already used. The translator therefore treats every `call_id` found in the request's
 * input and its stored chain as taken, and gives a colliding upstream call a fresh id (see
 * `fallbackCallId`: derived from the new response id, so unique and the same streamed or not).
 *
 * How the next turn stays consistent: the bridge keeps no map from client ids back to upstream ids.
 * History is sent upstream with the client's `call_id` as the assistant `tool_calls[].id` and as the
 * `tool` message's `tool_call_id` (chat upstreams accept any id string in history and only need the
 * two to agree), so a renamed call reads the same whether the client resends it verbatim with
 * `store: false` or the bridge loads it from its store.
 */
import type { ResponseInputItem } from "openai/resources/responses/responses";

/**
 * Every `call_id` in the given item lists (calls and call outputs of any kind). The set is what a new
 * reply's calls must not reuse.
 */
export function collectCallIds(...lists: ReadonlyArray<readonly ResponseInputItem[]>): Set<string> {
  const ids = new Set<string>();
  for (const list of lists) {
    for (const item of list) {
      const callId = (item as { call_id?: unknown }).call_id;
      if (typeof callId === "string" && callId !== "") ids.add(callId);
    }
  }
  return ids;
}
