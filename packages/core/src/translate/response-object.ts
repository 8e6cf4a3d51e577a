import type { Response, Tool } from "openai/resources/responses/responses";
import type { ResponseObject, ResponsesRequest, ResponseUsage } from "../types.js";

/** Identity and timing of one response, fixed when the request is accepted. */
export interface ResponseIdentity {
  /** The `resp_…` id. */
  id: string;
  /** Unix seconds. */
  createdAt: number;
}

function echoTool(tool: Tool): Tool {
  if (tool.type !== "function") return tool;
  return {
    type: "function",
    name: tool.name,
    description: tool.description ?? null,
    parameters: tool.parameters ?? null,
    strict: tool.strict ?? null,
  };
}

/**
 * The Response object for a request before any output exists (`status: "in_progress"`): the
 * request's settings echoed back with OpenAI's defaults, and every key of the Open Responses
 * `ResponseResource` present, null where unknown.
 */
export function createResponseObject(request: ResponsesRequest, identity: ResponseIdentity): ResponseObject {
  const serviceTier =
    request.service_tier && request.service_tier !== "auto" ? request.service_tier : "default";
  return {
    id: identity.id,
    object: "response",
    created_at: identity.createdAt,
    completed_at: null,
    status: "in_progress",
    background: request.background ?? false,
    error: null,
    incomplete_details: null,
    instructions: typeof request.instructions === "string" ? request.instructions : null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    model: request.model ?? "",
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    safety_identifier: request.safety_identifier ?? null,
    service_tier: serviceTier,
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: {
      format: request.text?.format ?? { type: "text" },
      verbosity: request.text?.verbosity ?? "medium",
    },
    tool_choice: request.tool_choice ?? "auto",
    tools: (request.tools ?? []).map(echoTool),
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    presence_penalty: request.presence_penalty ?? 0,
    frequency_penalty: request.frequency_penalty ?? 0,
    truncation: request.truncation ?? "disabled",
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

/** The fields that change when a response ends. */
export interface ResponseOutcome {
  status: "completed" | "incomplete" | "failed";
  output: Response["output"];
  usage: ResponseUsage | null;
  incompleteReason?: "max_output_tokens" | "content_filter" | null;
  error?: { code: string; message: string } | null;
  /** Unix seconds, set for completed responses. */
  completedAt?: number | null;
}

/** A copy of `base` with the final status, output, usage and error filled in. */
export function finishResponseObject(base: ResponseObject, outcome: ResponseOutcome): ResponseObject {
  return {
    ...base,
    status: outcome.status,
    output: outcome.output,
    usage: outcome.usage ?? null,
    completed_at: outcome.status === "completed" ? (outcome.completedAt ?? null) : null,
    incomplete_details: outcome.incompleteReason ? { reason: outcome.incompleteReason } : null,
    error: (outcome.error as Response["error"]) ?? null,
  };
}
