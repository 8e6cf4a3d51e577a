import type { ResponseInputItem } from "openai/resources/responses/responses";
import { invalidRequest, mapContextOverflow, toBridgeError } from "../errors.js";
import type { BridgeResult, HookContext } from "../handler/options.js";
import type { ResponsesEndpointContext } from "../handler/responses-endpoint.js";
import { parseResponsesRequest } from "../schema/responses-request.js";
import { chainToItems, loadChain, resolveItemReferences } from "../store/resolve-history.js";
import { normalizeInput } from "../translate/input-to-messages.js";
import { mapUsage } from "../translate/map-chat-outcome.js";
import { convertRequestToChat } from "../translate/request-to-chat.js";
import type { StoreScope } from "../types.js";
import { type CompactionPayload, restoreCompactions, scopeKey } from "./restore.js";
import type { Sealer } from "./seal.js";

/** The instruction the chat backend gets, after the conversation, to write a compaction summary. */
export const DEFAULT_COMPACTION_PROMPT =
  "Write a summary of the conversation so far that lets you continue it without the earlier messages: the " +
  "user's goals and constraints, decisions made, facts and tool results that still matter, files and " +
  "commands involved, and what remains to be done. Write notes for yourself, not a reply to the user.";

/** Text of a summary without a leading `<think>…</think>` block (reasoning models). */
function summaryText(content: unknown): string {
  const text = typeof content === "string" ? content : "";
  return text.replace(/^\s*<think>[\s\S]*?<\/think>\s*/, "").trim();
}

/**
 * `POST …/responses/compact` (Open Responses `compactResponse`): the conversation (`input`, and the chain
 * of `previous_response_id`) is summarised by the same chat backend (prompt: the `compactionPrompt`
 * option), and answered as a `response.compaction` object whose `output` is one `compaction` item. Its
 * `encrypted_content` is sealed for the caller's tenant; sent back as an input item on a later turn it
 * stands for the whole conversation it summarises.
 */
export async function compactResponse(
  endpoint: ResponsesEndpointContext,
  sealer: Sealer,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  const { options, store, router, environment } = endpoint;
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
    ? await restoreCompactions(
        sealer,
        chainToItems(await loadChain(store, request.previous_response_id, scope)),
        scope,
        "previous_response_id",
      )
    : [];
  const prompt = options.compactionPrompt ?? DEFAULT_COMPACTION_PROMPT;
  const summaryRequest = {
    ...request,
    input: [...input, { type: "message" as const, role: "user" as const, content: prompt }],
  };
  const targets = router.resolve(request.model ?? "");
  const completion = await router
    .withFallback(targets, signal, async (target) => {
      const { params } = convertRequestToChat(summaryRequest, {
        history,
        capabilities: target.capabilities,
        model: target.model,
        // Outputs of calls outside the window being compacted must not fail the summary.
        orphanToolOutputs: "synthesize",
      });
      return target.upstream.create({ ...params, stream: false }, { signal });
    })
    .catch((error: unknown) => {
      throw mapContextOverflow(toBridgeError(error));
    });
  const payload: CompactionPayload = {
    v: 1,
    summary: summaryText(completion.choices[0]?.message?.content),
  };
  const responseId = environment.generateId("resp");
  const compacted = {
    id: responseId,
    object: "response.compaction",
    created_at: Math.floor(environment.now() / 1000),
    output: [
      {
        type: "compaction",
        id: `cmp_${responseId.replace(/^resp_/, "")}`,
        encrypted_content: await sealer.seal(JSON.stringify(payload), scopeKey(scope)),
      },
    ],
    usage: mapUsage(completion.usage) ?? {
      input_tokens: 0,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 0,
    },
  };
  return { kind: "json", status: 200, headers: { "x-request-id": hooks.requestId }, body: compacted };
}
