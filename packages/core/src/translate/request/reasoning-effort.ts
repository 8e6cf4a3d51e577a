/**
 * `reasoning.effort` -> the backend's effort parameter. Only the effort is ever sent: the rest of
 * the Responses `reasoning` object (`summary`, `generate_summary`, Codex's `context`) means nothing
 * to a chat backend and breaks some (CLIENTS.md corner case 19).
 *
 * Values the backend accepts (`acceptedEfforts`, default `low`, `medium`, `high`: what every
 * backend with an effort parameter understands) are sent as they are. Others are mapped to the
 * nearest accepted value, with a `reasoning_effort_mapped` warning:
 * - `minimal` -> `low`; `xhigh`, `max` -> `high` (each only when the target is accepted);
 * - `none`, and any other value -> not sent (the backend's default applies).
 */
import type { TranslationWarning, UpstreamCapabilities } from "../../types.js";

/** Effort values sent as they are when no list is configured. */
export const DEFAULT_ACCEPTED_EFFORTS: readonly string[] = ["low", "medium", "high"];

const NEAREST: Readonly<Record<string, string>> = { minimal: "low", xhigh: "high", max: "high" };

/** The chat params that carry the effort, or undefined when none is sent. */
export type EffortParams = { reasoning_effort: string } | { reasoning: { effort: string } } | undefined;

/**
 * The chat parameters for a requested effort.
 *
 * @param effort - `reasoning.effort` of the request.
 * @param field - `capabilities.reasoningEffort` (default `"reasoning_effort"`).
 * @param accepted - Effort values the backend accepts verbatim.
 */
export function convertReasoningEffort(
  effort: string | null | undefined,
  field: UpstreamCapabilities["reasoningEffort"],
  accepted: readonly string[],
  warnings: TranslationWarning[],
): EffortParams {
  if (typeof effort !== "string" || field === "none") return undefined;
  let value: string | undefined = effort;
  if (!accepted.includes(effort)) {
    const nearest = NEAREST[effort];
    value = nearest !== undefined && accepted.includes(nearest) ? nearest : undefined;
    warnings.push({
      code: "reasoning_effort_mapped",
      message:
        value === undefined
          ? `reasoning.effort '${effort}' is not supported by the chat backend; no effort was sent.`
          : `reasoning.effort '${effort}' is not supported by the chat backend; '${value}' was sent instead.`,
      param: "reasoning.effort",
    });
  }
  if (value === undefined) return undefined;
  return field === "reasoning_object" ? { reasoning: { effort: value } } : { reasoning_effort: value };
}
