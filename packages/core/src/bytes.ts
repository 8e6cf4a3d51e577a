/** The parts as one array of `total` bytes (the only part itself when there is one: the common case). */
export function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** One decoder for whole texts: each is decoded in one call, so no state carries between them. */
const wholeTextDecoder = new TextDecoder();

/** The UTF-8 text of the parts, decoded in one call (a leading byte-order mark is dropped). */
export function decodeWhole(parts: readonly Uint8Array[], total: number): string {
  return wholeTextDecoder.decode(concatBytes(parts, total));
}
