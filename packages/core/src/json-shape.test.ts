import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "./errors.js";
import { assertJsonShape } from "./json-shape.js";

function rejection(text: string, maxDepth?: number, maxValues?: number) {
  try {
    assertJsonShape(text, maxDepth, maxValues);
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  return undefined;
}

describe("assertJsonShape", () => {
  it("refuses bodies nesting deeper than the limit, naming the top-level field", () => {
    expect(rejection(`{"input":${"[".repeat(5)}${"]".repeat(5)}}`, 4)).toMatchObject({
      status: 400,
      param: "input",
    });
    expect(rejection(`{"input":${"[".repeat(3)}${"]".repeat(3)}}`, 4)).toBeUndefined();
  });

  it("refuses bodies holding more values than the limit, before any parse", () => {
    expect(rejection(`{"model":"m","include":[${new Array(11).fill(1).join(",")}]}`, 128, 10)).toMatchObject({
      status: 400,
      param: "include",
      code: "too_many_values",
    });
    expect(rejection(`{"model":"m","include":[1,2,3]}`, 128, 10)).toBeUndefined();
  });

  it("skips string contents: brackets, commas and escaped quotes inside strings count for nothing", () => {
    const text = JSON.stringify({ a: `[[[[,,,,\\"{{{{${",".repeat(50)}\\\\`, b: 'say "hi", [ok]' });
    expect(rejection(text, 2, 5)).toBeUndefined();
  });

  it("leaves malformed JSON to JSON.parse", () => {
    expect(rejection('{"a":"unterminated', 2, 5)).toBeUndefined();
  });
});
