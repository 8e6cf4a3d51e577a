// The Next.js example route module, invoked the way Next.js invokes it: exported GET/POST/DELETE
// functions called with real Web `Request` objects.
import { createScriptedBackend, readSSEEvents, type ScriptedServer } from "@responses-bridge/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Route = Record<"GET" | "POST" | "DELETE", (request: Request) => Promise<Response>>;

describe("examples/nextjs-route", () => {
  const backend = createScriptedBackend();
  let upstream: ScriptedServer;
  let route: Route;

  beforeAll(async () => {
    upstream = await backend.listen();
    process.env.UPSTREAM_BASE_URL = upstream.url;
    route = (await import("../examples/nextjs-route/app/v1/[...path]/route.js")) as Route;
  });
  afterAll(async () => {
    delete process.env.UPSTREAM_BASE_URL;
    await upstream.close();
  });

  it("POST streams, GET retrieves and DELETE removes", async () => {
    backend.enqueue({ text: "from next" });
    const post = await route.POST(
      new Request("http://localhost:3000/v1/responses", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", input: "hi", stream: true }),
      }),
    );
    expect(post.status).toBe(200);
    expect(post.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSSEEvents(post);
    const completed = events.at(-1)?.data as { type: string; response: { id: string } };
    expect(completed.type).toBe("response.completed");

    const get = await route.GET(new Request(`http://localhost:3000/v1/responses/${completed.response.id}`));
    expect(get.status).toBe(200);
    expect(
      ((await get.json()) as { output: Array<{ content: Array<{ text: string }> }> }).output[0]?.content[0]
        ?.text,
    ).toBe("from next");
    const del = await route.DELETE(
      new Request(`http://localhost:3000/v1/responses/${completed.response.id}`, { method: "DELETE" }),
    );
    expect(await del.json()).toEqual({ id: completed.response.id, object: "response", deleted: true });
  });
});
