import { redactSecrets } from "@responses-bridge/core/http";
import { CliError, EXIT_CODES } from "./exit-codes.js";
import type { UpstreamSettings } from "./resolve-settings.js";

/** One entry of `GET /models`, with whatever metadata the backend adds. */
export type ModelEntry = { id: string } & Record<string, unknown>;

/** What the start-up probe learnt. */
export interface ProbeResult {
  /** HTTP status of `GET {base}/models`. */
  status: number;
  /** The listed models (empty when the answer was not a model list). */
  models: ModelEntry[];
}

/** Options of {@link probeUpstream}. */
export interface ProbeOptions {
  /** Give up after this many milliseconds. Default 3000. */
  timeoutMs?: number;
  /** `fetch` to use, for tests. */
  fetch?: typeof fetch;
}

/** Headers for calls to an upstream: its extra headers and its key. */
export function upstreamHeaders(upstream: UpstreamSettings): Record<string, string> {
  const headers: Record<string, string> = { ...upstream.headers };
  if (upstream.apiKey) headers.authorization = `Bearer ${upstream.apiKey.reveal()}`;
  return headers;
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError" || error.name === "AbortError") return "no answer in time";
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}

/**
 * Checks that an upstream answers: `GET {base}/models` with a short timeout. Any HTTP answer counts as
 * reachable (a 401 is reported as a warning by the caller); the model list is returned for picking a
 * default model and reading context windows.
 *
 * @throws {CliError} exit code 3, one line, when the connection fails or times out.
 */
export async function probeUpstream(
  upstream: UpstreamSettings,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const doFetch = options.fetch ?? fetch;
  const url = `${upstream.baseURL}/models`;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: upstreamHeaders(upstream),
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    });
  } catch (error) {
    const name = upstream.preset ? upstream.preset.title : "the upstream";
    const secrets = upstream.apiKey ? [upstream.apiKey.reveal()] : [];
    throw new CliError(
      redactSecrets(
        `cannot reach ${name} at ${upstream.baseURL} (GET /models: ${reason(error)}); is it running? (--no-probe starts anyway)`,
        secrets,
      ),
      EXIT_CODES.upstreamUnreachable,
    );
  }
  let models: ModelEntry[] = [];
  try {
    const body = (await response.json()) as { data?: unknown; models?: unknown };
    const list = Array.isArray(body.data) ? body.data : Array.isArray(body.models) ? body.models : [];
    models = list.filter(
      (entry): entry is ModelEntry =>
        typeof entry === "object" && entry !== null && typeof (entry as { id?: unknown }).id === "string",
    );
  } catch {
    // Not a model list: reachable all the same.
  }
  return { status: response.status, models };
}
