// Express 4 end to end: with Express 4 installed (the peer dependency resolves to it), responsesRouter
// returns an Express 4 Router, and a parser in front of it still gets OpenAI-shaped answers. The shared
// harness mounts the router into an Express 4 app too, but the router there comes from the workspace's
// Express 5; here `express` itself is Express 4 (the `express4` alias), as in a user's install.

import { createServer } from "node:http";
import { createRequire } from "node:module";
import { createResponsesHandler, openAICompatibleUpstream } from "@responses-bridge/core";
import { responsesRouter } from "@responses-bridge/express";
import { createScriptedBackend } from "@responses-bridge/testkit";
import type express from "express";
import { afterEach, expect, it, vi } from "vitest";
import { listen } from "./utils/harness.js";

vi.mock("express", async () => {
  const { createRequire } = await import("node:module");
  const express4 = createRequire(import.meta.url)("express4");
  return { ...express4, default: express4 };
});

const express4 = createRequire(import.meta.url)("express4") as typeof express;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

it("returns an Express 4 Router that answers the errors of express.json() in front of it", async () => {
  const backend = createScriptedBackend();
  const upstream = await backend.listen();
  cleanups.push(() => upstream.close());
  const handler = createResponsesHandler({ upstream: openAICompatibleUpstream({ baseURL: upstream.url }) });
  const router = responsesRouter(handler);
  expect(Object.getPrototypeOf(router)).toBe(Object.getPrototypeOf(express4.Router()));

  const app = express4();
  app.use(express4.json({ limit: 100 }));
  app.use("/v1", router);
  const bridge = await listen(createServer(app));
  cleanups.push(() => bridge.close());
  const post = (input: string) =>
    fetch(`${bridge.url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input }),
    });

  backend.enqueue({ text: "from Express 4" });
  const ok = await post("hi");
  expect(ok.status).toBe(200);
  expect(await ok.text()).toContain("from Express 4");

  const tooLarge = await post("x".repeat(200));
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.headers.get("x-request-id")).toMatch(/^req_/);
  expect(await tooLarge.json()).toEqual({
    error: {
      message: "Request body too large: the limit is 100 bytes.",
      type: "invalid_request_error",
      param: null,
      code: "request_too_large",
    },
  });
});
