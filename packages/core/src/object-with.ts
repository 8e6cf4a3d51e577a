/**
 * `{ ...base, ...fields }` (same keys, same order, later values win), written so that Node 20 gives every
 * result the same hidden class.
 *
 * On Node 20 (V8 11.3), once a function is optimised, a literal that starts with a spread and then adds a
 * key the source lacks (`{ ...call, headers }`) gets a hidden class of its own on every call: about 1 µs
 * per object, a map allocated in the old generation for each, and every later property read on those
 * objects megamorphic. `Object.assign` onto a fresh `{}` shares one. Node 22 and later are not affected,
 * and a spread that only overwrites keys the source already has (`{ ...request, input }`) is fine on all.
 * Used on the per-request paths; `test/hidden-classes.test.ts` checks they stay shared.
 */
export function objectWith<T extends object, U extends object>(base: T, fields: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, fields);
}
