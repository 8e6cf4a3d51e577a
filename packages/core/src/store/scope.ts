// The scope of a store operation (its own module: both store contracts and types.ts use it).

/** Scope of a store operation: the tenant an id belongs to (set by the `authenticate` hook in later versions). */
export interface StoreScope {
  /** Tenant or principal id; records of one tenant are invisible to another. */
  tenant?: string;
}
