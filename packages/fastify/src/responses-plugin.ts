import { Readable } from "node:stream";
import { jsonBodyText } from "@responses-bridge/core/http";
import { type NodeHandlerSource, resolveNodeRequest, writeResult } from "@responses-bridge/node";
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from "fastify";
import { installFrameworkErrors } from "./framework-errors.js";

/** Options of {@link responsesPlugin}, passed to `app.register(responsesPlugin, options)`. */
export interface ResponsesPluginOptions {
  /** The bridge, from `createResponsesHandler(...)`. */
  handler: NodeHandlerSource;
  /**
   * Largest accepted request body in bytes, after decompression; a larger one is a 413 OpenAI-shaped
   * error. Default: the smaller of Fastify's `bodyLimit` (server option, 1 MiB unless you set it) and
   * the handler's `maxBodyBytes`.
   */
  maxBodyBytes?: number;
  /** Mount point, e.g. `"/v1"` (Fastify's own `register` option). */
  prefix?: string;
}

/**
 * The bridge as a Fastify 5 plugin: every method and path under `prefix` goes to the bridge, which
 * answers unknown paths with an OpenAI-shaped 404.
 *
 * ```ts
 * await app.register(responsesPlugin, { handler, prefix: "/v1" });
 * ```
 *
 * Bodies are read raw (any content type, `gzip`/`deflate`/`br`/`zstd`) within `bodyLimit`; JSON answers
 * go through `reply.send` (hooks and Fastify's logger see them as usual), streams are written to
 * `reply.raw` after `reply.hijack()`, with backpressure, keeping headers set by hooks (CORS...).
 * Paths under `prefix` that Fastify's router cannot decode (`/v1/responses/%`) get an OpenAI-shaped 400
 * too, unless the server was created with its own `frameworkErrors` (see `responsesFrameworkErrors`).
 */
export const responsesPlugin: FastifyPluginCallback<ResponsesPluginOptions> = (app, options, done) => {
  const { handler, maxBodyBytes } = options;
  // Request targets the router cannot decode never reach a route: answer them in OpenAI shape too.
  installFrameworkErrors(app, app.prefix);
  // Encapsulated: only this plugin's routes read bodies this way. The stream is handed on unread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_request, payload, parsed) => parsed(null, payload));
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const { result, signal } = await resolveNodeRequest(handler, request.raw, reply.raw, {
      maxBodyBytes:
        maxBodyBytes ?? Math.min(request.routeOptions.bodyLimit, handler.maxBodyBytes ?? Infinity),
      ...(request.body instanceof Readable ? { body: request.body } : {}),
    });
    if (result.kind === "json") {
      // Sent as bytes, so Fastify adds no charset: the same answer as every other adapter.
      return reply
        .code(result.status)
        .headers({ ...result.headers, "content-type": "application/json" })
        .send(Buffer.from(jsonBodyText(result.body)));
    }
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.hijack();
    await writeResult(reply.raw, result, signal).catch((error: unknown) => {
      request.log.error({ err: error }, "responses-bridge: writing the event stream failed");
    });
  };
  app.all("/*", maxBodyBytes === undefined ? {} : { bodyLimit: maxBodyBytes }, serve);
  // Methods `all` does not route (PROPFIND, custom ones) reach the bridge too: its 404/405 are OpenAI-shaped.
  app.setNotFoundHandler(serve);
  done();
};

// What fastify-plugin would add, without its encapsulation bypass (the prefix must apply): a clear
// error when registered on a Fastify other than 5, and a name in Fastify's plugin tree.
Object.assign(responsesPlugin, {
  [Symbol.for("plugin-meta")]: { name: "@responses-bridge/fastify", fastify: "5.x" },
});
