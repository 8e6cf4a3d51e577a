// Express specifics: body parsers in front of the router, compression middleware, mount points,
// and errors that belong to the host.
import { createServer, request } from "node:http";
import { createGunzip } from "node:zlib";
import {
  createResponsesHandler,
  openAICompatibleUpstream,
  type ResponsesBridgeError,
  type ResponsesHandlerOptions,
} from "@responses-bridge/core";
import { responsesRouter } from "@responses-bridge/express";
import { createScriptedBackend, type ScriptedBackend, type ScriptedServer } from "@responses-bridge/testkit";
import compression from "compression";
import express, { type Express } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { listen, type MountedBridge } from "./utils/harness.js";

interface Setup {
  backend: ScriptedBackend;
  url: string;
  close(): Promise<void>;
}

let running: { upstream: ScriptedServer; bridge: MountedBridge } | undefined;
afterEach(async () => {
  await running?.bridge.close();
  await running?.upstream.close();
  running = undefined;
});

/** An Express app built by `build` around the bridge, the scripted upstream behind it. */
async function setup(
  build: (app: Express, router: ReturnType<typeof responsesRouter>) => void,
  options: Omit<ResponsesHandlerOptions, "upstream"> = {},
): Promise<Setup> {
  const backend = createScriptedBackend();
  const upstream = await backend.listen();
  const handler = createResponsesHandler({
    ...options,
    upstream: openAICompatibleUpstream({ baseURL: upstream.url }),
  });
  const app = express();
  build(app, responsesRouter(handler));
  const bridge = await listen(createServer(app));
  running = { upstream, bridge };
  return { backend, url: bridge.url, close: () => bridge.close() };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const hello = JSON.stringify({ model: "m", input: "hi" });

describe("responsesRouter with body parsers in front", () => {
  it("answers express.json()'s own limit as an OpenAI-shaped 413", async () => {
    const { url, backend } = await setup((app, router) => {
      app.use(express.json({ limit: 100 }));
      app.use("/v1", router);
    });
    const answer = await post(url, JSON.stringify({ model: "m", input: "x".repeat(200) }));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({
      error: {
        message: "Request body too large: the limit is 100 bytes.",
        type: "invalid_request_error",
        param: null,
        code: "request_too_large",
      },
    });
    expect(backend.requests).toHaveLength(0);
  });

  it("answers the parser's errors through the handler: the core's messages, x-request-id and onError", async () => {
    const errors: Array<{ error: ResponsesBridgeError; requestId: string }> = [];
    const { url } = await setup(
      (app, router) => {
        app.use(express.json({ limit: 100 }));
        app.use("/v1", router);
      },
      { onError: (error, context) => errors.push({ error, requestId: context.requestId }) },
    );
    const tooLarge = await post(url, JSON.stringify({ model: "m", input: "x".repeat(200) }));
    const malformed = await post(url, '{"model": ');
    const strict = await post(url, '"just a string"');
    for (const answer of [tooLarge, malformed, strict]) {
      expect(answer.headers.get("x-request-id")).toMatch(/^req_/);
    }
    expect(errors.map(({ requestId }) => requestId)).toEqual(
      [tooLarge, malformed, strict].map((answer) => answer.headers.get("x-request-id")),
    );
    expect(errors.map(({ error }) => [error.status, error.code])).toEqual([
      [413, "request_too_large"],
      [400, null],
      // The handler's own answer to a body that is not an object, as without a parser in front.
      [400, "invalid_type"],
    ]);
    // The same words as the core's own body reader (no parser in front): readJsonBody / parseJsonBody.
    expect(JSON.parse(malformed.text).error.message).toMatch(
      /^We could not parse the JSON body of your request/,
    );
  });

  it("runs authenticate before answering a parser's error", async () => {
    const { url } = await setup(
      (app, router) => {
        app.use(express.json({ limit: 100 }));
        app.use("/v1", router);
      },
      { authenticate: ({ headers }) => (headers.get("authorization") === "Bearer ok" ? {} : null) },
    );
    const anonymous = await post(url, JSON.stringify({ model: "m", input: "x".repeat(200) }));
    expect(anonymous.status).toBe(401);
    const known = await post(url, JSON.stringify({ model: "m", input: "x".repeat(200) }), {
      authorization: "Bearer ok",
    });
    expect(known.status).toBe(413);
  });

  it("answers a non-object parsed by express.json({ strict: false }) with a 400", async () => {
    const { url } = await setup((app, router) => {
      app.use(express.json({ strict: false }));
      app.use("/v1", router);
    });
    const answer = await post(url, '"just a string"');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.type).toBe("invalid_request_error");
  });

  it.each([
    ["express.raw()", express.raw({ type: "*/*" })],
    ["express.text()", express.text({ type: "*/*" })],
  ])("parses the body %s left as bytes or text", async (_name, parser) => {
    const { url, backend } = await setup((app, router) => {
      app.use(parser);
      app.use("/v1", router);
    });
    backend.enqueue({ text: "parsed" });
    const answer = await post(url, hello);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("parsed");
  });

  it("leaves errors of other middleware to the host's error handler", async () => {
    const { url } = await setup((app, router) => {
      app.use((_req, _res, next) => next(Object.assign(new Error("not ours"), { status: 418 })));
      app.use("/v1", router);
      app.use(((error, _req, res, _next) => {
        res.status(error.status).send(`host: ${error.message}`);
      }) as express.ErrorRequestHandler);
    });
    expect(await post(url, hello)).toMatchObject({ status: 418, text: "host: not ours" });
  });
});

describe("responsesRouter mount points", () => {
  it("is a real express.Router, mountable inside another Router", async () => {
    const handler = createResponsesHandler({
      upstream: openAICompatibleUpstream({ baseURL: "http://127.0.0.1:9" }),
    });
    const router = responsesRouter(handler);
    expect(router).toBeInstanceOf(express.Router);
    expect(router.stack).toHaveLength(2);
    const { url, backend } = await setup((app, bridge) => {
      const v1 = express.Router();
      v1.get("/health", (_req, res) => {
        res.send("ok");
      });
      v1.use(express.json(), bridge);
      app.use("/v1", v1);
    });
    backend.enqueue({ text: "through a parent Router" });
    const answer = await post(url, hello);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("through a parent Router");
    expect(await (await fetch(`${url}/health`)).text()).toBe("ok");
  });

  it("answers a parser's errors under every mount that app.use made", async () => {
    const { url } = await setup((app, router) => {
      app.use(express.json({ limit: 100 }));
      app.use(["/v1", "/v2"], router);
    });
    for (const base of [url, url.replace("/v1", "/v2")]) {
      const answer = await post(base, JSON.stringify({ model: "m", input: "x".repeat(200) }));
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text).error.code).toBe("request_too_large");
      expect(answer.headers.get("x-request-id")).toMatch(/^req_/);
    }
  });

  it("under /v1 answers unknown /v1 paths with an OpenAI 404 and leaves other paths to the host", async () => {
    const { url } = await setup((app, router) => {
      app.use("/v1", router);
      app.get("/health", (_req, res) => {
        res.send("ok");
      });
    });
    const unknown = await fetch(`${url}/nope`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(await (await fetch(url.replace("/v1", "/health"))).text()).toBe("ok");
  });

  it("at the root serves /v1/responses", async () => {
    const { url, backend } = await setup((app, router) => {
      app.use(router);
    });
    backend.enqueue({ text: "from the root" });
    const answer = await post(url, hello);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("from the root");
  });
});

/** Streams a request with node:http; resolves with the decoded text seen before the upstream completed. */
function streamWithGzip(url: string, backend: ScriptedBackend) {
  return new Promise<{ encoding: string | undefined; early: string; all: string }>((resolve, reject) => {
    const outgoing = request(`${url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-encoding": "gzip" },
    });
    outgoing.once("response", (response) => {
      const encoding = response.headers["content-encoding"];
      const body = encoding === "gzip" ? response.pipe(createGunzip()) : response;
      let all = "";
      let early = "";
      body.on("data", (chunk: Buffer) => {
        all += chunk.toString();
        if (backend.requests.at(-1)?.completed === false) early = all;
      });
      body.once("end", () => resolve({ encoding, early, all }));
      body.once("error", reject);
    });
    outgoing.once("error", reject);
    outgoing.end(JSON.stringify({ model: "m", input: "go", stream: true }));
  });
}

describe("responsesRouter behind compression", () => {
  const slow = { text: "one two three four", chunkSize: 2, delayMs: 40 };

  it("compresses JSON, leaves the event stream alone (no-transform) and streams it as it comes", async () => {
    const { url, backend } = await setup((app, router) => {
      app.use(compression({ threshold: 0 }));
      app.use("/v1", router);
    });
    backend.enqueue({ text: "compressed JSON" }, slow);
    const json = await fetch(`${url}/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "accept-encoding": "gzip" },
      body: hello,
    });
    expect(json.headers.get("content-encoding")).toBe("gzip");
    expect(await json.text()).toContain("compressed JSON");
    const streamed = await streamWithGzip(url, backend);
    expect(streamed.encoding).toBeUndefined();
    expect(streamed.early).toContain("response.output_text.delta");
    expect(streamed.all).toContain("response.completed");
  });

  it("flushes a compressed event stream after every write", async () => {
    const { url, backend } = await setup((app, router) => {
      app.use(compression({ threshold: 0 }));
      // A host that strips `no-transform`, so compression really gzips the stream.
      app.use((_req, res, next) => {
        const writeHead = res.writeHead;
        res.writeHead = function (this: typeof res, status: number, ...rest: unknown[]) {
          const headers = rest.find((value) => typeof value === "object" && value !== null) as
            | Record<string, unknown>
            | undefined;
          if (headers?.["cache-control"]) headers["cache-control"] = "no-cache";
          return (writeHead as (...args: unknown[]) => typeof res).call(this, status, ...rest);
        } as typeof res.writeHead;
        next();
      });
      app.use("/v1", router);
    });
    backend.enqueue(slow);
    const streamed = await streamWithGzip(url, backend);
    expect(streamed.encoding).toBe("gzip");
    expect(streamed.early).toContain("response.output_text.delta");
    expect(streamed.all).toContain("response.completed");
  });
});
