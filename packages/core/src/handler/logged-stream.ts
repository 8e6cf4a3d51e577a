import type { TurnWriter } from "../store/stateful-types.js";
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
  let writer: Promise<TurnWriter | undefined> | undefined;
  const report = (error: unknown) => context.endpoint.report(error, hooks);
  const result = await createResponse(context.endpoint, body, signal, scope, hooks, {
    onStart(response) {
      // A log that cannot be opened (store down) is reported once; the client's stream goes on.
      writer = context.turns.begin(response.id, scope).catch((error: unknown) => {
        report(error);
        return undefined;
      });
    },
  });
  if (result.kind !== "stream" || !writer) {
    writer?.then((opened) => opened?.end()).catch(report);
    return result;
  }
  const opened = writer;
  return {
    ...result,
    body: teeToLog(
      result.body,
      (piece) => {
        opened.then((log) => log?.append(piece)).catch(() => {});
      },
      () => {
        opened.then((log) => log?.end()).catch(report);
      },
    ),
  };
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
          else if (result.value.charCodeAt(0) !== 58 /* ":" keep-alive */) onPiece(result.value);
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
