/**
 * The JSON text of a finished Response object, written once for two readers: the store's record of the
 * turn (`encodeStoredResponse`, which runs first: a turn is saved before its terminal event is sent) and
 * the stream's terminal event, which carries the same object. Without it a stored streamed turn would
 * serialise its whole Response twice, the second time on the stream's last write.
 *
 * The text is remembered per object, and handed out once: the terminal event takes it, so a Response
 * that is encoded again later (retrieved, replayed) is serialised afresh. Nothing changes a finished
 * Response between the two (the `onResponse` hook runs before the store), and an event that a hook or a
 * dialect may have changed is never encoded from here. A non-streamed turn's JSON answer takes it the same
 * way ({@link jsonBodyText}).
 */

const written = new WeakMap<object, string>();

/** `JSON.stringify(response)`, remembered for the terminal event that will carry the same object. */
export function writeResponseJson(response: object): string {
  const json = JSON.stringify(response);
  written.set(response, json);
  return json;
}

/** The text {@link writeResponseJson} wrote for `response`, once; undefined when there is none. */
export function takeResponseJson(response: object): string | undefined {
  const json = written.get(response);
  if (json !== undefined) written.delete(response);
  return json;
}

/**
 * The JSON text of a `json` `BridgeResult`'s body, for adapters: `JSON.stringify(body)`, or the
 * text the handler already wrote for that object. A stored Response is serialised for the store before it
 * is answered, so with this it is serialised once, not twice.
 *
 * @example
 * ```ts
 * if (result.kind === "json") res.end(jsonBodyText(result.body));
 * ```
 */
export function jsonBodyText(body: unknown): string {
  return (typeof body === "object" && body !== null && takeResponseJson(body)) || JSON.stringify(body);
}
