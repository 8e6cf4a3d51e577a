import { notFound, ResponsesBridgeError, toBridgeError } from "../errors.js";
import type { ChatUpstream, UpstreamCapabilities } from "../types.js";
import type { ModelRoutes, ResponsesHandlerOptions, RouteTarget, UpstreamRoute } from "./options.js";

/** One resolved place to send a request. */
export interface ResolvedTarget {
  upstream: ChatUpstream;
  /** Model name to send. */
  model: string;
  capabilities: UpstreamCapabilities;
}

function isRoute(value: ChatUpstream | UpstreamRoute): value is UpstreamRoute {
  return "upstream" in value && typeof (value as UpstreamRoute).upstream?.create === "function";
}

function toList(target: RouteTarget): ReadonlyArray<ChatUpstream | UpstreamRoute> {
  return Array.isArray(target)
    ? (target as ReadonlyArray<ChatUpstream | UpstreamRoute>)
    : [target as ChatUpstream | UpstreamRoute];
}

/** True for failures worth trying the next upstream for: unreachable, 5xx, 429. */
export function isRetriableUpstreamFailure(error: unknown): boolean {
  if (!ResponsesBridgeError.isInstance(error)) return false;
  return error.status === 429 || error.status >= 500;
}

/** Resolves model names to upstreams and lists the models the routes expose. */
export interface UpstreamRouter {
  /** The ordered targets for a requested model; throws 404 `model_not_found` when nothing serves it. */
  resolve(requested: string): ResolvedTarget[];
  /** Model ids for `GET /v1/models`. */
  models(): string[];
  /**
   * Runs `attempt` against each target in turn until one succeeds; moves on only for retriable
   * failures before the first byte, and never after the client went away.
   */
  withFallback<T>(
    targets: ResolvedTarget[],
    signal: AbortSignal,
    attempt: (target: ResolvedTarget) => Promise<T>,
  ): Promise<T>;
}

/** Builds the {@link UpstreamRouter} for the handler's `upstream`, `routes`, `model` and `capabilities` options. */
export function createUpstreamRouter(options: ResponsesHandlerOptions): UpstreamRouter {
  const routes: ModelRoutes | undefined = options.routes;
  const rewrite = options.model;
  const rename = (requested: string) =>
    rewrite === undefined ? requested : typeof rewrite === "string" ? rewrite : rewrite(requested);

  function toTarget(entry: ChatUpstream | UpstreamRoute, requested: string): ResolvedTarget {
    const route = isRoute(entry) ? entry : { upstream: entry };
    return {
      upstream: route.upstream,
      model: route.model ?? rename(requested),
      capabilities: { ...route.upstream.capabilities, ...options.capabilities, ...route.capabilities },
    };
  }

  return {
    resolve(requested) {
      let target: RouteTarget | undefined;
      if (typeof routes === "function") target = routes(requested);
      else if (routes) target = Object.hasOwn(routes, requested) ? routes[requested] : routes["*"];
      if (target === undefined && options.upstream) target = options.upstream;
      if (target === undefined || toList(target).length === 0) {
        const error = notFound(`The model '${requested}' does not exist or you do not have access to it.`);
        throw new ResponsesBridgeError(error.message, {
          status: 404,
          type: "invalid_request_error",
          param: "model",
          code: "model_not_found",
        });
      }
      return toList(target).map((entry) => toTarget(entry, requested));
    },
    models() {
      const names = new Set<string>(options.models ?? []);
      if (routes && typeof routes !== "function")
        for (const name of Object.keys(routes)) if (name !== "*") names.add(name);
      return [...names];
    },
    async withFallback(targets, signal, attempt) {
      let lastError: unknown;
      for (let index = 0; index < targets.length; index++) {
        try {
          return await attempt(targets[index]!);
        } catch (error) {
          lastError = error;
          if (
            signal.aborted ||
            index === targets.length - 1 ||
            !isRetriableUpstreamFailure(toBridgeError(error))
          )
            throw error;
        }
      }
      throw lastError;
    },
  };
}
