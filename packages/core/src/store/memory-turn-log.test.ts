import { describe, expect, it } from "vitest";
import { createMemoryTurnLog } from "./memory-turn-log.js";

const frame = (sequence: number, text: string) =>
  `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":${sequence},"delta":${JSON.stringify(text)}}\n\n`;

async function readAll(iterable: AsyncIterable<string> | undefined): Promise<string> {
  let text = "";
  for await (const piece of iterable ?? []) text += piece;
  return text;
}

describe("createMemoryTurnLog", () => {
  it("stays bounded: ended logs beyond maxBytes or past their retention go, running ones stay", async () => {
    let clock = 0;
    const log = createMemoryTurnLog({ maxBytes: 1500, retentionMs: 5000, now: () => clock });
    const running = await log.begin("resp_running");
    await running.append(frame(0, "x".repeat(100)));
    for (let index = 0; index < 5; index++) {
      const writer = await log.begin(`resp_${index}`);
      await writer.append(frame(0, "y".repeat(300)));
      await writer.end();
    }
    // About 200 running + 5 × 410 ended exceed 1500: the oldest ended logs were dropped, the newest kept.
    expect(await log.state("resp_0")).toBeUndefined();
    expect(await log.state("resp_4")).toBe("ended");
    expect(await log.state("resp_running")).toBe("running");
    clock += 6000;
    expect(await log.state("resp_4")).toBeUndefined();
    expect(await log.state("resp_running")).toBe("running");
    const signal = new AbortController().signal;
    await running.append(frame(1, "z"));
    await running.end();
    expect(await readAll(await log.read("resp_running", { startingAfter: 0, signal }))).toBe(frame(1, "z"));
  });

  it("a reader that leaves stops waiting", async () => {
    const log = createMemoryTurnLog();
    const writer = await log.begin("resp_a");
    await writer.append(frame(0, "a"));
    const controller = new AbortController();
    const reading = readAll(await log.read("resp_a", { startingAfter: -1, signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect(await reading).toBe(frame(0, "a"));
    await writer.end();
  });
});
