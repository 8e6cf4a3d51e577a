import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { parseResponsesRequest } from "./responses-request.js";
import { SLICED_INPUT_ITEMS, validateResponsesRequest } from "./validate-in-slices.js";

async function outcome(run: () => unknown) {
  try {
    return { value: await run() };
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
}

const count = SLICED_INPUT_ITEMS + 50;
function body(overrides: Record<string, unknown> = {}, badItems: Record<number, unknown> = {}) {
  const input: unknown[] = [];
  for (let index = 0; index < count; index++) {
    input.push(
      index in badItems
        ? badItems[index]
        : index % 3 === 0
          ? { type: "function_call", call_id: `c${index}`, name: "f", arguments: "{}" }
          : { role: index % 2 ? "user" : "assistant", content: [{ type: "input_text", text: `t${index}` }] },
    );
  }
  return { model: "m", input, ...overrides };
}

describe("validateResponsesRequest", () => {
  it("gives what parseResponsesRequest gives, value or first problem, for long inputs", async () => {
    const badItems = [
      { type: "function_call", name: "f", arguments: "{}" },
      { role: "robot", content: "x" },
      { role: "user", content: 7 },
      { role: "user", content: [{ type: "mystery_part" }] },
      { type: "item_reference" },
      { type: "reasoning", summary: "no" },
      "just a string",
      null,
    ];
    const cases: Record<string, unknown>[] = [
      body(),
      body({ tools: [{ type: "function", name: "f" }], store: false }),
    ];
    for (const [n, bad] of badItems.entries()) {
      const index = [0, 1, 17, count - 1, SLICED_INPUT_ITEMS, 100, 255, 3][n]!;
      cases.push(body({}, { [index]: bad }));
      cases.push(body({ model: "" }, { [index]: bad }));
      cases.push(body({ tools: 5 }, { [index]: bad }));
      cases.push(body({ temperature: "hot" }, { [index]: bad, [index + 1]: { role: "user", content: 1 } }));
    }
    cases.push(body({ model: 3 }), body({ tools: [{ type: "function" }] }), body({ metadata: { a: 1 } }));
    cases.push(body({ input: new Array(10_001).fill({ role: "user", content: "x" }) }));
    for (const request of cases) {
      const expected = await outcome(() => parseResponsesRequest(request));
      const actual = await outcome(() => validateResponsesRequest(request));
      expect(actual).toEqual(expected);
      if ("value" in actual) expect((actual.value as { input: unknown }).input).toBe(request.input);
    }
  });

  it("checks the count caps and ids of every item, with the same 400 as parseResponsesRequest", async () => {
    const parts = {
      role: "user",
      content: [
        { type: "input_text", text: "a" },
        { type: "input_text", text: "b" },
      ],
    };
    const cases: [Record<string, unknown>, { maxContentParts?: number; maxTools?: number }][] = [
      [body({}, { [count - 2]: { type: "item_reference", id: "a\u0000b" } }), {}],
      [body({}, { [270]: parts }), { maxContentParts: 1 }],
      [
        body(
          {
            tools: [
              { type: "function", name: "f" },
              { type: "function", name: "g" },
            ],
          },
          { 5: 1 },
        ),
        { maxTools: 1 },
      ],
      [body({ model: "" }, { [count - 1]: parts }), { maxContentParts: 1 }],
    ];
    for (const [request, limits] of cases) {
      const expected = await outcome(() => parseResponsesRequest(request, limits));
      expect(expected).toHaveProperty("status", 400);
      expect(await outcome(() => validateResponsesRequest(request, limits))).toEqual(expected);
    }
  });
});
