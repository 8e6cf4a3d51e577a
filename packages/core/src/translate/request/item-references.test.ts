import { describe, expect, it } from "vitest";
import type { ResponseCreateParams, ResponseInputItem } from "../../types.js";
import { collectItemReferenceIds } from "./item-references.js";

describe("collectItemReferenceIds", () => {
  it.each<{ rule: string; input: unknown; history?: unknown[]; ids: string[] }>([
    { rule: "a string input -> none", input: "hi", ids: [] },
    { rule: "no input -> none", input: undefined, ids: [] },
    {
      rule: "typed and short-form references, each id once, in order",
      input: [
        { role: "user", content: "hi" },
        { type: "item_reference", id: "msg_1" },
        { id: "fc_1" },
        { type: null, id: "msg_2" },
        { type: "item_reference", id: "msg_1" },
      ],
      ids: ["msg_1", "fc_1", "msg_2"],
    },
    {
      rule: "items with an id and a role or another type are not references",
      input: [
        { id: "msg_x", role: "user", content: "hi" },
        { type: "function_call", id: "fc_x", call_id: "c", name: "f", arguments: "{}" },
      ],
      ids: [],
    },
    {
      rule: "references in the stored history come first",
      input: [{ type: "item_reference", id: "b" }],
      history: [{ type: "item_reference", id: "a" }],
      ids: ["a", "b"],
    },
  ])("$rule", ({ input, history, ids }) => {
    expect(
      collectItemReferenceIds(
        { input } as Pick<ResponseCreateParams, "input">,
        history as ResponseInputItem[] | undefined,
      ),
    ).toEqual(ids);
  });
});
