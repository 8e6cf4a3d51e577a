/** An incoming `x-request-id` is kept when it is a short token (no spaces, no header or log injection). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The incoming `x-request-id` the handler keeps as the request's id (`HookContext.requestId`, the
 * `x-request-id` of its answer): the header's value when it is a short token of letters, digits and
 * `._:-` (1 to 128 characters). Otherwise undefined, and the handler makes an id of its own. A server that
 * logs requests next to the handler uses it to log under the same id.
 *
 * @param value - The request's `x-request-id` header, if any.
 * @returns The id the handler keeps, or undefined.
 */
export function keptRequestId(value: string | null | undefined): string | undefined {
  return typeof value === "string" && SANE_REQUEST_ID.test(value) ? value : undefined;
}
