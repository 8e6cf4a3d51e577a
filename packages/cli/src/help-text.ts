import { CODEX_ENV_FLAGS, ENV_FLAGS } from "./env-flags.js";
import { MOCK_CUES } from "./mock-cues.js";
import { PRESET_NAMES, PRESETS } from "./presets.js";

const presetLines = PRESET_NAMES.map((name) => {
  const preset = PRESETS[name];
  const where = preset.baseURL || "in-process";
  const key = preset.apiKeyEnv
    ? `  key: $${preset.apiKeyEnv}${preset.apiKeyRequired ? " (required)" : ""}`
    : "";
  return `  ${name.padEnd(11)}${where.padEnd(32)}${key}`.trimEnd();
}).join("\n");

const SERVE_OPTIONS = `  -u, --upstream URL|PRESET  the Chat Completions backend: a URL (http://host:port/v1) or a preset
  -m, --model NAME           serve every request with this model (default: the name each client sends)
  -p, --port N               port to listen on (default 8080; 0 picks a free one)
      --host ADDRESS         interface to listen on (default 127.0.0.1; 0.0.0.0 or :: for all
                             interfaces, e.g. in a container: then set a client key in --config)
      --api-key-env VAR      read the upstream API key from $VAR (keys never go on the command line)
  -c, --config FILE          JSON config: several upstreams, routes with fallback, system prompt,
                             store (memory or Redis), limits, client key
      --log-level LEVEL      silent, error, warn, info (default: one line per request), debug
      --json-logs            one JSON object per log line
      --no-probe             start without checking that the upstream answers GET /models
      --shutdown-timeout MS  on SIGINT/SIGTERM, wait this long for in-flight streams (default 10000)
      --idle-timeout MS      close a connection that sends no request head within MS (default 15000)
      --keep-alive-timeout MS  close an idle keep-alive connection after MS (default 5000)
      --request-timeout MS   time a client has to send a whole request (default 300000; 0: none)
      --max-connections N    most open connections; more are closed as they arrive (default: no limit)
      --metrics              serve Prometheus metrics at GET /metrics
      --resumable-streams    let a stored foreground stream be followed while it runs
                             (GET /v1/responses/ID?stream=true&starting_after=N); background
                             responses always can (an extension; costs CPU and memory per stream)
      --cors ORIGINS         allow browsers from these origins (comma-separated, or *): preflights
                             answered, access-control-allow-origin on answers
      --inspect              serve a live request inspector at /__inspector/ on the same port (each turn's
                             request, chat request, chunks and events; kept in memory only); loopback
                             clients only; with a client key, open it once with ?key=KEY (sets a cookie)
      --inspect-remote       let clients on other machines open the inspector too
      --dialect NAME         event names: openai (default; what the openai SDK and Codex read) or
                             open-responses (the Open Responses spec's)
  -h, --help                 this help

Always served: GET /healthz (liveness) and GET /readyz (200 when every upstream answers GET /models).`;

const ENVIRONMENT_LINES = `Environment (every flag; a flag on the command line wins over its variable):
${ENV_FLAGS.map(({ flag, env }) => `  ${env.join(", ").padEnd(40)}--${flag}`).join("\n")}
  codex only:
${CODEX_ENV_FLAGS.map(({ flag, env }) => `  ${env.join(", ").padEnd(40)}--${flag}`).join("\n")}
  Boolean flags take 1, true or yes.`;

const EXIT_CODE_LINES = `Exit codes:
  0  success, or a clean shutdown after SIGINT/SIGTERM (in-flight streams finished)
  1  unexpected failure
  2  bad flags, invalid config file, or a missing API key variable
  3  an upstream was unreachable at start
  4  cannot listen on the host and port
  5  --exec: Codex could not be started (with --exec, Codex's own exit code otherwise)
  130  a second SIGINT/SIGTERM cut in-flight requests short`;

/** `responses-bridge --help`. */
export const MAIN_HELP = `responses-bridge: the OpenAI Responses API over any Chat Completions backend.

Usage:
  responses-bridge serve --upstream URL|PRESET [options]    serve the Responses API
  responses-bridge codex --upstream URL|PRESET [options]    set Codex CLI up for it, then serve
  responses-bridge help [serve|codex]
  responses-bridge --version

Presets:
${presetLines}

Try it with nothing installed:
  responses-bridge codex --upstream mock --exec

Run "responses-bridge serve --help" or "responses-bridge codex --help" for the options and their
environment variables (PORT, HOST, RESPONSES_BRIDGE_UPSTREAM, RESPONSES_BRIDGE_API_KEY_ENV...).

${EXIT_CODE_LINES}
`;

/** `responses-bridge serve --help`. */
export const SERVE_HELP = `Usage: responses-bridge serve --upstream URL|PRESET [options]

Serves POST /v1/responses (and /v1/chat/completions, /v1/models) on top of a Chat Completions backend.
Prints one line when ready, then one line per request: method, path, status, model, latency, tokens.

Options:
${SERVE_OPTIONS}

Presets:
${presetLines}

The mock preset answers without any model. Its cues (in the last user message):
${MOCK_CUES.map(({ cue, effect }) => `  ${cue.padEnd(30)}${effect}`).join("\n")}

Examples:
  responses-bridge serve --upstream ollama --model qwen3-coder:30b
  OPENROUTER_API_KEY=... responses-bridge serve --upstream openrouter --model qwen/qwen3-coder
  responses-bridge serve --upstream http://gpu-box:8000/v1 --api-key-env VLLM_KEY --port 9000
  PORT=8080 HOST=0.0.0.0 RESPONSES_BRIDGE_UPSTREAM=http://vllm:8000/v1 responses-bridge serve --metrics

${ENVIRONMENT_LINES}

${EXIT_CODE_LINES}
`;

/** `responses-bridge codex --help`. */
export const CODEX_HELP = `Usage: responses-bridge codex --upstream URL|PRESET [options] [--exec [-- CODEX ARGS...]]

Writes a self-contained CODEX_HOME for Codex CLI (config.toml with a "bridge" model provider and a model
catalog), prints the lines to paste into a shell, then serves the bridge. Your ~/.codex is not touched.
Running it again with the same flags writes the same files.

Options (all serve options, plus):
      --codex-home DIR            where to write (default ~/.responses-bridge/codex-home)
      --context-window N          the model's context window in tokens (default: read from the backend
                                  where it says: Ollama, LM Studio, llama.cpp, vLLM, OpenRouter; else 32768)
      --exec                      also launch Codex with that CODEX_HOME; arguments after -- go to Codex
      --codex-bin PATH            the Codex executable for --exec (default: codex on PATH)
      --no-serve                  write the files and exit (needs a fixed --port)
      --request-max-retries N     Codex's HTTP retries (config.toml; default 4)
      --stream-max-retries N      Codex's stream retries (config.toml; default 5)
      --stream-idle-timeout MS    Codex's idle timeout (config.toml; default 600000)
      --instructions FILE         base instructions for the model instead of the built-in ones

${SERVE_OPTIONS}

Failures reach Codex in the form it acts on: an upstream 429 becomes response.failed "try again in Ns"
(Codex backs off and retries), a context overflow becomes context_length_exceeded.

Examples:
  responses-bridge codex --upstream ollama --model qwen3-coder:30b --context-window 65536
  responses-bridge codex --upstream mock --exec -- exec "run: ls"
  responses-bridge codex --upstream lmstudio --exec

${EXIT_CODE_LINES}
`;
