import { redactSecrets } from "@responses-bridge/core/http";

/** What replaces a secret. */
export const REDACTED = "[redacted]";

/** Header names whose values are credentials. */
const SECRET_HEADER = /(authorization|cookie|api[-_]?key|token|secret|password|session)/i;

/** JSON keys whose values are credentials wherever they appear (MCP tool headers, provider options...). */
const SECRET_KEY =
  /^(authorization|proxy[-_]?authorization|x[-_]?api[-_]?key|api[-_]?key|apikey|secret|client[-_]?secret|password|passwd|access[-_]?token|refresh[-_]?token|id[-_]?token|token|bearer|cookie|set[-_]?cookie)$/i;

/**
 * Request headers as a plain object, with credential headers (`authorization`, `cookie`, `x-api-key`,
 * anything naming a key, token, secret or password) replaced by `[redacted]`.
 */
export function redactHeaders(headers: Headers): Record<string, string> {
  const result: Record<string, string> = {};
  headers.forEach((value, name) => {
    result[name] = SECRET_HEADER.test(name) ? REDACTED : value;
  });
  return result;
}

/**
 * A deep copy of a JSON value with secrets removed: values under credential keys (`authorization`,
 * `api_key`, `token`, `password`...) become `[redacted]`, and strings lose bearer tokens, well-known key
 * shapes (`sk-...`) and the given literal secrets (core's `redactSecrets`). Cycles and non-JSON values are
 * dropped.
 *
 * @param value - A parsed JSON value (a request, a Response object).
 * @param secrets - Literal values to remove wherever they appear (the upstream and client keys).
 */
export function redactValue(value: unknown, secrets: readonly string[] = []): unknown {
  const seen = new Set<object>();
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return redactSecrets(node, secrets);
    if (node === null || typeof node !== "object") {
      return typeof node === "function" || typeof node === "symbol" || typeof node === "bigint"
        ? undefined
        : node;
    }
    if (seen.has(node)) return undefined;
    seen.add(node);
    let copy: unknown;
    if (Array.isArray(node)) {
      copy = node.map((item) => walk(item) ?? null);
    } else {
      const object: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        if (SECRET_KEY.test(key) && child !== null && child !== undefined && child !== "") {
          object[key] = REDACTED;
          continue;
        }
        const next = walk(child);
        if (next !== undefined) object[key] = next;
      }
      copy = object;
    }
    seen.delete(node);
    return copy;
  };
  return walk(value);
}
