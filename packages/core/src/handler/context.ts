// Who is calling and what hooks see of a request: the types every handler module shares.

/** Who is calling, as returned by the `authenticate` hook. */
export interface Principal {
  /** Scopes stored responses: an id created by one tenant is "not found" for every other. */
  tenant?: string;
  /** Anything else the host wants hooks to see (user id, plan...). */
  [key: string]: unknown;
}

/** What the `authenticate` hook sees of a request. */
export interface AuthenticationRequest {
  method: string;
  path: string;
  headers: Headers;
}

/** Context passed to every hook. Hooks never see upstream URLs or API keys. */
export interface HookContext {
  /**
   * The request's `x-request-id`: the client's own when it sent a short token
   * (`/^[A-Za-z0-9._:-]{1,128}$/`), else a fresh `req_…` id. Answered in the `x-request-id` header.
   */
  requestId: string;
  /** The principal returned by `authenticate`, when there is one. */
  principal?: Principal;
}
