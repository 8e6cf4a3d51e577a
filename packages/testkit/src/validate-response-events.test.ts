import { describe, expect, it } from "vitest";
import { validateResponseEvents } from "./validate-response-events.js";

type Event = Record<string, unknown> & { type: string };

const message = { id: "msg_1", type: "message", status: "completed", role: "assistant" };
const textPart = { type: "output_text", text: "Hi there", annotations: [], logprobs: [] };
const call = {
  id: "fc_1",
  type: "function_call",
  status: "completed",
  arguments: '{"a":1}',
  call_id: "call_1",
  name: "f",
};
const life = (status: string, output: unknown[] = []) => ({
  id: "resp_1",
  object: "response",
  status,
  output,
});

/** A valid stream in the core's shape: a text message, then a function call. */
function validStream(): Event[] {
  const events: Omit<Event, "sequence_number">[] = [
    { type: "response.created", response: life("in_progress") },
    { type: "response.in_progress", response: life("in_progress") },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { ...message, status: "in_progress", content: [] },
    },
    {
      type: "response.content_part.added",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      part: { ...textPart, text: "" },
    },
    {
      type: "response.output_text.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: "Hi t",
    },
    {
      type: "response.output_text.delta",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      delta: "here",
    },
    {
      type: "response.output_text.done",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      text: "Hi there",
    },
    {
      type: "response.content_part.done",
      item_id: "msg_1",
      output_index: 0,
      content_index: 0,
      part: textPart,
    },
    { type: "response.output_item.done", output_index: 0, item: { ...message, content: [textPart] } },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { ...call, status: "in_progress", arguments: "" },
    },
    { type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 1, delta: '{"a"' },
    { type: "response.function_call_arguments.delta", item_id: "fc_1", output_index: 1, delta: ":1}" },
    { type: "response.function_call_arguments.done", item_id: "fc_1", output_index: 1, arguments: '{"a":1}' },
    { type: "response.output_item.done", output_index: 1, item: call },
    { type: "response.completed", response: life("completed", [{ ...message, content: [textPart] }, call]) },
  ];
  return events.map((event, index) => ({ ...event, sequence_number: index }) as unknown as Event);
}

/** Renumbers `sequence_number` after a test removed or inserted events. */
function renumber(events: Event[]): Event[] {
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

describe("validateResponseEvents", () => {
  it("accepts a valid stream and folds it into the terminal Response", () => {
    const report = validateResponseEvents(validStream());
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(true);
    expect(report.folded).toEqual(life("completed", [{ ...message, content: [textPart] }, call]));
  });

  it("accepts a terminal Response without output, and reasoning summaries", () => {
    const reasoning = { id: "rs_1", type: "reasoning", summary: [{ type: "summary_text", text: "Think" }] };
    const events = renumber([
      { type: "response.created", response: life("in_progress") },
      { type: "response.output_item.added", output_index: 0, item: { ...reasoning, summary: [] } },
      {
        type: "response.reasoning_summary_part.added",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        part: { type: "summary_text", text: "" },
      },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        delta: "Thi",
      },
      {
        type: "response.reasoning_summary_text.delta",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        delta: "nk",
      },
      {
        type: "response.reasoning_summary_text.done",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        text: "Think",
      },
      {
        type: "response.reasoning_summary_part.done",
        item_id: "rs_1",
        output_index: 0,
        summary_index: 0,
        part: { type: "summary_text", text: "Think" },
      },
      { type: "response.output_item.done", output_index: 0, item: reasoning },
      { type: "response.completed", response: { id: "resp_1", status: "completed" } },
    ]);
    const report = validateResponseEvents(events);
    expect(report.problems).toEqual([]);
    expect(report.folded?.output).toEqual([reasoning]);
  });

  it.each<[string, (events: Event[]) => Event[], RegExp]>([
    ["an empty stream", () => [], /the stream is empty/],
    [
      "a gap in sequence_number",
      (events) => events.map((event, index) => (index === 5 ? { ...event, sequence_number: 9 } : event)),
      /#5 .*sequence_number is 9, expected 5/,
    ],
    [
      "a first event other than response.created",
      (events) => renumber(events.slice(1)),
      /#0 .*first event must be response.created/,
    ],
    [
      "a delta before its item was added",
      (events) => renumber(events.filter((_, index) => index !== 2)),
      /never added \(response\.output_item\.added\)/,
    ],
    [
      "a delta before its content part",
      (events) => renumber(events.filter((_, index) => index !== 3)),
      /content_index 0 was never added/,
    ],
    [
      "a delta naming another item",
      (events) => events.map((event, index) => (index === 4 ? { ...event, item_id: "msg_9" } : event)),
      /#4 .*item_id "msg_9" is not the item's id "msg_1"/,
    ],
    [
      "a done text that differs from the deltas",
      (events) => events.map((event, index) => (index === 6 ? { ...event, text: "Hi" } : event)),
      /#6 .*text "Hi" differs from the deltas "Hi there"/,
    ],
    [
      "arguments that differ from the deltas",
      (events) => events.map((event, index) => (index === 12 ? { ...event, arguments: "{}" } : event)),
      /#12 .*arguments "\{\}" differs/,
    ],
    [
      "an item that is never done",
      (events) => renumber(events.filter((_, index) => index !== 13)),
      /output_index 1 never got response.output_item.done/,
    ],
    [
      "an event after the item is done",
      (events) => renumber([...events.slice(0, 9), events[4]!, ...events.slice(9)]),
      /#9 .*output_index 0 is already done/,
    ],
    [
      "a terminal output that differs from the events",
      (events) =>
        events.map((event, index) =>
          index === 14 ? { ...event, response: life("completed", [call]) } : event,
        ),
      /terminal Response's output differs/,
    ],
    ["no terminal event", (events) => events.slice(0, -1), /no terminal event/],
    [
      "two terminal events",
      (events) => renumber([...events, events.at(-1)!]),
      /comes after the terminal event #14/,
    ],
    [
      "a response id that changes",
      (events) =>
        events.map((event, index) =>
          index === 1 ? { ...event, response: { ...life("in_progress"), id: "resp_2" } } : event,
        ),
      /response.id changed from resp_1 to resp_2/,
    ],
    [
      "a terminal status that does not match",
      (events) =>
        events.map((event, index) =>
          index === 14 ? { ...event, response: { ...(event.response as object), status: "failed" } } : event,
        ),
      /response.status is "failed", expected "completed"/,
    ],
    [
      "an unknown event type",
      (events) =>
        renumber([...events.slice(0, 2), { type: "response.debug", sequence_number: 0 }, ...events.slice(2)]),
      /#2 response.debug: unknown event type/,
    ],
    [
      "a message added with content",
      (events) =>
        events.map((event, index) =>
          index === 2 ? { ...event, item: { ...message, content: [textPart] } } : event,
        ),
      /must be added with content: \[\]/,
    ],
    [
      "a duplicate item id",
      (events) =>
        events.map((event, index) => (index === 9 ? { ...event, item: { ...call, id: "msg_1" } } : event)),
      /duplicate item id msg_1/,
    ],
    [
      "output indices that skip",
      (events) => events.map((event) => (event.output_index === 1 ? { ...event, output_index: 2 } : event)),
      /output_index is 2, expected 1/,
    ],
    [
      "a done message that differs from its parts",
      (events) =>
        events.map((event, index) =>
          index === 8 ? { ...event, item: { ...message, content: [{ ...textPart, text: "Bye" }] } } : event,
        ),
      /done message's content .* differs from its events/,
    ],
    [
      "a function call done without status",
      (events) =>
        events.map((event, index) =>
          index === 13 ? { ...event, item: { ...call, status: undefined } } : event,
        ),
      /has no status/,
    ],
  ])("reports %s", (_name, mutate, expected) => {
    const report = validateResponseEvents(mutate(validStream()));
    expect(report.valid).toBe(false);
    expect(report.problems.join("\n")).toMatch(expected);
  });
});
