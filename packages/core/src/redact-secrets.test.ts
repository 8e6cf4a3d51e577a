import { describe, expect, it } from "vitest";
import { redactRegisteredSecrets, redactSecrets, registerSecrets } from "./redact-secrets.js";

const KEY = "Zq9XkT4vB7nM2pL8wR3yC6hJ5dF1aa11";

describe("redactSecrets", () => {
  it("removes a given secret and every substring of it of 8 characters or more", () => {
    expect(redactSecrets(`key ${KEY} end`, [KEY])).toBe("key [redacted] end");
    expect(redactSecrets(`prefix ${KEY.slice(0, 9)}`, [KEY])).toBe("prefix [redacted]");
    expect(redactSecrets(`mid ${KEY.slice(5, 13)}.`, [KEY])).toBe("mid [redacted].");
    expect(redactSecrets(`short ${KEY.slice(0, 7)}`, [KEY])).toBe(`short ${KEY.slice(0, 7)}`);
  });

  it("leaves lowercase words of a human-readable key alone", () => {
    expect(redactSecrets("The upstream answered", ["sk-my-upstream-key-0123"])).toBe("The upstream answered");
  });

  it("removes registered secrets without being given them, and pass-through redaction only touches those", () => {
    const registered = "Rg7Hk2Lm9Np4Qr8St3Vw";
    registerSecrets(registered, "short");
    expect(redactSecrets(`a ${registered} b`)).toBe("a [redacted] b");
    expect(redactSecrets("short stays")).toBe("short stays");
    expect(redactRegisteredSecrets(`sk-abcdefghijkl ${registered.slice(2, 12)}`)).toBe(
      "sk-abcdefghijkl [redacted]",
    );
  });

  it("still finds every secret's fragments after many distinct secrets came through", () => {
    const secrets = Array.from(
      { length: 1_200 },
      (_, index) => `Xy${index.toString(36).padStart(4, "0")}Qw7Zp3Kv`,
    );
    for (const secret of secrets)
      expect(redactSecrets(`x ${secret.slice(1, 10)} y`, [secret])).toBe("x [redacted] y");
    // The first ones again, after their fragment lists were let go.
    for (const secret of secrets.slice(0, 3)) {
      expect(redactSecrets(`x ${secret.slice(2, 11)} y`, [secret])).toBe("x [redacted] y");
    }
  });
});
