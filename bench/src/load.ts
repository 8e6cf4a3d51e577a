// The load generator: keep-alive undici pools, one per target, timing each request from the call to
// its first body byte (TTFB) and to its end (TTLB).
import { Pool } from "undici";
import { chatBody, responsesBody } from "./fixtures.js";

export type Kind = "json" | "stream";

/** Something to send requests to: the direct upstream or the bridge through one adapter. */
export interface Target {
  name: string;
  pool: Pool;
  path: string;
  bodies: Record<Kind, string>;
  /** Text that the last bytes of a complete stream contain. */
  streamEnd: string;
}

export interface Timing {
  /** Milliseconds from sending to the first body byte. */
  ttfb: number;
  /** Milliseconds from sending to the end of the body. */
  ttlb: number;
}

const HEADERS = { "content-type": "application/json", authorization: "Bearer bench-client" };

/** A target over a keep-alive pool of `connections` sockets. */
export function createTarget(name: string, baseURL: string, connections: number, store = false): Target {
  const url = new URL(baseURL);
  // The plain proxy forwards chat requests, so it is sent what the upstream is sent.
  const direct = name === "direct" || name === "proxy";
  return {
    name,
    pool: new Pool(url.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 }),
    path: `${url.pathname}${direct ? "/chat/completions" : "/responses"}`,
    bodies: direct
      ? { json: chatBody({ stream: false }), stream: chatBody({ stream: true }) }
      : { json: responsesBody({ stream: false, store }), stream: responsesBody({ stream: true, store }) },
    streamEnd: direct ? "[DONE]" : "response.completed",
  };
}

/** Thrown for a non-200 answer or a stream that did not end as expected. */
export class BenchRequestError extends Error {}

/**
 * One request; resolves with its timing, rejects with {@link BenchRequestError} for a wrong answer.
 * `body` overrides the target's body for `kind`; `signal` aborts it (the soak's disconnects).
 */
export async function send(
  target: Target,
  kind: Kind,
  options: { body?: string; signal?: AbortSignal; expect?: string; onChunk?: (count: number) => void } = {},
): Promise<Timing> {
  const started = performance.now();
  const { statusCode, body } = await target.pool.request({
    method: "POST",
    path: target.path,
    headers: HEADERS,
    body: options.body ?? target.bodies[kind],
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let ttfb = 0;
  let previous: Buffer | undefined;
  let last: Buffer | undefined;
  let chunks = 0;
  await new Promise<void>((resolve, reject) => {
    body.on("data", (chunk: Buffer) => {
      if (chunks++ === 0) ttfb = performance.now() - started;
      previous = last;
      last = chunk;
      options.onChunk?.(chunks);
    });
    body.once("end", resolve);
    body.once("error", reject);
  });
  const ttlb = performance.now() - started;
  const tail = previous && last ? Buffer.concat([previous, last]).toString() : (last?.toString() ?? "");
  if (statusCode !== 200)
    throw new BenchRequestError(`${target.name} ${kind}: HTTP ${statusCode} ${tail.slice(0, 300)}`);
  const expected = options.expect ?? (kind === "stream" ? target.streamEnd : undefined);
  if (expected !== undefined && !tail.includes(expected)) {
    throw new BenchRequestError(
      `${target.name} ${kind}: the answer did not contain ${expected}: ${tail.slice(-300)}`,
    );
  }
  return { ttfb, ttlb };
}

/** `count` requests one after the other. */
export async function sequential(target: Target, kind: Kind, count: number): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (let index = 0; index < count; index++) timings.push(await send(target, kind));
  return timings;
}

export interface ThroughputResult {
  completed: number;
  errors: number;
  elapsedMs: number;
  firstError?: string;
}

/** `concurrency` workers sending back to back until `durationMs` passed (or `maxRequests` were sent). */
export async function concurrent(
  target: Target,
  kind: Kind,
  concurrency: number,
  durationMs: number,
  maxRequests = Number.POSITIVE_INFINITY,
): Promise<ThroughputResult> {
  const started = performance.now();
  const deadline = started + durationMs;
  let sent = 0;
  const result: ThroughputResult = { completed: 0, errors: 0, elapsedMs: 0 };
  const worker = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      try {
        await send(target, kind);
        result.completed++;
      } catch (error) {
        result.errors++;
        result.firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = performance.now() - started;
  return result;
}
