import type { TurnWriter } from "../store/stateful-types.js";
import { KEEP_ALIVE } from "../stream/keep-alive.js";
import type { StoreScope } from "../types.js";
import { type BackgroundContext, isPlainObject } from "./background.js";
import type { BridgeResult, HookContext } from "./options.js";
import { createResponse } from "./responses-endpoint.js";

/** True when a `POST /responses` body asks for a streamed turn that is stored (`stream: true`, `store` not false). */
export function isStoredStream(body: unknown): boolean {
  return isPlainObject(body) && body.stream === true && body.store !== false;
}

/**
 * `POST /responses` streamed with `store` on (not in the background): streamed to the client as usual,
 * and each piece also goes to the turn log, so `GET /responses/{id}?stream=true` can follow the turn
 * from any instance while it runs (an extension: OpenAI offers resume for background responses only).
 * The turn still ends when its client leaves.
 */
export async function createLoggedStream(
  context: BackgroundContext,
  body: unknown,
  signal: AbortSignal,
  scope: StoreScope | undefined,
  hooks: HookContext,
): Promise<BridgeResult> {
  let opening: Promise<TurnWriter | undefined> | undefined;
  const report = (error: unknown) => context.endpoint.report(error, hooks);
  const result = await createResponse(context.endpoint, body, signal, scope, hooks, {
    onStart(response) {
      // A log that cannot be opened (store down) is reported once; the client's stream goes on.
      opening = context.turns.begin(response.id, scope).catch((error: unknown) => {
        report(error);
        return undefined;
      });
    },
  });
  if (result.kind !== "stream" || !opening) {
    opening?.then((opened) => opened?.end()).catch(report);
    return result;
  }
  const log = new PendingLog(opening, report);
  return {
    ...result,
    body: teeToLog(
      result.body,
      (piece) => log.append(piece),
      () => log.end(),
    ),
  };
}

/**
 * A turn log being opened: pieces written before it is open wait in order, later ones go straight to the
 * writer (no promise per piece for a log that appends synchronously). A failed append is not reported
 * (the client's stream goes on); a failed end is.
 */
class PendingLog {
  #writer: TurnWriter | undefined;
  #queue: string[] | undefined = [];
  #ended = false;
  readonly #report: (error: unknown) => void;

  constructor(opening: Promise<TurnWriter | undefined>, report: (error: unknown) => void) {
    this.#report = report;
    opening.then((writer) => {
      const queue = this.#queue ?? [];
      this.#queue = undefined;
      if (!writer) return;
      this.#writer = writer;
      for (const piece of queue) this.#write(piece);
      if (this.#ended) this.#close();
    }, report);
  }

  append(piece: string): void {
    if (this.#queue) this.#queue.push(piece);
    else if (this.#writer) this.#write(piece);
  }

  end(): void {
    this.#ended = true;
    if (this.#writer) this.#close();
  }

  #write(piece: string): void {
    try {
      const appended = this.#writer!.append(piece);
      if (appended) appended.catch(() => {});
    } catch {
      // Same as a rejected append: the log misses a piece, the client does not.
    }
  }

  #close(): void {
    try {
      const ended = this.#writer!.end();
      if (ended) ended.catch(this.#report);
    } catch (error) {
      this.#report(error);
    }
  }
}

/**
 * The pieces of `source`, each also passed to `onPiece` (keep-alive comments excepted), and `onEnd` called
 * once when the source ends, fails or is returned. Not a generator: `return()` reaches the source at once,
 * so a client that leaves still stops the upstream call without waiting for its next piece.
 */
function teeToLog(
  source: AsyncIterable<string>,
  onPiece: (piece: string) => void,
  onEnd: () => void,
): AsyncIterable<string> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const tee: AsyncIterableIterator<string> = {
    [Symbol.asyncIterator]() {
      return tee;
    },
    next() {
      return iterator.next().then(
        (result) => {
          if (result.done) end();
          else if (result.value !== KEEP_ALIVE) onPiece(result.value);
          return result;
        },
        (error: unknown) => {
          end();
          throw error;
        },
      );
    },
    async return() {
      end();
      return (await iterator.return?.()) ?? { done: true, value: undefined };
    },
  };
  return tee;
}
