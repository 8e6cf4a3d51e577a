import { textStreamChunks } from "./fixtures.js";
const texts = textStreamChunks().map((c) => JSON.stringify(c));
console.log(texts[5], texts[5]!.length);
let sink = 0;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) for (const t of texts) sink += (JSON.parse(t) as { choices: unknown[] }).choices.length;
  console.log("parse µs/chunk", ((performance.now() - t0) * 1000 / (2000 * texts.length)).toFixed(3));
}
