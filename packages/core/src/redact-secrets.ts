/**
 * Secret redaction for every string that may reach a client, a hook or a log. The upstreams register
 * the keys they are configured with ({@link registerSecrets}); every `ResponsesBridgeError` is redacted
 * at construction (message, code, param, header values, the cause's message), so no code path that
 * forwards an error can forget it.
 *
 * A secret is matched by any of its substrings of {@link MIN_SECRET_FRAGMENT} characters or more, so a
 * key cut by truncation, split across stream chunks or partly quoted is still removed.
 */

/** Shortest part of a secret that is redacted on its own. */
export const MIN_SECRET_FRAGMENT = 8;

/** Most secrets kept in the registry; the oldest are forgotten beyond it (upstreams made per request). */
const MAX_REGISTERED = 256;

const REDACTED = "[redacted]";
const WORD = /^[a-z]+$/;
const registered = new Set<string>();

/**
 * Registers secrets (API keys, credential header values) that must never appear in an error, a
 * forwarded header, a hook payload or a log line of this process. Values shorter than 8 characters are
 * ignored (placeholders such as `ollama` would garble every message); an upstream still removes its own
 * short key from the errors it makes. Called by the upstream factories; call it for your own upstreams.
 */
export function registerSecrets(...secrets: ReadonlyArray<string | null | undefined>): void {
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < MIN_SECRET_FRAGMENT) continue;
    registered.delete(secret);
    registered.add(secret);
    if (registered.size > MAX_REGISTERED) registered.delete(registered.values().next().value!);
  }
}

/** Whether a header holds a credential (its value is then registered as a secret). */
export function isCredentialHeader(name: string): boolean {
  return /auth|key|token|secret|cookie|password/i.test(name);
}

const fragmentLists = new Map<string, string[]>();

/**
 * The substrings of {@link MIN_SECRET_FRAGMENT} characters of `secret` that are searched for, worked out
 * once per secret (every log line and error is searched for the same few), for at most twice as many
 * secrets as the registry holds.
 */
function fragmentsOf(secret: string): string[] {
  let fragments = fragmentLists.get(secret);
  if (!fragments) {
    fragments = [];
    for (let offset = 0; offset + MIN_SECRET_FRAGMENT <= secret.length; offset++) {
      const gram = secret.slice(offset, offset + MIN_SECRET_FRAGMENT);
      // A run of lowercase letters is a word ("upstream" in "sk-upstream-key"), not a key fragment: random
      // keys hold such a run in about 0.1% of their positions, and redacting words would garble messages.
      if (!WORD.test(gram)) fragments.push(gram);
    }
    if (fragmentLists.size >= 2 * MAX_REGISTERED) fragmentLists.clear();
    fragmentLists.set(secret, fragments);
  }
  return fragments;
}

/** Ranges `[start, end)` of `text` made of substrings of `secret` of at least {@link MIN_SECRET_FRAGMENT} characters. */
function fragmentRanges(text: string, secret: string, ranges: Array<[number, number]>): void {
  for (const gram of fragmentsOf(secret)) {
    for (let at = text.indexOf(gram); at >= 0; at = text.indexOf(gram, at + 1)) {
      ranges.push([at, at + MIN_SECRET_FRAGMENT]);
    }
  }
}

function replaceRanges(text: string, ranges: Array<[number, number]>): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let result = "";
  let cursor = 0;
  let [start, end] = ranges[0]!;
  for (const [from, to] of ranges) {
    if (from <= end) {
      end = Math.max(end, to);
      continue;
    }
    result += text.slice(cursor, start) + REDACTED;
    cursor = end;
    start = from;
    end = to;
  }
  return result + text.slice(cursor, start) + REDACTED + text.slice(end);
}

/**
 * Removes only the registered secrets (and their substrings of 8 or more characters) from `text`, leaving
 * token-like strings alone: for model output passed through as it is (`/chat/completions`), where a
 * `sk-…` in a code sample is content, not a leak.
 */
export function redactRegisteredSecrets(text: string): string {
  if (registered.size === 0 || text === "") return text;
  const ranges: Array<[number, number]> = [];
  for (const secret of registered) fragmentRanges(text, secret, ranges);
  return replaceRanges(text, ranges);
}

/**
 * Removes secrets from text that may reach a client or a log: bearer tokens, `sk-…` style keys, the
 * given literal secrets and every registered one (see {@link registerSecrets}), including any substring
 * of 8 or more characters of a secret.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  if (typeof text !== "string" || text === "") return text;
  let result = text;
  const ranges: Array<[number, number]> = [];
  const all = secrets.length === 0 ? registered : new Set([...registered, ...secrets]);
  // Whole keys first, so none of their letters are left beside the mark; then pieces of them.
  for (const secret of all) {
    if (secret && secret.length >= 4 && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  for (const secret of all) {
    if (secret && secret.length >= MIN_SECRET_FRAGMENT) fragmentRanges(result, secret, ranges);
  }
  result = replaceRanges(result, ranges);
  return result
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]{6,}/gi, "Bearer [redacted]")
    .replace(/\b(sk|pk|rk|gsk|xai|sk-or-v1)-[A-Za-z0-9_-]{8,}/g, REDACTED);
}

/** Registers an upstream's API key and the values of its credential headers (see {@link registerSecrets}). */
export function registerUpstreamSecrets(
  apiKey: string | null | undefined,
  headers: Readonly<Record<string, string>> = {},
): void {
  registerSecrets(
    apiKey,
    ...Object.entries(headers)
      .filter(([name]) => isCredentialHeader(name))
      .map(([, value]) => value),
  );
}
