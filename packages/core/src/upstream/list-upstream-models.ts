import { redactSecrets, upstreamConnectionError, upstreamError } from "../errors.js";
import type { UpstreamCallOptions, UpstreamModel } from "../types.js";
import type { UpstreamFetch } from "./upstream-fetch.js";

const MAX_MODELS_BYTES = 4 * 1024 * 1024;

/**
 * `GET {baseURL}/models` on an OpenAI-compatible backend: its model list (`data[]` entries with a string
 * `id`). Non-2xx answers become upstream errors with the backend's status; secrets never reach a message.
 */
export async function listUpstreamModels(
  fetch: UpstreamFetch,
  baseURL: string,
  headers: Record<string, string>,
  secrets: readonly (string | undefined)[],
  call: UpstreamCallOptions,
): Promise<UpstreamModel[]> {
  const url = `${baseURL.replace(/\/+$/, "")}/models`;
  const { "content-type": _json, ...sent } = headers;
  let text: string;
  let status: number;
  try {
    const response = await fetch(url, {
      method: "GET",
      headers: { ...sent, ...call.headers, accept: "application/json" },
      signal: call.signal,
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (call.signal.aborted) throw error;
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : "";
    throw upstreamConnectionError(
      redactSecrets(`Could not list the upstream's models${reason ? `: ${reason}` : ""}.`, secrets),
      error,
    );
  }
  if (status < 200 || status > 299) {
    throw upstreamError(status, redactSecrets(`Upstream error ${status}: ${text.slice(0, 512)}`, secrets));
  }
  if (text.length > MAX_MODELS_BYTES)
    throw upstreamConnectionError("The upstream's model list is too large.");
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch (error) {
    throw upstreamConnectionError("The upstream's model list is not valid JSON.", error);
  }
  if (!Array.isArray(data)) return [];
  const models: UpstreamModel[] = [];
  for (const entry of data) {
    const { id, created, owned_by } = (entry ?? {}) as Record<string, unknown>;
    if (typeof id !== "string" || id.length === 0) continue;
    const model: UpstreamModel = { id };
    if (typeof created === "number") model.created = created;
    if (typeof owned_by === "string") model.owned_by = owned_by;
    models.push(model);
  }
  return models;
}
