/** The cookie that carries an inspector session. */
export const SESSION_COOKIE = "rb_inspector";

/** Compares two strings in time that depends only on their lengths. */
export function sameText(given: string, expected: string): boolean {
  const length = Math.max(given.length, expected.length);
  let difference = given.length ^ expected.length;
  for (let index = 0; index < length; index++) {
    difference |= (given.charCodeAt(index) | 0) ^ (expected.charCodeAt(index) | 0);
  }
  return difference === 0;
}

function randomToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

/** How a request proved it may see the inspector. */
export type AccessCheck = "allowed" | "key-in-query" | "denied";

/** Checks requests against an access key (see {@link createAccessGate}). */
export interface AccessGate {
  /** Whether a key is needed at all. */
  readonly required: boolean;
  /** `allowed` (header or session cookie), `key-in-query` (a valid `?key=`: set the cookie), or `denied`. */
  check(request: Request, url: URL): AccessCheck;
  /** The `Set-Cookie` value opening a session, scoped to `path`. */
  sessionCookie(path: string): string;
}

/**
 * Access to the inspector with a key: `Authorization: Bearer KEY` on each request (scripts, curl), or
 * `?key=KEY` once in the browser, which sets an HttpOnly, SameSite=Strict session cookie holding a random
 * token (never the key) so the key leaves the address bar at once. Without a key everything is allowed.
 */
export function createAccessGate(key: string | undefined): AccessGate {
  const session = randomToken();
  return {
    required: key !== undefined,
    check(request, url) {
      if (key === undefined) return "allowed";
      const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
      if (bearer !== undefined && sameText(bearer, key)) return "allowed";
      const cookie = cookieValue(request.headers.get("cookie"), SESSION_COOKIE);
      if (cookie !== undefined && sameText(cookie, session)) return "allowed";
      const query = url.searchParams.get("key");
      if (query !== null && sameText(query, key)) return "key-in-query";
      return "denied";
    },
    sessionCookie(path) {
      return `${SESSION_COOKIE}=${session}; Path=${path}; HttpOnly; SameSite=Strict`;
    },
  };
}
