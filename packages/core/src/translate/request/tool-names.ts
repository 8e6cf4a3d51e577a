/**
 * Chat function names for tools that live inside a `namespace` tool (Codex `multi_agent_v1`, MCP
 * servers, code mode's `functions`). Chat backends only know a flat list of functions whose names
 * match `^[a-zA-Z0-9_-]{1,64}$`, so `namespace` + `name` become one such name.
 */

/** Longest chat function name OpenAI (and most backends) accept. */
export const MAX_TOOL_NAME_LENGTH = 64;

const INVALID_NAME_CHARACTERS = /[^a-zA-Z0-9_-]/g;

/**
 * The chat function name of tool `name` in namespace `namespace`: `${namespace}__${name}` (the
 * separator Codex itself uses for MCP tools), characters outside `[a-zA-Z0-9_-]` replaced by `_`, and
 * names longer than 64 characters cut to 55 characters plus `_` and an 8-hex-digit hash of the
 * original pair (so two long names that share a prefix stay apart). Deterministic: the same pair
 * always gives the same name, which lets history items of a tool no longer declared still translate.
 *
 * @param namespace - The namespace tool's `name`.
 * @param name - The inner tool's `name`.
 * @returns A name matching `^[a-zA-Z0-9_-]{1,64}$`.
 */
export function flattenToolName(namespace: string, name: string): string {
  const flat = `${namespace}__${name}`.replace(INVALID_NAME_CHARACTERS, "_");
  if (flat.length <= MAX_TOOL_NAME_LENGTH) return flat;
  const hash = hashName(`${namespace}\u0000${name}`);
  return `${flat.slice(0, MAX_TOOL_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

/**
 * Hands out unique chat function names: the preferred name when it is free, otherwise the name with
 * `_2`, `_3`... (cut so it stays within 64 characters).
 */
export function createNameAllocator(): (preferred: string) => string {
  const used = new Set<string>();
  return (preferred) => {
    let name = preferred;
    for (let counter = 2; used.has(name); counter++) {
      const suffix = `_${counter}`;
      name = `${preferred.slice(0, MAX_TOOL_NAME_LENGTH - suffix.length)}${suffix}`;
    }
    used.add(name);
    return name;
  };
}

/** FNV-1a (32-bit) of the UTF-16 code units, as 8 hex digits: short, stable, no dependencies. */
function hashName(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
