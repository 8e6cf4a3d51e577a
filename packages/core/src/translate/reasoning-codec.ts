/**
 * The `encrypted_content` of reasoning items the bridge emits. Stateless clients (Codex with
 * `store: false`) send reasoning items back verbatim; this opaque string lets the bridge recover the
 * reasoning text for backends that need it in the history. It is an encoding, not encryption: it only
 * ever holds what the model already sent to this client.
 */
const PREFIX = "rb1.";

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Encodes reasoning text as an `encrypted_content` string. */
export function encodeReasoningContent(text: string): string {
  return PREFIX + toBase64Url(new TextEncoder().encode(text));
}

/**
 * Decodes an `encrypted_content` string made by {@link encodeReasoningContent}; undefined for anything
 * else (OpenAI's real encrypted reasoning, garbage), which callers must simply ignore.
 */
export function decodeReasoningContent(value: string | null | undefined): string | undefined {
  if (typeof value !== "string" || !value.startsWith(PREFIX)) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(fromBase64Url(value.slice(PREFIX.length)));
  } catch {
    return undefined;
  }
}
