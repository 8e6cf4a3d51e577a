/** Server-sent events to every open page: turn summaries as they change. */
export interface LiveFeed {
  /**
   * A new subscriber: an SSE body stream that starts with `first` (already encoded events) and then gets
   * every published event, until `signal` aborts, the reader cancels, or {@link LiveFeed.close}.
   */
  subscribe(first: string, signal?: AbortSignal): ReadableStream<Uint8Array>;
  /** Sends one event to every subscriber (nothing is encoded when there are none). */
  publish(event: string, data: () => unknown): void;
  /** Number of open subscribers. */
  size(): number;
  /** Ends every subscriber's stream. */
  close(): void;
}

/** Options of {@link createLiveFeed}. */
export interface LiveFeedOptions {
  /** Milliseconds between keep-alive comments while someone listens (default 15,000). */
  heartbeatMs?: number;
  /** Bytes a slow subscriber may have queued before it is dropped (default 4 MiB); the page reconnects. */
  maxQueuedBytes?: number;
}

/** One SSE frame. `data` is JSON on one line, so it never needs splitting. */
export function encodeFeedEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Creates a {@link LiveFeed}. Web-standard streams only; a timer runs only while someone listens. */
export function createLiveFeed(options: LiveFeedOptions = {}): LiveFeed {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxQueued = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const encoder = new TextEncoder();
  const subscribers = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const drop = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (!subscribers.delete(controller)) return;
    try {
      controller.close();
    } catch {
      // Already closed or errored.
    }
    if (subscribers.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };
  const send = (bytes: Uint8Array) => {
    for (const controller of subscribers) {
      if ((controller.desiredSize ?? 0) < -maxQueued) {
        drop(controller);
        continue;
      }
      try {
        controller.enqueue(bytes);
      } catch {
        drop(controller);
      }
    }
  };

  return {
    subscribe(first, signal) {
      let own: ReadableStreamDefaultController<Uint8Array> | undefined;
      return new ReadableStream<Uint8Array>(
        {
          start(controller) {
            own = controller;
            controller.enqueue(encoder.encode(`retry: 2000\n\n${first}`));
            if (signal?.aborted) {
              controller.close();
              return;
            }
            subscribers.add(controller);
            signal?.addEventListener("abort", () => drop(controller), { once: true });
            if (heartbeat === undefined) {
              heartbeat = setInterval(() => send(encoder.encode(": keep-alive\n\n")), heartbeatMs);
              // Never keep a process alive just for the page (Node); browsers have no unref.
              (heartbeat as { unref?: () => void }).unref?.();
            }
          },
          cancel() {
            if (own) drop(own);
          },
        },
        { highWaterMark: 0 },
      );
    },
    publish(event, data) {
      if (subscribers.size === 0) return;
      send(encoder.encode(encodeFeedEvent(event, data())));
    },
    size: () => subscribers.size,
    close() {
      for (const controller of [...subscribers]) drop(controller);
    },
  };
}
