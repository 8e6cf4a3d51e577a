import { describe, expect, it } from "vitest";
import { createSealer } from "./seal.js";

describe("createSealer", () => {
  const sealer = createSealer("a compaction secret of some length");

  it("round-trips a summary, and the sealed text does not show it", async () => {
    const sealed = await sealer.seal("The user wants a CLI in Rust; café ☕", "tenant-a");
    expect(sealed).toMatch(/^rbc1\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("Rust");
    expect(await sealer.open(sealed, "tenant-a")).toBe("The user wants a CLI in Rust; café ☕");
  });

  it("refuses another tenant, another secret, a changed byte, and garbage", async () => {
    const sealed = await sealer.seal("secret plan", "tenant-a");
    expect(await sealer.open(sealed, "tenant-b")).toBeUndefined();
    expect(await createSealer("another secret of some length").open(sealed, "tenant-a")).toBeUndefined();
    const body = sealed.slice(5);
    const flipped = `rbc1.${body.slice(0, 10)}${body[10] === "A" ? "B" : "A"}${body.slice(11)}`;
    expect(await sealer.open(flipped, "tenant-a")).toBeUndefined();
    for (const junk of ["", "rbc1.", "rbc1.!!!", "plain text", `rbc1.${"A".repeat(10)}`]) {
      expect(await sealer.open(junk, "tenant-a")).toBeUndefined();
    }
  });

  it("uses a random key without a secret, and rejects a short one", async () => {
    const first = createSealer();
    const sealed = await first.seal("x", "");
    expect(await first.open(sealed, "")).toBe("x");
    expect(await createSealer().open(sealed, "")).toBeUndefined();
    expect(() => createSealer("short")).toThrow(/at least 16 bytes/);
  });
});
