// The item registry agrees with the request schema and with itself, so a new item kind cannot be
// half-registered: every converted item type has a schema, every schema a converter, and every built-in
// tool's calls come back as an item (and an output) the next request can send.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { inputItemSchemas } from "../../schema/item-schemas.js";
import { builtinTools, inputItemConverters, toolCallKinds } from "./registry.js";

describe("item registry", () => {
  it("converts exactly the item types the request schema checks (item_reference is resolved before)", () => {
    const schemaTypes = [...inputItemSchemas(z.unknown()).keys()].filter((type) => type !== "item_reference");
    expect([...inputItemConverters.keys()].sort()).toEqual(schemaTypes.sort());
  });

  it("gives every built-in tool a call kind and converters for its call and output items", () => {
    expect(builtinTools.size).toBeGreaterThan(0);
    for (const [type, tool] of builtinTools) {
      expect(tool.type).toBe(type);
      expect(toolCallKinds[tool.type]).toBeDefined();
      expect(inputItemConverters.has(`${type}_call`)).toBe(true);
      expect(inputItemConverters.has(`${type}_call_output`)).toBe(true);
    }
  });

  it("uses a distinct item id prefix per tool call kind", () => {
    const prefixes = Object.values(toolCallKinds).map((kind) => kind.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
