import type { ResponseInputItem, ResponsesRequest, UpstreamCapabilities } from "../types.js";
import type { ReplyOptions } from "./reply/reply-options.js";
import type { OrphanToolOutputPolicy } from "./request/input-conversion.js";
import type { HostedToolPolicy } from "./request/tools.js";
import type { ConvertRequestOptions } from "./request-to-chat.js";

/** The bridge's settings that shape a translation (the handler options that concern it). */
export interface TranslationSettings {
  hostedTools?: HostedToolPolicy;
  orphanToolOutputs?: OrphanToolOutputPolicy;
  contextWindow?: number;
  lengthFinish?: "incomplete" | "completed";
}

/** One upstream target as the translation sees it: the model name it is sent and what it supports. */
export interface TranslationTarget {
  /** The model sent upstream (already renamed by the router: renaming happens there only). */
  model: string;
  capabilities: UpstreamCapabilities;
}

/** The options of both directions of one turn's translation, for one upstream target. */
export interface TranslationOptions {
  /** For `convertRequestToChat`. */
  request: ConvertRequestOptions;
  /** For the reply translators, less the tool bindings (they come out of `convertRequestToChat`). */
  reply: Omit<ReplyOptions, "tools">;
}

/**
 * The one place where a target's capabilities, the bridge's settings and the request's own switches
 * (`include`, `reasoning.summary`, `top_logprobs`) become translation options. A new capability flag is
 * read here (and in the translator that honours it), nowhere else.
 */
export function createTranslationOptions(
  request: ResponsesRequest,
  history: ResponseInputItem[],
  target: TranslationTarget,
  settings: TranslationSettings,
): TranslationOptions {
  const { capabilities } = target;
  const include = request.include ?? [];
  const convert: ConvertRequestOptions = { history, capabilities, model: target.model };
  if (settings.hostedTools !== undefined) convert.hostedTools = settings.hostedTools;
  if (settings.orphanToolOutputs !== undefined) convert.orphanToolOutputs = settings.orphanToolOutputs;
  if (settings.contextWindow !== undefined) convert.contextWindow = settings.contextWindow;
  if (capabilities.fileParts !== undefined) convert.fileParts = capabilities.fileParts;
  if (capabilities.reasoningEfforts !== undefined)
    convert.acceptedReasoningEfforts = capabilities.reasoningEfforts;
  return {
    request: convert,
    reply: {
      reasoningSummary: request.reasoning?.summary != null,
      includeEncryptedReasoning: include.includes("reasoning.encrypted_content"),
      lengthFinish: settings.lengthFinish ?? "incomplete",
      thinkTags: capabilities.thinkTags ?? true,
      logprobs: include.includes("message.output_text.logprobs") || (request.top_logprobs ?? 0) > 0,
    },
  };
}
