import { invalidRequest } from "../errors.js";
import type { BridgeResult, HookContext } from "../handler/options.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import { chainToItems, loadChain, resolveItemReferences } from "../store/resolve-history.js";
import { normalizeInput } from "../translate/input-to-messages.js";
import type { StoreScope } from "../types.js";
import { restoreCompactions, restoreHistory } from "./restore.js";
import type { Sealer } from "./seal.js";
import { type CompactionEndpoint, emptyUsage, sealCompaction, summariseConversation } from "./summarise.js";

export { DEFAULT_COMPACTION_PROMPT } from "./summarise.js";

/**
 * `POST …/responses/compact` (Open Responses `compactResponse`): the conversation (`input`, and the chain
 * of `previous_response_id`) is summarised by the same chat backend (prompt: the `compactionPrompt`
 * option), and answered as a `response.compaction` object whose `output` is one `compaction` item. Its
 * `encrypted_content` is sealed for the caller's tenant; sent back as an input item on a later turn it
 * stands for the whole conversation it summarises.
 */
export async function compactResponse(
  endpoint: CompactionEndpoint,
  sealer: Sealer,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  const { store, environment } = endpoint;
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof fields.model !== "string" || fields.model === "") {
    throw invalidRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  }
  const request = parseResponsesRequest({
    model: fields.model,
    input: fields.input ?? [],
    ...(fields.instructions == null ? {} : { instructions: fields.instructions }),
    ...(fields.previous_response_id == null ? {} : { previous_response_id: fields.previous_response_id }),
  });
  const input = await restoreCompactions(
    sealer,
    await resolveItemReferences(store, normalizeInput(request.input), scope),
    scope,
    "input",
  );
  const history = request.previous_response_id
    ? await restoreHistory(
        sealer,
        chainToItems(await loadChain(store, request.previous_response_id, scope)),
        scope,
      )
    : [];
  const summary = await summariseConversation(endpoint, { request, history, input, signal });
  const responseId = environment.generateId("resp");
  const compacted = {
    id: responseId,
    object: "response.compaction",
    created_at: Math.floor(environment.now() / 1000),
    output: [await sealCompaction(endpoint, summary.text, scope, responseId)],
    usage: summary.usage ?? emptyUsage(),
  };
  return { kind: "json", status: 200, headers: { "x-request-id": hooks.requestId }, body: compacted };
}
