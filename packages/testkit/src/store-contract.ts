// A store contract: the behaviour every responses-bridge `ResponseStore` must have, as plain
// `{ name, run }` cases that throw on failure, so any test framework can run them.
//
// Structural types only: the testkit does not depend on @responses-bridge/core, and a store written
// against core's `ResponseStore` type is assignable to `ContractStore`.

/** A response item as the contract sees it: any JSON object; items that can be looked up carry an `id`. */
export interface ContractItem {
  /** Item id (`msg_…`, `fc_…`); required on output items, optional on input items. */
  id?: string;
  /** Item type, e.g. `message`, `function_call`. */
  type?: string;
}

/** The shape of core's `StoredResponse` that the contract relies on. */
export interface ContractRecord {
  /** The response id (`resp_…`). */
  id: string;
  /** The turn this one continued, or null. */
  previousResponseId: string | null;
  /** This turn's own input items. */
  input: ContractItem[];
  /** The Response object; the contract reads `id` and `output`. */
  response: { id: string; output: ContractItem[] };
}

/** Store scope, as in core's `StoreScope`. */
export interface ContractScope {
  /** Tenant id; records of one tenant are invisible to another. */
  tenant?: string;
}

/** The store interface under test: core's `ResponseStore`, structurally. */
export interface ContractStore {
  get(id: string, scope?: ContractScope): Promise<ContractRecord | undefined>;
  put(record: ContractRecord, scope?: ContractScope): Promise<void>;
  delete(id: string, scope?: ContractScope): Promise<boolean>;
  getChain?(id: string, scope?: ContractScope): Promise<ContractRecord[] | undefined>;
  getItems?(ids: readonly string[], scope?: ContractScope): Promise<ReadonlyMap<string, unknown>>;
}

/** What the factory is asked for. */
export interface StoreContractFactoryOptions {
  /** Time to live the store must apply to every record, in milliseconds. */
  ttlMs: number;
}

/**
 * Makes a fresh, empty store for one case (or a store on shared infrastructure under a fresh key
 * prefix). Called once per case; cases never share state.
 */
export type StoreContractFactory = (
  options: StoreContractFactoryOptions,
) => ContractStore | Promise<ContractStore>;

/** One contract case: `run` resolves when the store behaves, and rejects with a readable message otherwise. */
export interface StoreContractCase {
  /** What the case checks, usable as a test title. */
  name: string;
  /** Runs the case against a store made by the factory. */
  run(): Promise<void>;
}

/** Options for {@link storeContractCases}. */
export interface StoreContractOptions {
  /** TTL passed to the factory for the expiry case, in milliseconds. Default 300. */
  shortTtlMs?: number;
  /** TTL passed to the factory for every other case. Default 600,000 (ten minutes). */
  longTtlMs?: number;
  /** Characters in the large-record case's text. Default 1,000,000 (about 1 MB of JSON). */
  largeRecordChars?: number;
  /** Turns in the long-chain case. Default 200. */
  chainLength?: number;
}

class ContractFailure extends Error {
  override name = "StoreContractFailure";
}

function fail(message: string): never {
  throw new ContractFailure(message);
}

/** JSON with sorted keys, so two records compare equal whatever order a store keeps keys in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner as Record<string, unknown>).sort()) {
      sorted[key] = (inner as Record<string, unknown>)[key];
    }
    return sorted;
  });
}

function preview(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
}

function assertEqual(actual: unknown, expected: unknown, what: string): void {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) fail(`${what}: expected ${preview(String(e))}, got ${preview(String(a))}`);
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A fresh, unguessable id (192 random bits), as the bridge generates them. */
function newId(prefix: string): string {
  return `${prefix}_${randomHex(24)}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface TurnOptions {
  previous?: string | null;
  text?: string;
  /** Give the input message an id, so `getItems` can find it. */
  inputId?: string;
}

/** A realistic stored turn: one user message in, one assistant message and one function call out. */
function makeTurn(options: TurnOptions = {}): ContractRecord {
  const id = newId("resp");
  const text = options.text ?? `hello ${id.slice(-6)}`;
  const input: ContractItem[] = [
    {
      type: "message",
      role: "user",
      content: [{ type: "input_text", text }],
      ...(options.inputId ? { id: options.inputId } : {}),
    } as ContractItem,
  ];
  const output: ContractItem[] = [
    {
      id: newId("msg"),
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: `re: ${text} — «ünïcødé» 🚀`, annotations: [], logprobs: [] }],
    } as ContractItem,
    {
      id: newId("fc"),
      type: "function_call",
      call_id: newId("call"),
      name: "get_weather",
      arguments: '{"city":"Oslo"}',
      status: "completed",
    } as ContractItem,
  ];
  return {
    id,
    previousResponseId: options.previous ?? null,
    input,
    response: {
      id,
      object: "response",
      created_at: 1_700_000_000,
      status: "completed",
      model: "contract-model",
      previous_response_id: options.previous ?? null,
      instructions: null,
      metadata: { tag: "contract" },
      temperature: null,
      usage: null,
      output,
    } as ContractRecord["response"],
  };
}

function outputIds(record: ContractRecord): string[] {
  return record.response.output.map((item) => item.id as string);
}

/** The chain ending at `id`, oldest first: `getChain` when the store has it, else following links with `get`. */
async function chainOf(
  store: ContractStore,
  id: string,
  scope?: ContractScope,
): Promise<ContractRecord[] | undefined> {
  if (store.getChain) return store.getChain(id, scope);
  const chain: ContractRecord[] = [];
  let next: string | null = id;
  while (next !== null) {
    const record: ContractRecord | undefined = await store.get(next, scope);
    if (!record) return undefined;
    chain.push(record);
    next = record.previousResponseId;
  }
  return chain.reverse();
}

/**
 * The store contract as framework-agnostic cases. Each case calls `factory` for its own store and
 * throws on the first deviation. Run them with any runner, e.g. with vitest:
 *
 * @example
 * ```ts
 * for (const testCase of storeContractCases(({ ttlMs }) => createMemoryStore({ ttlMs }))) {
 *   it(testCase.name, testCase.run);
 * }
 * ```
 *
 * Covered: put/get/delete, unknown ids, overwrite, tenant isolation (get, delete, chains, items),
 * isolation between a tenant and a principal without one (ids spelling another scope's keys included),
 * chains (`getChain` when implemented, else walking `get`; a missing link means no chain), `getItems`
 * (when implemented), TTL expiry (the factory receives a short `ttlMs`; the case waits it out), large
 * records, and a long chain.
 */
export function storeContractCases(
  factory: StoreContractFactory,
  options: StoreContractOptions = {},
): StoreContractCase[] {
  const shortTtlMs = options.shortTtlMs ?? 300;
  const longTtlMs = options.longTtlMs ?? 600_000;
  const largeChars = options.largeRecordChars ?? 1_000_000;
  const chainLength = options.chainLength ?? 200;
  const make = () => Promise.resolve(factory({ ttlMs: longTtlMs }));

  const cases: StoreContractCase[] = [
    {
      name: "put then get returns an equal record",
      async run() {
        const store = await make();
        const record = makeTurn({ text: 'quotes " backslash \\ newline \n tab \t nul \u0000 end' });
        await store.put(record);
        assertEqual(await store.get(record.id), record, "get after put");
        assertEqual(await store.get(record.id), record, "a second get");
      },
    },
    {
      name: "unknown ids: get is undefined, delete is false",
      async run() {
        const store = await make();
        const id = newId("resp");
        assert((await store.get(id)) === undefined, "get of an unknown id must be undefined");
        assert((await store.delete(id)) === false, "delete of an unknown id must resolve false");
        if (store.getChain) {
          assert((await store.getChain(id)) === undefined, "getChain of an unknown id must be undefined");
        }
        if (store.getItems) {
          const found = await store.getItems([newId("msg")]);
          assert(found.size === 0, "getItems of an unknown id must be empty");
          assert((await store.getItems([])).size === 0, "getItems([]) must be empty");
        }
      },
    },
    {
      name: "delete removes the record once",
      async run() {
        const store = await make();
        const keep = makeTurn();
        const gone = makeTurn();
        await store.put(keep);
        await store.put(gone);
        assert((await store.delete(gone.id)) === true, "delete of a stored id must resolve true");
        assert((await store.get(gone.id)) === undefined, "get after delete must be undefined");
        assert((await store.delete(gone.id)) === false, "a second delete must resolve false");
        assertEqual(await store.get(keep.id), keep, "the other record after delete");
      },
    },
    {
      name: "put overwrites a record with the same id",
      async run() {
        const store = await make();
        const first = makeTurn({ text: "first" });
        const second = { ...makeTurn({ text: "second" }), id: first.id };
        second.response = { ...second.response, id: first.id };
        await store.put(first);
        await store.put(second);
        assertEqual(await store.get(first.id), second, "get after overwrite");
        if (store.getItems) {
          const found = await store.getItems([...outputIds(first), ...outputIds(second)]);
          assertEqual(
            [...found.keys()].sort(),
            outputIds(second).sort(),
            "getItems after overwrite finds only the new record's items",
          );
        }
      },
    },
    {
      name: "tenants are isolated: get, delete, chains and items",
      async run() {
        const store = await make();
        const alice = { tenant: "alice" };
        const bob = { tenant: "bob" };
        const root = makeTurn({ inputId: newId("msg") });
        const next = makeTurn({ previous: root.id });
        await store.put(root, alice);
        await store.put(next, alice);
        assert((await store.get(root.id, bob)) === undefined, "another tenant must not get the record");
        assert((await store.get(root.id)) === undefined, "no scope must not get a tenant's record");
        assert((await store.get(root.id, { tenant: "ALICE" })) === undefined, "tenants are case-sensitive");
        assert((await store.delete(root.id, bob)) === false, "another tenant must not delete the record");
        assertEqual(await store.get(root.id, alice), root, "the owner still gets the record");
        const chainForBob = await chainOf(store, next.id, bob);
        assert(chainForBob === undefined, "another tenant must not get the chain");
        if (store.getItems) {
          const ids = [...outputIds(root), root.input[0]!.id as string];
          assert((await store.getItems(ids, bob)).size === 0, "another tenant must not get the items");
          assert((await store.getItems(ids)).size === 0, "no scope must not get a tenant's items");
          assert((await store.getItems(ids, alice)).size === ids.length, "the owner gets the items");
        }
        // The same id in two tenants holds two independent records.
        const bobs = { ...makeTurn({ text: "bob's" }), id: root.id };
        bobs.response = { ...bobs.response, id: root.id };
        await store.put(bobs, bob);
        assertEqual(await store.get(root.id, bob), bobs, "bob's record under the shared id");
        assertEqual(await store.get(root.id, alice), root, "alice's record under the shared id");
        assert((await store.delete(root.id, bob)) === true, "bob deletes his record");
        assertEqual(await store.get(root.id, alice), root, "alice's record survives bob's delete");
        // Tenant names that look like key separators stay apart.
        const tricky = makeTurn();
        await store.put(tricky, { tenant: "a:resp" });
        assert(
          (await store.get(tricky.id, { tenant: "a" })) === undefined,
          "tenant 'a' must not see 'a:resp'",
        );
        assertEqual(await store.get(tricky.id, { tenant: "a:resp" }), tricky, "tenant 'a:resp'");
      },
    },
    {
      name: "a principal without a tenant and a tenant's cannot see or overwrite each other's responses, chains or items (NUL-id attack included)",
      async run() {
        const store = await make();
        const tenant = "acme";
        const acme = { tenant };
        const itemId = newId("msg");
        const root = makeTurn({ inputId: itemId, text: "the tenant's own words" });
        const next = makeTurn({ previous: root.id });
        await store.put(root, acme);
        await store.put(next, acme);
        const ids = [itemId, ...outputIds(root)];
        // Tenantless reads see nothing of the tenant's.
        assert((await store.get(root.id)) === undefined, "no tenant must not get a tenant's record");
        assert((await chainOf(store, next.id)) === undefined, "no tenant must not get a tenant's chain");
        if (store.getItems) {
          assert((await store.getItems(ids)).size === 0, "no tenant must not get a tenant's items");
        }
        assert((await store.delete(root.id)) === false, "no tenant must not delete a tenant's record");
        // A tenantless principal stores records and items whose ids spell the tenant's keys in every
        // encoding a store might use (NUL, ':' and length-prefixed separators).
        const spellings = (id: string) => [
          `${tenant}\u0000${id}`,
          `${tenant}:${id}`,
          `${tenant}:resp:${id}`,
          `${tenant}:item:${id}`,
          `${tenant.length}:${tenant}${id}`,
        ];
        for (const [index, spelled] of spellings(root.id).entries()) {
          const forged = makeTurn({ inputId: spellings(itemId)[index], text: "the attacker's words" });
          forged.id = spelled;
          forged.response = { ...forged.response, id: spelled };
          forged.response.output = forged.response.output.map((item, position) => ({
            ...item,
            id: spellings(outputIds(root)[position]!)[index],
          }));
          await store.put(forged);
          assertEqual(await store.get(spelled), forged, "the tenantless principal reads its own record back");
        }
        assertEqual(await store.get(root.id, acme), root, "the tenant's record is untouched");
        assertEqual(await chainOf(store, next.id, acme), [root, next], "the tenant's chain is untouched");
        if (store.getItems) {
          const found = await store.getItems(ids, acme);
          assertEqual(
            ids.map((id) => found.get(id)),
            [root.input[0], ...root.response.output],
            "the tenant's items are untouched by tenantless ids that spell its keys",
          );
        }
        // And the other way: a tenant cannot reach a tenantless principal's records or items.
        const mine = makeTurn({ inputId: newId("msg") });
        await store.put(mine);
        const mineIds = [mine.input[0]!.id as string, ...outputIds(mine)];
        assert((await store.get(mine.id, acme)) === undefined, "a tenant must not get a tenantless record");
        if (store.getItems) {
          assert((await store.getItems(mineIds, acme)).size === 0, "a tenant must not get tenantless items");
        }
        const overwrite = { ...makeTurn({ text: "tenant overwrite" }), id: mine.id };
        overwrite.response = { ...overwrite.response, id: mine.id };
        await store.put(overwrite, acme);
        assertEqual(
          await store.get(mine.id),
          mine,
          "a tenant's put under the same id leaves the tenantless record",
        );
      },
    },
    {
      name: "chains rebuild oldest first; a missing link or unknown id gives no chain",
      async run() {
        const store = await make();
        const one = makeTurn({ text: "one" });
        const two = makeTurn({ previous: one.id, text: "two" });
        const three = makeTurn({ previous: two.id, text: "three" });
        for (const record of [one, two, three]) await store.put(record);
        assertEqual(await chainOf(store, three.id), [one, two, three], "chain of three");
        assertEqual(await chainOf(store, one.id), [one], "chain of one");
        assert((await chainOf(store, newId("resp"))) === undefined, "chain of an unknown id");
        await store.delete(two.id);
        assert(
          (await chainOf(store, three.id)) === undefined,
          "a chain with a deleted link must be undefined",
        );
        const orphan = makeTurn({ previous: newId("resp") });
        await store.put(orphan);
        assert(
          (await chainOf(store, orphan.id)) === undefined,
          "a chain whose root is unknown must be undefined",
        );
      },
    },
    {
      name: `a ${chainLength}-turn chain rebuilds in order`,
      async run() {
        const store = await make();
        const turns: ContractRecord[] = [];
        let previous: string | null = null;
        for (let index = 0; index < chainLength; index++) {
          const record = makeTurn({ previous, text: `turn ${index}` });
          await store.put(record);
          turns.push(record);
          previous = record.id;
        }
        const chain = await chainOf(store, previous as string);
        assert(chain !== undefined, "the long chain must exist");
        assert(chain.length === chainLength, `the chain must have ${chainLength} turns, got ${chain.length}`);
        assertEqual(
          chain.map((record) => record.id),
          turns.map((record) => record.id),
          "chain order",
        );
        assertEqual(chain[chainLength - 1], turns[chainLength - 1], "the last turn");
      },
    },
    {
      name: "getItems finds input items with an id and every output item",
      async run() {
        const store = await make();
        if (!store.getItems) return;
        const inputId = newId("msg");
        const record = makeTurn({ inputId });
        const other = makeTurn();
        await store.put(record);
        await store.put(other);
        const unknown = newId("msg");
        const wanted = [inputId, ...outputIds(record), outputIds(other)[0]!, unknown];
        const found = await store.getItems(wanted);
        assertEqual([...found.keys()].sort(), wanted.filter((id) => id !== unknown).sort(), "found ids");
        assertEqual(found.get(inputId), record.input[0], "the input item");
        assertEqual(found.get(outputIds(record)[1]!), record.response.output[1], "the function_call item");
        assertEqual(found.get(outputIds(other)[0]!), other.response.output[0], "an item of another record");
        await store.delete(record.id);
        const after = await store.getItems(wanted);
        assertEqual([...after.keys()], [outputIds(other)[0]], "after delete only the other record's item");
      },
    },
    {
      name: "records expire after ttlMs",
      async run() {
        const store = await Promise.resolve(factory({ ttlMs: shortTtlMs }));
        const inputId = newId("msg");
        const root = makeTurn({ inputId });
        const next = makeTurn({ previous: root.id });
        const started = Date.now();
        await store.put(root);
        await store.put(next);
        const early = await store.get(root.id);
        // Only meaningful when the get surely ran before the TTL ran out (a loaded machine may be slower).
        if (Date.now() - started < shortTtlMs) assertEqual(early, root, "get before the TTL");
        await sleep(shortTtlMs + Math.max(100, shortTtlMs / 2));
        assert((await store.get(root.id)) === undefined, "get after the TTL must be undefined");
        assert((await chainOf(store, next.id)) === undefined, "the chain after the TTL must be undefined");
        assert((await store.delete(root.id)) === false, "delete after the TTL must resolve false");
        if (store.getItems) {
          const found = await store.getItems([inputId, ...outputIds(root)]);
          assert(found.size === 0, "getItems after the TTL must be empty");
        }
      },
    },
    {
      name: "large records round-trip unchanged",
      async run() {
        const store = await make();
        const unit = 'Lorem ipsum dolor sit amet, «ünïcødé» 🚀 "quoted" \\ ';
        const text = unit.repeat(Math.ceil(largeChars / unit.length)).slice(0, largeChars);
        const record = makeTurn({ text });
        record.input = [
          ...record.input,
          ...Array.from({ length: 200 }, (_, index) => ({
            type: "function_call_output",
            call_id: `call_${index}`,
            output: `result ${index}`,
          })),
        ];
        await store.put(record);
        const back = await store.get(record.id);
        assert(back !== undefined, "the large record must be stored");
        assertEqual(back, record, "large record");
      },
    },
  ];
  return cases;
}
