// The core's hooks see the same request through every adapter: credentials reach `authenticate`
// (401 in OpenAI shape without them) and the tenant it returns scopes stored responses.
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, MOUNTS, startHarness } from "./utils/harness.js";

const TENANTS: Record<string, string> = { "Bearer key-a": "a", "Bearer key-b": "b" };

describe.each(MOUNTS)("core hooks through the %s mount", (mount) => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("authenticates from the request headers and isolates tenants", async () => {
    harness = await startHarness(mount, {
      handler: {
        authenticate: ({ headers }) => {
          const tenant = TENANTS[headers.get("authorization") ?? ""];
          return tenant === undefined ? null : { tenant };
        },
      },
    });
    const url = harness.url;
    const call = (path: string, key?: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { "content-type": "application/json", ...(key ? { authorization: key } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    const anonymous = await call("/responses", undefined, { model: "m", input: "hi" });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
    expect(harness.backend.requests).toHaveLength(0);

    harness.backend.enqueue({ text: "for tenant a" });
    const created = await call("/responses", "Bearer key-a", { model: "m", input: "hi" });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    expect((await call(`/responses/${id}`, "Bearer key-a")).status).toBe(200);
    expect((await call(`/responses/${id}`, "Bearer key-b")).status).toBe(404);
  });
});
