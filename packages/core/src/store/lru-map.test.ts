import { describe, expect, it } from "vitest";
import { type LruLinks, LruMap } from "./lru-map.js";

interface Entry extends LruLinks<Entry> {
  key: string;
}

function entry(key: string): Entry {
  return { key, older: undefined, newer: undefined };
}

function keys(map: LruMap<Entry>): string[] {
  return [...map.values()].map((value) => value.key);
}

describe("LruMap", () => {
  it("keeps entries least recently used first; touch and set move an entry to the end", () => {
    const map = new LruMap<Entry>();
    for (const key of ["a", "b", "c"]) map.set(key, entry(key));
    expect(keys(map)).toEqual(["a", "b", "c"]);
    map.touch(map.get("a")!);
    expect(keys(map)).toEqual(["b", "c", "a"]);
    expect(map.oldest?.key).toBe("b");
    map.touch(map.get("a")!);
    expect(keys(map)).toEqual(["b", "c", "a"]);
    const replacement = entry("c");
    map.set("c", replacement);
    expect(keys(map)).toEqual(["b", "a", "c"]);
    expect(map.get("c")).toBe(replacement);
    expect(map.size).toBe(3);
  });

  it("deletes at either end and in the middle, and lets an iteration delete what it just saw", () => {
    const map = new LruMap<Entry>();
    for (const key of ["a", "b", "c", "d", "e"]) map.set(key, entry(key));
    expect(map.delete("c")?.key).toBe("c");
    expect(map.delete("c")).toBeUndefined();
    map.delete("a");
    map.delete("e");
    expect(keys(map)).toEqual(["b", "d"]);
    for (const value of map.values()) map.delete(value.key);
    expect(map.size).toBe(0);
    expect(map.oldest).toBeUndefined();
    map.set("f", entry("f"));
    expect(keys(map)).toEqual(["f"]);
  });

  it("after heavy churn, evicts in the same order as a plain list model", () => {
    const map = new LruMap<Entry>();
    const model: string[] = [];
    const bound = 100;
    for (let index = 0; index < 10_000; index++) {
      const key = `k${index % 250}`;
      const held = map.get(key);
      if (held && index % 3 === 0) {
        // A read: the entry becomes the most recently used.
        map.touch(held);
      } else {
        map.set(key, entry(key));
      }
      const at = model.indexOf(key);
      if (at >= 0) model.splice(at, 1);
      model.push(key);
      while (map.size > bound) map.delete(map.oldest!.key);
      while (model.length > bound) model.shift();
    }
    expect(keys(map)).toEqual(model);
  });
});
