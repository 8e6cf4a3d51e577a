// The contract of a store's optional stateful parts: `conversations` (the Conversations API) and `turns`
// (the turn log behind background responses, resumable streams and cancel), as `{ name, run }` cases.
// Structural types only, like the store contract.
import type { StoreContractCase } from "./store-contract.js";

/** Store scope, as in core's `StoreScope`. */
interface Scope {
  tenant?: string;
}

/** A conversation item as the contract sees it: a JSON object with an `id`. */
export interface ContractConversationItem {
  /** Item id. */
  id: string;
  /** Item type, e.g. `message`. */
  type?: string | null;
}

/** A conversation as the contract sees it. */
export interface ContractConversation {
  id: string;
  created_at: number;
  metadata: Record<string, string>;
}

/** Core's `ConversationStore`, structurally. */
export interface ContractConversations {
  create(
    conversation: ContractConversation,
    items: readonly ContractConversationItem[],
    scope?: Scope,
  ): Promise<void>;
  get(id: string, scope?: Scope): Promise<ContractConversation | undefined>;
  update(conversation: ContractConversation, scope?: Scope): Promise<boolean>;
  delete(id: string, scope?: Scope): Promise<boolean>;
  listItems(id: string, scope?: Scope): Promise<ContractConversationItem[] | undefined>;
  addItems(id: string, items: readonly ContractConversationItem[], scope?: Scope): Promise<boolean>;
  deleteItem(id: string, itemId: string, scope?: Scope): Promise<boolean>;
}

/** Core's `TurnWriter`, structurally. */
export interface ContractTurnWriter {
  append(text: string): void | Promise<void>;
  end(): void | Promise<void>;
  readonly signal: AbortSignal;
  readonly stopReason: string | undefined;
}

/** Core's `TurnLog`, structurally. */
export interface ContractTurnLog {
  begin(id: string, scope?: Scope): Promise<ContractTurnWriter>;
  read(
    id: string,
    options: { startingAfter: number; signal: AbortSignal },
    scope?: Scope,
  ): Promise<AsyncIterable<string> | undefined>;
  cancel(id: string, scope?: Scope): Promise<boolean>;
  state(id: string, scope?: Scope): Promise<string | undefined>;
}

/** A store with the optional parts under test. */
export interface StatefulContractStore {
  conversations?: ContractConversations;
  turns?: ContractTurnLog;
}

/** Makes a fresh store for one case (or one on shared infrastructure under a fresh key prefix). */
export type StatefulContractFactory = () => StatefulContractStore | Promise<StatefulContractStore>;

class ContractFailure extends Error {
  override name = "StoreContractFailure";
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractFailure(message);
}

function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${what}: expected ${String(e).slice(0, 300)}, got ${String(a).slice(0, 300)}`);
}

function randomId(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}_${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

function message(text: string): ContractConversationItem {
  return {
    id: randomId("msg"),
    type: "message",
    role: "user",
    status: "completed",
    content: [{ type: "input_text", text }],
  } as ContractConversationItem;
}

/** One SSE frame as the bridge writes it. */
function frame(sequence: number, text: string): string {
  return `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${sequence},"delta":${JSON.stringify(text)}}\n\n`;
}

async function collect(iterable: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const piece of iterable) text += piece;
  return text;
}

/**
 * Cases for a store's `conversations` and `turns` parts; a store without a part skips its cases (each
 * passes at once). Conversations: create/get/update/delete, items in order, appends, item deletes,
 * tenant isolation. Turn log: replay after a sequence number, following a live turn to its end, cancel
 * reaching the writer's signal, states.
 */
export function statefulContractCases(factory: StatefulContractFactory): StoreContractCase[] {
  return [
    {
      name: "conversations: create, get, update, delete",
      async run() {
        const { conversations } = await factory();
        if (!conversations) return;
        const conversation = { id: randomId("conv"), created_at: 1_700_000_000, metadata: { a: "1" } };
        await conversations.create(conversation, [], undefined);
        same(await conversations.get(conversation.id), conversation, "get after create");
        assert(
          await conversations.update({ ...conversation, metadata: { b: "2" } }),
          "update must resolve true",
        );
        same((await conversations.get(conversation.id))?.metadata, { b: "2" }, "metadata after update");
        assert(
          !(await conversations.update({ ...conversation, id: randomId("conv") })),
          "update of an unknown conversation must resolve false",
        );
        assert(await conversations.delete(conversation.id), "delete must resolve true");
        assert(
          (await conversations.get(conversation.id)) === undefined,
          "get after delete must be undefined",
        );
        assert(
          (await conversations.listItems(conversation.id)) === undefined,
          "items after delete must be undefined",
        );
        assert(!(await conversations.delete(conversation.id)), "a second delete must resolve false");
      },
    },
    {
      name: "conversations: items keep their order; add, delete one, unknown conversation",
      async run() {
        const { conversations } = await factory();
        if (!conversations) return;
        const id = randomId("conv");
        const first = [message("one"), message("two")];
        await conversations.create({ id, created_at: 1, metadata: {} }, first);
        const more = [message("three «ü» 🚀\nnewline"), message("four")];
        assert(await conversations.addItems(id, more), "addItems must resolve true");
        same(await conversations.listItems(id), [...first, ...more], "items in order");
        assert(await conversations.deleteItem(id, first[1]!.id), "deleteItem must resolve true");
        assert(!(await conversations.deleteItem(id, first[1]!.id)), "deleting it again must resolve false");
        same(await conversations.listItems(id), [first[0], ...more], "items after deleting one");
        const unknown = randomId("conv");
        assert(
          !(await conversations.addItems(unknown, [message("x")])),
          "addItems to an unknown conversation",
        );
        assert(
          (await conversations.listItems(unknown)) === undefined,
          "no conversation is created by addItems",
        );
      },
    },
    {
      name: "conversations: tenants are isolated",
      async run() {
        const { conversations } = await factory();
        if (!conversations) return;
        const id = randomId("conv");
        await conversations.create({ id, created_at: 1, metadata: {} }, [message("secret")], {
          tenant: "alice",
        });
        assert(
          (await conversations.get(id, { tenant: "bob" })) === undefined,
          "another tenant must not get it",
        );
        assert((await conversations.get(id)) === undefined, "no scope must not get it");
        assert(!(await conversations.addItems(id, [message("x")], { tenant: "bob" })), "nor add items");
        assert(!(await conversations.delete(id, { tenant: "bob" })), "nor delete it");
        same((await conversations.listItems(id, { tenant: "alice" }))?.length, 1, "the owner's items");
      },
    },
    {
      name: "turn log: replays after a sequence number and follows the live turn to its end",
      async run() {
        const { turns } = await factory();
        if (!turns) return;
        const id = randomId("resp");
        const writer = await turns.begin(id);
        await writer.append(frame(0, "a") + frame(1, "b"));
        await writer.append(`: keep-alive\n\n`);
        await writer.append(frame(2, "c"));
        same(await turns.state(id), "running", "state while running");
        const controller = new AbortController();
        const reading = turns.read(id, { startingAfter: 0, signal: controller.signal });
        const iterable = await reading;
        assert(iterable, "read must find the log");
        const collected = collect(iterable);
        await new Promise((resolve) => setTimeout(resolve, 50));
        await writer.append(frame(3, "d") + frame(4, "e"));
        await writer.end();
        same(
          await collected,
          frame(1, "b") + frame(2, "c") + frame(3, "d") + frame(4, "e"),
          "events after 0",
        );
        same(await turns.state(id), "ended", "state after end");
        const tail = await turns.read(id, { startingAfter: 3, signal: controller.signal });
        same(await collect(tail!), frame(4, "e"), "events after 3 of an ended turn");
        assert(
          (await turns.read(randomId("resp"), { startingAfter: -1, signal: controller.signal })) ===
            undefined,
          "no log",
        );
        same(await turns.state(randomId("resp")), undefined, "state of an unknown turn");
      },
    },
    {
      name: "turn log: cancel reaches the running writer; a tenant cannot cancel another's turn",
      async run() {
        const { turns } = await factory();
        if (!turns) return;
        const id = randomId("resp");
        const writer = await turns.begin(id, { tenant: "alice" });
        assert(!(await turns.cancel(id, { tenant: "bob" })), "another tenant's cancel must resolve false");
        assert(await turns.cancel(id, { tenant: "alice" }), "cancel must resolve true");
        for (let attempt = 0; attempt < 200 && !writer.signal.aborted; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert(writer.signal.aborted, "the writer's signal must abort within two seconds of the cancel");
        same(writer.stopReason, "cancelled", "stopReason");
        await writer.end();
        assert(!(await turns.cancel(id, { tenant: "alice" })), "cancel of an ended turn must resolve false");
      },
    },
  ];
}
