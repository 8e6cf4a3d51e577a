/**
 * Sealed `encrypted_content` for `compaction` items: AES-256-GCM with a key derived (HKDF-SHA-256) from a
 * secret, through the Web Crypto API (no `node:` import). The store scope's tenant is the additional
 * authenticated data, so a client can neither read a summary, forge one, nor replay one sealed for
 * another tenant: any change makes {@link Sealer.open} return undefined.
 *
 * Format: `rbc1.` + base64url(12-byte IV ‖ ciphertext ‖ tag).
 */

/** Seals and opens compaction summaries. */
export interface Sealer {
  /** Encrypts `plaintext`, bound to `scope` (the tenant, or "" without one). */
  seal(plaintext: string, scope: string): Promise<string>;
  /** The plaintext, or undefined when `sealed` was not sealed by this secret for this scope. */
  open(sealed: string, scope: string): Promise<string | undefined>;
}

const PREFIX = "rbc1.";
const IV_BYTES = 12;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = new Uint8Array(binary.length);
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * A {@link Sealer} keyed by `secret` (at least 16 bytes; a string is taken as UTF-8). Without a secret a
 * random one is drawn: summaries then only open in this process (they do not survive a restart and are
 * not shared between instances).
 *
 * @throws {TypeError} when the secret is shorter than 16 bytes.
 */
export function createSealer(secret?: string | Uint8Array): Sealer {
  const raw =
    secret === undefined
      ? crypto.getRandomValues(new Uint8Array(32))
      : typeof secret === "string"
        ? encoder.encode(secret)
        : secret;
  if (raw.length < 16) throw new TypeError("compactionSecret must be at least 16 bytes");
  const key: Promise<CryptoKey> = crypto.subtle
    .importKey("raw", raw as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveKey"])
    .then((material) =>
      crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: encoder.encode("responses-bridge compaction"),
          info: encoder.encode("aes-256-gcm v1"),
        },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      ),
    );
  return {
    async seal(plaintext, scope) {
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: encoder.encode(scope) },
        await key,
        encoder.encode(plaintext),
      );
      const out = new Uint8Array(IV_BYTES + sealed.byteLength);
      out.set(iv);
      out.set(new Uint8Array(sealed), IV_BYTES);
      return PREFIX + toBase64Url(out);
    },
    async open(sealed, scope) {
      if (!sealed.startsWith(PREFIX)) return undefined;
      const bytes = fromBase64Url(sealed.slice(PREFIX.length));
      if (!bytes || bytes.length < IV_BYTES + 16) return undefined;
      try {
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData: encoder.encode(scope) },
          await key,
          bytes.subarray(IV_BYTES),
        );
        return decoder.decode(plain);
      } catch {
        return undefined;
      }
    },
  };
}
