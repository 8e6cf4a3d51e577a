// The core's hooks see the same request through every adapter: credentials reach `authenticate`
// (401 in OpenAI shape without them) and the tenant it returns scopes stored responses.
import type { ResponsesBridgeError } from "@responses-bridge/core";
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

  // Mounts where the bridge reads the body itself (with express.json() in front, Express already has).
  const readsBody = mount !== "express-json" && mount !== "express4";
  const authenticate = ({ headers }: { headers: Headers }) => {
    const tenant = TENANTS[headers.get("authorization") ?? ""];
    return tenant === undefined ? null : { tenant };
  };
  const post = (key: string | undefined, body: string) =>
    fetch(`${harness!.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: key } : {}) },
      body,
    });

  it.runIf(readsBody)(
    "checks credentials before reading the body: an oversized body without them is a 401",
    async () => {
      harness = await startHarness(mount, { handler: { authenticate }, adapter: { maxBodyBytes: 1024 } });
      const big = JSON.stringify({ model: "m", input: "x".repeat(64 * 1024) });
      const anonymous = await post(undefined, big);
      expect(anonymous.status).toBe(401);
      const authenticated = await post("Bearer key-a", big);
      expect(authenticated.status).toBe(413);
      expect(harness.backend.requests).toHaveLength(0);
    },
  );

  it.runIf(readsBody)(
    "an unreadable body is answered with the request id and reported to onError",
    async () => {
      const reported: Array<{ status: number; requestId: string }> = [];
      harness = await startHarness(mount, {
        handler: {
          authenticate,
          onError: (error: ResponsesBridgeError, { requestId }) =>
            reported.push({ status: error.status, requestId }),
        },
      });
      const answer = await post("Bearer key-a", "{not json");
      expect(answer.status).toBe(400);
      const requestId = answer.headers.get("x-request-id");
      expect(requestId).toMatch(/^req_/);
      expect(reported).toEqual([{ status: 400, requestId }]);
    },
  );
});
