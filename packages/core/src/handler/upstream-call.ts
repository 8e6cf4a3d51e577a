/** Response headers of every server-sent-event answer. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/** The abort controller of one upstream call, tied to the client's signal. */
export interface UpstreamCall {
  /** Aborted when the client disconnects; abort it yourself when the answer ends early. */
  controller: AbortController;
  /** Detaches from the client's signal once the call no longer needs it. */
  release(): void;
}

/**
 * One controller per upstream call, aborted by the client's `signal` (at once if it already is), so
 * a client that leaves cancels the upstream request.
 */
export function startUpstreamCall(signal: AbortSignal): UpstreamCall {
  const controller = new AbortController();
  const onClientAbort = () => controller.abort(signal.reason);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener("abort", onClientAbort, { once: true });
  return { controller, release: () => signal.removeEventListener("abort", onClientAbort) };
}
