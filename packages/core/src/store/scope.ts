// The scope of a store operation (its own module: both store contracts and types.ts use it).

/** Scope of a store operation: the tenant an id belongs to (set by the `authenticate` hook in later versions). */
export interface StoreScope {
  /** Tenant or principal id; records of one tenant are invisible to another. */
  tenant?: string;
}

/**
 * An unambiguous in-memory key for `id` in `scope`: the tenant's length, the tenant, then the id. No id,
 * whatever characters it holds, can make one scope's key equal another's (a tenantless key starts with `0:`).
 * Shared by every in-process store (records, items, conversations, turn logs).
 */
export function scopedKey(id: string, scope: StoreScope | undefined): string {
  const tenant = scope?.tenant ?? "";
  return `${tenant.length}:${tenant}${id}`;
}
