import { describe, expect, it } from "vitest";
import { collect } from "./collect.js";
import { parseSSE, readSSEEvents } from "./sse.js";

describe("parseSSE", () => {
  it("splits on blank lines with LF line endings", () => {
    expect(parseSSE('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([{ data: '{"a":1}' }, { data: "[DONE]" }]);
  });

  it("handles CRLF, event names, multi-line data, comments and a missing final blank line", () => {
    const text =
      ': keep-alive\r\n\r\nevent: response.created\r\ndata: {"x":1}\r\n\r\ndata: a\r\ndata:b\r\n\r\ndata: tail';
    expect(parseSSE(text)).toEqual([
      { event: "response.created", data: '{"x":1}' },
      { data: "a\nb" },
      { data: "tail" },
    ]);
  });

  it("returns nothing for an empty body", () => {
    expect(parseSSE("")).toEqual([]);
  });
});

describe("readSSEEvents", () => {
  it("decodes JSON data and skips [DONE]", async () => {
    const response = new Response('event: e\ndata: {"n":1}\n\ndata: plain\n\ndata: [DONE]\n\n');
    expect(await readSSEEvents(response)).toEqual([{ event: "e", data: { n: 1 } }, { data: "plain" }]);
  });
});

describe("collect", () => {
  it("gathers an async iterable", async () => {
    async function* numbers() {
      yield 1;
      yield 2;
      yield 3;
    }
    expect(await collect(numbers())).toEqual([1, 2, 3]);
    expect(await collect((async function* () {})())).toEqual([]);
  });
});
