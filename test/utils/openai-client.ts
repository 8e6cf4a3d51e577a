// The openai SDK the integration tests use as client: openai 6 (the catalog version) by default, openai 7
// (the `openai7` alias) with RESPONSES_BRIDGE_TEST_OPENAI=7. openai 7 needs Node 22+ at run time, so CI's
// Node 24 leg selects it and the Node 20 leg keeps 6: the peer range ^6 || ^7 is exercised on both majors.

import OpenAI6 from "openai";
import { expect } from "vitest";

/** The major selected by RESPONSES_BRIDGE_TEST_OPENAI (6 unless it says 7). */
export const OPENAI_MAJOR: 6 | 7 = process.env.RESPONSES_BRIDGE_TEST_OPENAI === "7" ? 7 : 6;

if (OPENAI_MAJOR === 7 && Number(process.versions.node.split(".")[0]) < 22) {
  throw new Error(
    `RESPONSES_BRIDGE_TEST_OPENAI=7 needs Node 22 or later (openai 7's engines); this is ${process.version}`,
  );
}

/** The selected SDK's client class (openai 7 typed as 6: the tests use the API both share). */
export const OpenAIClient: typeof OpenAI6 =
  OPENAI_MAJOR === 7 ? ((await import("openai7")).default as unknown as typeof OpenAI6) : OpenAI6;

/** The selected SDK's version string, e.g. `7.60.0`. */
export const OPENAI_VERSION: string =
  OPENAI_MAJOR === 7 ? (await import("openai7/version")).VERSION : (await import("openai/version")).VERSION;

/** The selected SDK's error class (`APIError`): status, code, param and the error body. */
export type APIError = InstanceType<typeof OpenAI6.APIError>;

/**
 * A client of the selected SDK for the bridge at `baseURL`: no retries (failures surface at once) and a
 * 15 s timeout. `apiKey` is what the bridge's `authenticate` sees.
 */
export function openAIClient(baseURL: string, apiKey = "client-key"): OpenAI6 {
  return new OpenAIClient({ baseURL, apiKey, maxRetries: 0, timeout: 15_000 });
}

/** The selected SDK's error for a call that must fail; fails the test when the call succeeds. */
export async function apiError(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => new Error("expected the call to fail"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenAIClient.APIError);
  return error as APIError;
}
