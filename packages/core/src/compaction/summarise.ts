// Writing a compaction: the same chat backend summarises the conversation, and the summary is sealed into
// a `compaction` item. Shared by `POST /responses/compact`, `compaction_trigger` and `context_management`.
import type { ResponseInputItem } from "openai/resources/responses/responses";
import { mapContextOverflow, toBridgeError } from "../errors.js";
import type { HookContext, ResponsesHandlerOptions } from "../handler/options.js";
import type { UpstreamRouter } from "../handler/upstream-router.js";
import { mapUsage } from "../translate/map-chat-outcome.js";
import { convertRequestToChat } from "../translate/request-to-chat.js";
import type {
  ResponseStore,
  ResponsesRequest,
  ResponseUsage,
  StoreScope,
  TranslationEnvironment,
} from "../types.js";
import { type CompactionPayload, scopeKey } from "./restore.js";
import type { Sealer } from "./seal.js";

/** The instruction the chat backend gets, after the conversation, to write a compaction summary. */
export const DEFAULT_COMPACTION_PROMPT =
  "Write a summary of the conversation so far that lets you continue it without the earlier messages: the " +
  "user's goals and constraints, decisions made, facts and tool results that still matter, files and " +
  "commands involved, and what remains to be done. Write notes for yourself, not a reply to the user.";

/**
 * What compaction needs from the handler: the `POST /responses` endpoint's context (declared here, not
 * imported, so the endpoint can call into compaction without an import cycle).
 */
export interface CompactionEndpoint {
  options: ResponsesHandlerOptions;
  store: ResponseStore;
  router: UpstreamRouter;
  environment: TranslationEnvironment;
  keepAliveMs: number;
  report: (error: unknown, context: HookContext) => void;
  sealer: Sealer;
}

/** A `compaction` output item. */
export interface CompactionItem {
  type: "compaction";
  id: string;
  encrypted_content: string;
}

/** What {@link summariseConversation} needs. */
export interface SummaryRequest {
  /** The request whose model (and instructions) the summary uses. */
  request: ResponsesRequest;
  /** The conversation to summarise, compactions already opened: earlier turns first, then the input. */
  history: ResponseInputItem[];
  input: ResponseInputItem[];
  signal: AbortSignal;
}

/** A summary, with the usage of the call that wrote it. */
export interface Summary {
  text: string;
  usage: ResponseUsage | undefined;
}

/** Text of a summary without a leading `<think>…</think>` block (reasoning models). */
function summaryText(content: unknown): string {
  const text = typeof content === "string" ? content : "";
  return text.replace(/^\s*<think>[\s\S]*?<\/think>\s*/, "").trim();
}

/**
 * Asks the chat backend of `request.model` (with fallback) for a summary of `history` + `input`, the
 * prompt (`compactionPrompt` option) as the last user message. Tools are not offered; outputs of calls
 * outside the window are tolerated.
 *
 * @throws {ResponsesBridgeError} the upstream's failure, mapped (`context_length_exceeded` for overflows).
 */
export async function summariseConversation(
  endpoint: CompactionEndpoint,
  { request, history, input, signal }: SummaryRequest,
): Promise<Summary> {
  const { options, router } = endpoint;
  const prompt = options.compactionPrompt ?? DEFAULT_COMPACTION_PROMPT;
  const summaryRequest: ResponsesRequest = {
    model: request.model,
    ...(request.instructions == null ? {} : { instructions: request.instructions }),
    input: [...input, { type: "message", role: "user", content: prompt }],
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
  return {
    text: summaryText(completion.choices[0]?.message?.content),
    usage: mapUsage(completion.usage) ?? undefined,
  };
}

/** The `compaction` item holding `summary`, sealed for the caller's tenant; its id is `cmp_` + `suffix`. */
export async function sealCompaction(
  endpoint: CompactionEndpoint,
  summary: string,
  scope: StoreScope | undefined,
  suffix: string,
): Promise<CompactionItem> {
  const payload: CompactionPayload = { v: 1, summary };
  return {
    type: "compaction",
    id: `cmp_${suffix.replace(/^resp_/, "")}`,
    encrypted_content: await endpoint.sealer.seal(JSON.stringify(payload), scopeKey(scope)),
  };
}

/** Usage of zero tokens (a summary call whose backend reported none). */
export function emptyUsage(): ResponseUsage {
  return {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  };
}
