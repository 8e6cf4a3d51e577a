import { describe, expect, it } from "vitest";
import { type BufferedTurn, createTurnBuffer } from "./turn-buffer.js";

const turn = (id: string): BufferedTurn => ({ id, bytes: 0, evicted: false });

describe("createTurnBuffer", () => {
  it("keeps the newest turns up to maxTurns, newest first, and marks dropped ones", () => {
    const dropped: string[] = [];
    const buffer = createTurnBuffer({ maxTurns: 3, maxBytes: 1000, onEvict: (t) => dropped.push(t.id) });
    const turns = ["a", "b", "c", "d", "e"].map(turn);
    for (const t of turns) buffer.add(t);
    expect(buffer.list().map((t) => t.id)).toEqual(["e", "d", "c"]);
    expect(dropped).toEqual(["a", "b"]);
    expect(turns[0]!.evicted).toBe(true);
    expect(buffer.get("a")).toBeUndefined();
  });

  it("drops the oldest turns to stay within maxBytes, and releases their bytes", () => {
    const buffer = createTurnBuffer({ maxTurns: 100, maxBytes: 100 });
    const [a, b, c] = ["a", "b", "c"].map(turn) as [BufferedTurn, BufferedTurn, BufferedTurn];
    buffer.add(a);
    expect(buffer.charge(a, 40)).toBe(true);
    buffer.add(b);
    expect(buffer.charge(b, 40)).toBe(true);
    expect(buffer.bytes()).toBe(80);
    buffer.add(c);
    expect(buffer.charge(c, 50)).toBe(true);
    expect(a.evicted).toBe(true);
    expect(buffer.list().map((t) => t.id)).toEqual(["c", "b"]);
    expect(buffer.bytes()).toBe(90);
    // Never above the bound, whatever is charged.
    for (let index = 0; index < 50; index++) buffer.charge(c, 7);
    expect(buffer.bytes()).toBeLessThanOrEqual(100);
  });

  it("refuses a charge that cannot fit even alone, or for a turn that left", () => {
    const buffer = createTurnBuffer({ maxTurns: 1, maxBytes: 100 });
    const a = turn("a");
    buffer.add(a);
    expect(buffer.charge(a, 101)).toBe(false);
    expect(buffer.bytes()).toBe(0);
    const b = turn("b");
    buffer.add(b);
    expect(buffer.charge(a, 1)).toBe(false);
    expect(buffer.charge(b, 100)).toBe(true);
  });
});
