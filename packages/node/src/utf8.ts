/** The UTF-8 text of byte chunks read in order (the one chunk itself when there is one: no copy). */
export function utf8Text(parts: readonly Buffer[]): string {
  return (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString("utf8");
}
