import { ResponsesBridgeError } from "../errors.js";

/**
 * What `openAICompatibleUpstream` does with a redirect (3xx) from the upstream:
 * - `"error"` (default): nothing is followed; the client gets a 502 `upstream_redirect`. A server-side
 *   proxy that follows redirects would send the conversation (and the API key) wherever the upstream
 *   points.
 * - `"same-origin"`: a redirect to the same origin (scheme, host and port) is followed, repeating the
 *   same POST (up to 5 times); one to another origin is a 502 as above.
 */
export type UpstreamRedirectMode = "error" | "same-origin";

/** How many same-origin redirects are followed before the call fails. */
export const MAX_UPSTREAM_REDIRECTS = 5;

/** Whether `status` is a redirect a `fetch` would follow. */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * The URL to send the call to next after a redirect answer; throws the 502 `upstream_redirect` otherwise: only when `mode` is
 * `"same-origin"`, the `location` resolves to the origin of `url`, and fewer than
 * {@link MAX_UPSTREAM_REDIRECTS} were followed. The client's message never names the target.
 */
export function nextRedirect(
  status: number,
  location: string | null,
  url: string,
  mode: UpstreamRedirectMode,
  followed: number,
): string {
  let target: URL | undefined;
  try {
    target = location ? new URL(location, url) : undefined;
  } catch {
    target = undefined;
  }
  const sameOrigin = target !== undefined && target.origin === new URL(url).origin;
  if (mode === "same-origin" && sameOrigin && followed < MAX_UPSTREAM_REDIRECTS) return target!.href;
  const why =
    mode === "error"
      ? "redirects are not followed (openAICompatibleUpstream option `redirect`)"
      : !sameOrigin
        ? "it points to another origin, which is not followed"
        : `more than ${MAX_UPSTREAM_REDIRECTS} redirects`;
  throw new ResponsesBridgeError(
    `The upstream answered with a redirect (HTTP ${status}); ${why}. Check the upstream's baseURL.`,
    { status: 502, type: "server_error", code: "upstream_redirect" },
  );
}
