import type { CaseContext, ConformanceCase, ConformanceDialect } from "./conformance-cases.js";
import {
  CaseSkip,
  check,
  eventually,
  expectResponse,
  expectStream,
  json,
  show,
} from "./conformance-checks.js";
import { parseSSE } from "./sse.js";

const BOTH: readonly ConformanceDialect[] = ["openai", "open-responses"];

// Conformance cases for background responses, resumable streams, cancel and conversations. A server that
// answers 400 for `background` or `conversation` (or has no /conversations) gets them skipped, not failed.

type Json = Record<string, unknown>;

/** Posts a background request; skips the case when the server refuses `background` with a 400. */
async function postBackground(context: CaseContext, body: Json): Promise<Response> {
  const response = await context.post({ model: context.model, background: true, ...body });
  if (response.status === 400) {
    const error = ((await json(response)).error ?? {}) as Json;
    if (error.param === "background") {
      throw new CaseSkip(`the server answers 400 for background: ${show(error.message)}`);
    }
    throw new CaseSkip(`the server answered 400: ${show(error.message)}`);
  }
  return response;
}

async function retrieveUntilDone(context: CaseContext, id: string): Promise<Json> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const response = await expectResponse(await context.request("GET", `/responses/${id}`));
    if (response.status !== "queued" && response.status !== "in_progress") return response;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`response ${id} was still running after 5 s`);
}

/** The cases, run after the core ones. */
export const STATEFUL_CASE_LIST: ConformanceCase[] = [
  {
    name: "background: queued, then completed",
    dialects: BOTH,
    async run(context) {
      context.backend.enqueue({ text: "done in the background", delayMs: 5 });
      const queued = await expectResponse(await postBackground(context, { input: "hi" }));
      check(
        queued.status === "queued" || queued.status === "in_progress",
        `expected status queued or in_progress, got ${show(queued.status)}`,
      );
      check(queued.background === true, `expected background: true, got ${show(queued.background)}`);
      const done = await retrieveUntilDone(context, String(queued.id));
      check(done.status === "completed", `expected completed, got ${show(done.status)}`);
    },
  },
  {
    name: "background: cancel stops the upstream",
    dialects: BOTH,
    async run(context) {
      context.backend.enqueue({ text: "x".repeat(2000), chunkSize: 1, delayMs: 10 });
      const queued = await expectResponse(await postBackground(context, { input: "slow" }));
      await eventually(
        () => (context.backend.requests.at(-1)?.chunksSent ?? 0) > 1,
        "the upstream streaming",
      );
      const cancelled = await expectResponse(
        await context.request("POST", `/responses/${String(queued.id)}/cancel`),
      );
      check(cancelled.status === "cancelled", `expected cancelled, got ${show(cancelled.status)}`);
      await eventually(
        () => context.backend.requests.at(-1)?.aborted === true,
        "the upstream request being aborted",
      );
    },
  },
  {
    name: "background: stream resumes after starting_after",
    dialects: BOTH,
    async run(context) {
      context.backend.enqueue({ text: "resumable words in a stream", chunkSize: 4 });
      const { events } = await expectStream(await postBackground(context, { input: "hi", stream: true }));
      const id = String((events[0]?.response as Json | undefined)?.id);
      const response = await context.request("GET", `/responses/${id}?stream=true&starting_after=2`);
      check(response.status === 200, `expected 200, got ${response.status}`);
      const resumed = parseSSE(await response.text()).map((message) => JSON.parse(message.data) as Json);
      const expected = events.slice(3).map((event) => event.sequence_number);
      const got = resumed.map((event) => event.sequence_number);
      check(show(got) === show(expected), `expected sequence numbers ${show(expected)}, got ${show(got)}`);
    },
  },
  {
    name: "conversations: a turn reads and extends its conversation",
    dialects: BOTH,
    async run(context) {
      const created = await context.request("POST", "/conversations", {
        items: [{ type: "message", role: "user", content: "My name is Ada." }],
      });
      if (created.status === 400 || created.status === 404) {
        throw new CaseSkip(`the server has no Conversations API (${created.status})`);
      }
      const conversation = await json(created);
      check(conversation.object === "conversation", `expected a conversation, got ${show(conversation)}`);
      context.backend.enqueue({ text: "Hello Ada." });
      const turn = await context.post({ model: context.model, input: "Hi!", conversation: conversation.id });
      if (turn.status === 400) throw new CaseSkip("the server answers 400 for conversation");
      const response = await expectResponse(turn);
      check(
        show(response.conversation) === show({ id: conversation.id }),
        `expected conversation ${show({ id: conversation.id })}, got ${show(response.conversation)}`,
      );
      const sent = JSON.stringify(context.backend.requests.at(-1)?.body);
      check(sent.includes("My name is Ada."), "the conversation's items did not reach the upstream");
      const items = await json(
        await context.request("GET", `/conversations/${String(conversation.id)}/items?order=asc`),
      );
      const roles = (items.data as Json[] | undefined)?.map((item) => item.role);
      check(
        show(roles) === show(["user", "user", "assistant"]),
        `expected items user, user, assistant, got ${show(roles)}`,
      );
    },
  },
];
