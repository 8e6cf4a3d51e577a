import type { ResponsesHandler } from "@responses-bridge/core";

/** Anything with the bridge's Web entry point: a {@link ResponsesHandler} or its bare `fetch` function. */
export type FetchHandlerSource = Pick<ResponsesHandler, "fetch"> | ((request: Request) => Promise<Response>);

/** A Web-standard request handler, as Bun, Deno, Workers and Hono expect. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The bridge as a plain `(request: Request) => Promise<Response>` function, bound and ready to pass
 * to `Bun.serve({ fetch })`, `Deno.serve(...)`, a Workers `export default { fetch }`, or
 * `app.all("/v1/*", (c) => handler(c.req.raw))` in Hono.
 */
export function toFetchHandler(source: FetchHandlerSource): FetchHandler {
  const fetch = typeof source === "function" ? source : source.fetch.bind(source);
  return (request) => fetch(request);
}

/** Route handlers for a Next.js App Router catch-all route (`app/v1/[...path]/route.ts`). */
export interface NextJsRouteHandlers {
  /** `GET /v1/responses/{id}` and `GET /v1/models`. */
  GET: FetchHandler;
  /** `POST /v1/responses` and `POST /v1/chat/completions`. */
  POST: FetchHandler;
  /** `DELETE /v1/responses/{id}`. */
  DELETE: FetchHandler;
}

/**
 * `{ GET, POST, DELETE }` for a Next.js App Router route file:
 *
 * ```ts
 * // app/v1/[...path]/route.ts
 * export const { GET, POST, DELETE } = toNextJsHandler(handler);
 * ```
 */
export function toNextJsHandler(source: FetchHandlerSource): NextJsRouteHandlers {
  const handler = toFetchHandler(source);
  return { GET: handler, POST: handler, DELETE: handler };
}
