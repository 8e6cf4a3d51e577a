import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../errors.js";
import { assertJsonShape } from "../json-shape.js";
import { JsonSyntaxError, parseJsonInSlices, type SliceSizes } from "./parse-in-slices.js";
import { COOPERATIVE_BODY_BYTES, parseJsonBody, parseJsonBytes } from "./parse-json-bytes.js";
import { assertJsonShapeInSlices } from "./shape-in-slices.js";
import { TimeSlice } from "./time-slice.js";

/** A seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPACES = ["", "", "", " ", "\n", "\t", "\r\n  "];
const NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "12.5",
  "1e3",
  "-2.5E-7",
  "1E+2",
  "123456789012345678901234567890",
  "0.1",
  "1e400",
  "5e-400",
];
const KEYS = [
  "a",
  "b",
  "__proto__",
  "constructor",
  "0",
  "1",
  "10",
  "toString",
  "é",
  "k\\u0000",
  "\\ud83d\\ude00",
  "a",
];

/** Characters of a string as JSON text: plain, escaped, raw and escaped surrogates (paired and lone). */
function stringText(next: () => number, length: number): string {
  let text = "";
  for (let index = 0; index < length; index++) {
    const pick = next();
    if (pick < 0.5) text += String.fromCharCode(97 + Math.floor(next() * 26));
    else if (pick < 0.6)
      text += ['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][Math.floor(next() * 8)];
    else if (pick < 0.7)
      text += `\\u${Math.floor(next() * 0x10000)
        .toString(16)
        .padStart(4, "0")}`;
    else if (pick < 0.75) text += "\\ud83d\\ude00";
    else if (pick < 0.8) text += "😀";
    else if (pick < 0.85) text += ["\ud800", "\udfff", "\\ud800", "\\udc00x"][Math.floor(next() * 4)];
    else if (pick < 0.9) text += "héllo wörld ✓";
    else text += "\\\\\\\\";
  }
  return `"${text}"`;
}

function valueText(next: () => number, depth: number): string {
  const space = () => SPACES[Math.floor(next() * SPACES.length)]!;
  const pick = next();
  if (depth > 6 || pick < 0.3) {
    const scalar = next();
    if (scalar < 0.3) return NUMBERS[Math.floor(next() * NUMBERS.length)]!;
    if (scalar < 0.4) return ["true", "false", "null"][Math.floor(next() * 3)]!;
    return stringText(next, Math.floor(next() * (next() < 0.1 ? 400 : 12)));
  }
  const count = Math.floor(next() * (next() < 0.2 && depth < 2 ? 40 : 4));
  const parts: string[] = [];
  if (pick < 0.65) {
    for (let index = 0; index < count; index++)
      parts.push(`${space()}${valueText(next, depth + 1)}${space()}`);
    return `[${parts.join(",")}${count === 0 ? space() : ""}]`;
  }
  for (let index = 0; index < count; index++) {
    const key = next() < 0.5 ? `"${KEYS[Math.floor(next() * KEYS.length)]}"` : stringText(next, 3);
    parts.push(`${space()}${key}${space()}:${space()}${valueText(next, depth + 1)}${space()}`);
  }
  return `{${parts.join(",")}${count === 0 ? space() : ""}}`;
}

/** Deep equality that also sees -0, key order, own `__proto__` members and prototypes. */
function same(a: unknown, b: unknown): boolean {
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Reflect.ownKeys(a);
  const keysB = Reflect.ownKeys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key, index) =>
      key === keysB[index] &&
      same((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key]),
  );
}

/** Tiny sizes, so small texts go through every path (grouping, big containers, long strings in pieces). */
const TINY: SliceSizes = { chunk: 16, longString: 24, stringPiece: 7 };

async function sliced(text: string, sizes: SliceSizes = TINY): Promise<{ value?: unknown; failed: boolean }> {
  try {
    return { value: await parseJsonInSlices(text, new TimeSlice(1), sizes), failed: false };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { failed: true };
  }
}

function native(text: string): { value?: unknown; failed: boolean } {
  try {
    return { value: JSON.parse(text), failed: false };
  } catch {
    return { failed: true };
  }
}

async function expectSameAsJsonParse(text: string, sizes?: SliceSizes): Promise<void> {
  const expected = native(text);
  const actual = await sliced(text, sizes);
  expect(actual.failed, text.slice(0, 300)).toBe(expected.failed);
  if (!expected.failed) expect(same(actual.value, expected.value), text.slice(0, 300)).toBe(true);
}

/** The error a promise rejects with, as the client would see it. */
async function outcome(promise: Promise<unknown> | (() => unknown)) {
  try {
    const value = typeof promise === "function" ? promise() : await promise;
    return { value };
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
}

describe("parseJsonInSlices", () => {
  it("equals JSON.parse on random JSON (escapes, surrogates, numbers, __proto__, duplicate keys, whitespace)", async () => {
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      await expectSameAsJsonParse(`${SPACES[seed % SPACES.length]}${valueText(next, 0)} `);
    }
  });

  it("fails exactly where JSON.parse fails, on random mutations", async () => {
    const breakers = [
      ",",
      "]",
      "}",
      "[",
      "{",
      '"',
      ":",
      "\\",
      "\u0001",
      "x",
      " ",
      "1",
      "-",
      ".",
      "e",
      "\\u12",
    ];
    for (let seed = 1; seed <= 1000; seed++) {
      const next = random(seed * 7919);
      const text = valueText(next, 0);
      const at = Math.floor(next() * (text.length + 1));
      const mutation = next();
      const broken =
        mutation < 0.4
          ? text.slice(0, at) + text.slice(at + 1)
          : mutation < 0.8
            ? text.slice(0, at) + breakers[Math.floor(next() * breakers.length)] + text.slice(at)
            : text.slice(0, at);
      await expectSameAsJsonParse(broken);
      await expectSameAsJsonParse(broken, { chunk: 3, longString: 5, stringPiece: 2 });
    }
  });

  it("handles the edge cases one by one", async () => {
    const cases = [
      "",
      " ",
      "[]",
      "{}",
      "[ ]",
      "{ }",
      "[1,]",
      "[,1]",
      "{,}",
      '{"a":1,}',
      '{"a" 1}',
      '{"a":}',
      "[1 2]",
      "01",
      "1.",
      ".5",
      "+1",
      "-",
      "NaN",
      "Infinity",
      "tru",
      "nulll",
      "[true false]",
      '"\\x"',
      '"\\u12"',
      '"\\ud83d\\ude00"',
      '"\ud83d\ude00"',
      '"\\ud83d"',
      "[[[[[]]]]]",
      '{"__proto__":{"polluted":1}}',
      '{"a":1,"a":2,"b":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17],"a":3}',
      '{"2":1,"1":2,"x":3}',
      `"${"a".repeat(100)}\\n${"b".repeat(100)}"`,
      `"${"\\\\".repeat(60)}"`,
      `"${"\\u00e9".repeat(40)}"`,
      `["${"\\ud83d\\ude00".repeat(30)}"]`,
      '"a"b',
      "[1]]",
      "{}}",
      '{"a":[}',
      "[\n1\n,\n2\n]\n",
      "\u00a0[]",
    ];
    for (const text of cases) await expectSameAsJsonParse(text);
    for (const text of cases) await expectSameAsJsonParse(text, { chunk: 1, longString: 1, stringPiece: 1 });
    const proto = (await sliced('{"__proto__":{"polluted":1},"x":[1,2,3,4,5,6,7,8,9,10,11,12]}')).value;
    expect(Object.getPrototypeOf(proto) === Object.prototype).toBe(true);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("parses nesting at the guard's depth limit (128) with large containers at every level", async () => {
    const filler = `"${"z".repeat(50)}"`;
    let text = "0";
    for (let level = 0; level < 127; level++) {
      text = level % 2 === 0 ? `[${filler},${text},${filler}]` : `{"k${level}":${text},"f":${filler}}`;
    }
    text = `{"input":${text}}`;
    assertJsonShape(text);
    await expectSameAsJsonParse(text);
    await expectSameAsJsonParse(text, { chunk: 200, longString: 30, stringPiece: 9 });
  });

  it("with the real sizes: a body of many items, a huge string and a huge object give JSON.parse's value", async () => {
    const item = { role: "user", content: `hé\u0001llo "😀" ${"y".repeat(1_800)}` };
    await expectSameAsJsonParse(JSON.stringify({ model: "m", input: new Array(3_000).fill(item) }));
    await expectSameAsJsonParse(JSON.stringify({ input: `${"\\u00e9😀\n".repeat(300_000)}` }));
    const members: Record<string, number> = {};
    for (let index = 0; index < 50_000; index++) members[`key${index}`] = index;
    await expectSameAsJsonParse(JSON.stringify({ metadata: members }));
  });
});

describe("parseJsonBytes", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  const pad = `"${"p".repeat(COOPERATIVE_BODY_BYTES)}"`;

  it("gives the same value and the same 400s as parseJsonBody, for bodies over the cooperative threshold", async () => {
    const bodies = [
      `{"model":"m","pad":${pad},"input":[{"role":"user","content":"hi"}]}`,
      `\ufeff{"model":"m","pad":${pad}}`,
      `{"model":"m","pad":${pad},"input":[1,]}`,
      `{"model":"m","pad":${pad}`,
      `   ${" ".repeat(COOPERATIVE_BODY_BYTES)}`,
      `{"model":"m","pad":${pad},"input":${"[".repeat(129)}${"]".repeat(129)}}`,
      `{"model":"m","pad":${pad},"include":[${new Array(250_001).fill(1).join(",")}]}`,
      // Too many values in a body that is also malformed: the guard's 400 comes first, as in parseJsonBody.
      `{"model":"m","pad":${pad},"include":[${new Array(250_001).fill(1).join(",")},]`,
      `{"model":"m","pad":${pad},"x":"\u0001"}`,
    ];
    for (const body of bodies) {
      const bytes = encode(body);
      expect(bytes.byteLength).toBeGreaterThan(COOPERATIVE_BODY_BYTES);
      // Split into chunks at odd places (inside multi-byte characters too).
      const parts = [
        bytes.subarray(0, 1_000_001),
        bytes.subarray(1_000_001, 1_000_003),
        bytes.subarray(1_000_003),
      ];
      const expected = await outcome(() => parseJsonBody(new TextDecoder().decode(bytes)));
      const actual = await outcome(parseJsonBytes(parts, bytes.byteLength));
      expect(same(actual, expected), body.slice(-80)).toBe(true);
    }
  });

  it("the sliced guard throws what assertJsonShape throws, on random texts", async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const next = random(seed * 31);
      const text = valueText(next, 0);
      const maxDepth = 1 + Math.floor(next() * 6);
      const maxValues = Math.floor(next() * 80);
      const expected = await outcome(() => assertJsonShape(text, maxDepth, maxValues));
      const actual = await outcome(assertJsonShapeInSlices(text, new TimeSlice(0), maxDepth, maxValues));
      expect(actual).toEqual(expected);
    }
  });

  it("gives the event loop back while it parses an 18 MB body", async () => {
    const item = { role: "user", content: "y".repeat(1_800) };
    const bytes = encode(JSON.stringify({ model: "m", input: new Array(10_000).fill(item) }));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const value = (await parseJsonBytes([bytes], bytes.byteLength)) as { input: unknown[] };
      expect(value.input).toHaveLength(10_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(3);
  });
});
