import type { BridgeObserver, RequestObserver } from "./observer-types.js";

type Callback = Exclude<keyof RequestObserver, "end" | "upstreamRequest">;
const CALLBACKS: readonly Callback[] = [
  "parsed",
  "upstreamResponse",
  "upstreamChunk",
  "upstreamCompletion",
  "event",
  "keepAlive",
  "warning",
];

/**
 * One observer that feeds several (for example metrics, OpenTelemetry and the inspector), for the
 * handler's single `observer` option. Undefined entries are skipped; with one observer left it is
 * returned as it is, so composing costs nothing. Callbacks run in the given order; headers returned by
 * several `upstreamRequest` callbacks are merged (later ones win).
 *
 * @example
 * ```ts
 * createResponsesHandler({ upstream, observer: combineObservers(metrics, inspector.observer) });
 * ```
 */
export function combineObservers(
  ...observers: ReadonlyArray<BridgeObserver | undefined>
): BridgeObserver | undefined {
  const present = observers.filter((observer): observer is BridgeObserver => observer !== undefined);
  if (present.length <= 1) return present[0];
  return {
    request(info) {
      const parts: RequestObserver[] = [];
      for (const observer of present) {
        const part = observer.request(info);
        if (part) parts.push(part);
      }
      if (parts.length <= 1) return parts[0];
      const combined: RequestObserver = {
        upstreamRequest(request) {
          let headers: Record<string, string> | undefined;
          for (const part of parts) {
            const added = part.upstreamRequest?.(request);
            if (added) headers = { ...headers, ...added };
          }
          return headers;
        },
        end(outcome) {
          for (const part of parts) part.end(outcome);
        },
      };
      // Only the callbacks some part has, so the handler's fast paths stay on for the others.
      for (const name of CALLBACKS) {
        const watching = parts.filter((part) => part[name] !== undefined);
        if (watching.length === 0) continue;
        (combined as Record<Callback, (...args: unknown[]) => void>)[name] = (...args: unknown[]) => {
          for (const part of watching) (part[name] as (...args: unknown[]) => void)(...args);
        };
      }
      return combined;
    },
  };
}
