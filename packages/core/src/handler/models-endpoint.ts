import { notFound } from "../errors.js";
import type { UpstreamModel } from "../types.js";
import type { ResponsesHandlerOptions } from "./options.js";
import type { UpstreamRouter } from "./upstream-router.js";

/** How long the upstream's own model list is reused, in milliseconds. */
export const MODELS_CACHE_MS = 60_000;

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/**
 * `GET …/models` and `GET …/models/{id}`: the configured names (`models` option and `routes` keys) when
 * there are any; otherwise, with a single upstream that can list its models, that upstream's own list,
 * fetched at most once a minute (concurrent requests share one fetch; a failure is not cached).
 */
export function createModelsEndpoint(
  options: ResponsesHandlerOptions,
  router: UpstreamRouter,
  now: () => number,
) {
  let cached: { at: number; list: Promise<UpstreamModel[]> } | undefined;

  function upstreamModels(signal: AbortSignal): Promise<UpstreamModel[]> | undefined {
    const upstream = options.upstream;
    if (options.routes !== undefined || typeof upstream?.listModels !== "function") return undefined;
    if (cached && now() - cached.at < MODELS_CACHE_MS) return cached.list;
    const list = upstream.listModels({ signal });
    const entry = { at: now(), list };
    cached = entry;
    list.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return list;
  }

  async function list(signal: AbortSignal): Promise<ModelEntry[]> {
    const created = Math.floor(now() / 1000);
    const configured = router.models();
    const passed = configured.length === 0 ? upstreamModels(signal) : undefined;
    if (!passed)
      return configured.map((id) => ({ id, object: "model", created, owned_by: "responses-bridge" }));
    return (await passed).map((model) => ({
      id: model.id,
      object: "model",
      created: model.created ?? created,
      owned_by: model.owned_by ?? "upstream",
    }));
  }

  return {
    /** The list body, or one model (404 `not_found` when absent). */
    async answer(id: string | undefined, signal: AbortSignal): Promise<unknown> {
      const models = await list(signal);
      if (id === undefined) return { object: "list", data: models };
      const model = models.find((entry) => entry.id === id);
      if (!model) throw notFound(`The model '${id}' does not exist.`);
      return model;
    },
  };
}
