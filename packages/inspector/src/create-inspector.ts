import type { BridgeObserver, ObservedRequest } from "@responses-bridge/core";
import { createAccessGate } from "./access-key.js";
import { renderInspectorPage } from "./inspector-page.js";
import { createLiveFeed, encodeFeedEvent } from "./live-feed.js";
import { serializeTurn } from "./serialize-turn.js";
import { createTurnBuffer } from "./turn-buffer.js";
import { type CaptureSettings, TurnRecord } from "./turn-record.js";
import type { CapturedTurn, TurnSummary } from "./types.js";

/** Options of {@link createInspector}. Every field is optional. */
export interface InspectorOptions {
  /** Most turns kept (default 100); the oldest is dropped first. */
  maxTurns?: number;
  /**
   * Most bytes of captured JSON kept over all turns (default 32 MiB, counted as characters of JSON); the
   * oldest turns are dropped to stay within it. Nothing is ever written to disk.
   */
  maxBytes?: number;
  /** Most bytes one turn keeps (default 4 MiB, at most `maxBytes`); beyond it payloads are left out and the turn is marked truncated. */
  maxTurnBytes?: number;
  /** Most timeline entries (chunks, events, keep-alives) one turn keeps (default 10,000); later ones are counted only. */
  maxTimelineEntries?: number;
  /** Where the page is served (default `/__inspector`): the page at `${basePath}/`, its data under `${basePath}/api/`. */
  basePath?: string;
  /** Which requests become turns (default: `POST` to the `responses` and `chat` routes). */
  capture?: (request: { method: string; path: string; route: string }) => boolean;
  /** Literal secrets to redact wherever they appear in captured requests and responses (upstream and client keys). */
  secrets?: readonly string[];
  /**
   * A key needed to see the page and its data: sent as `Authorization: Bearer KEY`, or as `?key=KEY` once
   * in the browser, which sets an HttpOnly session cookie. Default: none (mount it where only you can reach it).
   */
  accessKey?: string;
}

/** What {@link createInspector} returns. */
export interface Inspector {
  /** Pass as `createResponsesHandler({ observer })`: it captures every turn into the bounded buffer. */
  readonly observer: BridgeObserver;
  /**
   * Serves the page, its JSON API and its live feed (server-sent events) for requests under
   * {@link Inspector.basePath}; any other path gets a 404.
   */
  fetch(request: Request): Promise<Response>;
  /** The base path, without a trailing slash (e.g. `/__inspector`). */
  readonly basePath: string;
  /** Whether a URL path belongs to the inspector (to route it before the bridge). */
  handles(pathname: string): boolean;
  /** Summaries of the kept turns, newest first. */
  turns(): TurnSummary[];
  /** One kept turn with everything captured (the same JSON the page's "Export turn" downloads). */
  exportTurn(id: string): CapturedTurn | undefined;
  /** Ends the open live feeds (call on shutdown so open pages do not hold the server). */
  close(): void;
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...SECURITY_HEADERS, ...headers },
  });
}

function errorBody(message: string, type: string, code: string) {
  return { error: { message, type, param: null, code } };
}

function nonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Creates a live request inspector: an {@link BridgeObserver} that keeps recent turns in a ring buffer
 * bounded by count and bytes (secrets redacted, nothing written to disk), and a `fetch` handler serving
 * a dependency-free page that shows them live. Web-standard only, so it mounts next to the bridge on
 * Node, Express, Fastify, Next.js, Hono, Bun or Deno.
 *
 * @example
 * ```ts
 * const inspector = createInspector({ maxTurns: 50 });
 * const handler = createResponsesHandler({ upstream, observer: inspector.observer });
 * // In a fetch-style server:
 * const fetch = (request: Request) =>
 *   inspector.handles(new URL(request.url).pathname) ? inspector.fetch(request) : handler.fetch(request);
 * ```
 */
export function createInspector(options: InspectorOptions = {}): Inspector {
  const maxBytes = Math.max(1024, options.maxBytes ?? 32 * 1024 * 1024);
  const settings: CaptureSettings = {
    maxTurnBytes: Math.min(maxBytes, options.maxTurnBytes ?? 4 * 1024 * 1024),
    maxTimelineEntries: options.maxTimelineEntries ?? 10_000,
    secrets: (options.secrets ?? []).filter((secret) => secret.length >= 4),
  };
  const feed = createLiveFeed();
  const buffer = createTurnBuffer<TurnRecord>({
    maxTurns: Math.max(1, options.maxTurns ?? 100),
    maxBytes,
    onEvict: (turn) => feed.publish("evicted", () => ({ id: turn.id })),
  });
  const basePath = `/${(options.basePath ?? "/__inspector").replace(/^\/+|\/+$/g, "")}`;
  const capture =
    options.capture ??
    ((request) => request.method === "POST" && (request.route === "responses" || request.route === "chat"));
  const gate = createAccessGate(options.accessKey);
  let sequence = 0;

  const publish = (record: TurnRecord) => {
    if (!record.evicted) feed.publish("turn", () => record.summary);
  };

  const observer: BridgeObserver = {
    request(info: ObservedRequest) {
      if (!capture(info)) return undefined;
      sequence += 1;
      const record = new TurnRecord(`turn_${sequence}`, info, settings, buffer, publish);
      buffer.add(record);
      publish(record);
      return record;
    },
  };

  function exportText(id: string): string | undefined {
    const record = buffer.get(id);
    return record ? serializeTurn(record, buffer.list()) : undefined;
  }

  async function fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (!(path === basePath || path.startsWith(`${basePath}/`))) {
      return json(
        404,
        errorBody(`Unknown request URL: ${request.method} ${path}.`, "invalid_request_error", "not_found"),
      );
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return json(
        405,
        errorBody(
          `Method ${request.method} is not allowed here.`,
          "invalid_request_error",
          "method_not_allowed",
        ),
        { allow: "GET, HEAD" },
      );
    }
    const access = gate.check(request, url);
    if (access === "key-in-query") {
      // Set the session and take the key out of the address bar.
      return new Response(null, {
        status: 303,
        headers: {
          location: `${basePath}/`,
          "set-cookie": gate.sessionCookie(`${basePath}/`),
          ...SECURITY_HEADERS,
        },
      });
    }
    const rest = path.slice(basePath.length);
    if (access === "denied") {
      const message =
        "The inspector needs the bridge's client key: open this page once with ?key=YOUR_KEY (it sets a cookie), or send Authorization: Bearer YOUR_KEY.";
      if (rest === "" || rest === "/") {
        return new Response(
          `<!doctype html><meta charset="utf-8"><title>Inspector: key needed</title><p>${message}</p>`,
          {
            status: 401,
            headers: { "content-type": "text/html; charset=utf-8", ...SECURITY_HEADERS },
          },
        );
      }
      return json(401, errorBody(message, "authentication_error", "invalid_api_key"));
    }
    if (rest === "") {
      return new Response(null, { status: 308, headers: { location: `${basePath}/${url.search}` } });
    }
    if (rest === "/") {
      const scriptNonce = nonce();
      return new Response(renderInspectorPage({ basePath, nonce: scriptNonce }), {
        headers: {
          "content-type": "text/html; charset=utf-8",
          "content-security-policy": `default-src 'none'; script-src 'nonce-${scriptNonce}'; style-src 'nonce-${scriptNonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
          ...SECURITY_HEADERS,
        },
      });
    }
    if (rest === "/api/turns") return json(200, { turns: buffer.list().map((turn) => turn.summary) });
    if (rest === "/api/feed") {
      const first = encodeFeedEvent("snapshot", { turns: buffer.list().map((turn) => turn.summary) });
      return new Response(feed.subscribe(first, request.signal), {
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          connection: "keep-alive",
          ...SECURITY_HEADERS,
        },
      });
    }
    const turn = /^\/api\/turns\/([A-Za-z0-9_-]{1,64})(\/export)?$/.exec(rest);
    if (turn) {
      const text = exportText(turn[1]!);
      if (text === undefined) {
        return json(
          404,
          errorBody(
            `No turn ${turn[1]} (it may have left the buffer).`,
            "invalid_request_error",
            "not_found",
          ),
        );
      }
      const headers: Record<string, string> = {
        "content-type": "application/json; charset=utf-8",
        ...SECURITY_HEADERS,
      };
      if (turn[2]) headers["content-disposition"] = `attachment; filename="${turn[1]}.json"`;
      return new Response(text, { headers });
    }
    return json(
      404,
      errorBody(`Unknown request URL: ${request.method} ${path}.`, "invalid_request_error", "not_found"),
    );
  }

  return {
    observer,
    fetch,
    basePath,
    handles: (pathname) => pathname === basePath || pathname.startsWith(`${basePath}/`),
    turns: () => buffer.list().map((turn) => ({ ...turn.summary, toolCalls: [...turn.summary.toolCalls] })),
    exportTurn(id) {
      const text = exportText(id);
      return text === undefined ? undefined : (JSON.parse(text) as CapturedTurn);
    },
    close: () => feed.close(),
  };
}
