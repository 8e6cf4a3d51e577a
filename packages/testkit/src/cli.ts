#!/usr/bin/env node
// responses-bridge-conformance: runs the conformance suite against a Responses server whose Chat
// Completions upstream is the scripted backend this command starts.
import { parseArgs } from "node:util";
import { createScriptedBackend } from "./create-scripted-backend.js";
import { CONFORMANCE_CASES, formatConformanceReport, runConformance } from "./run-conformance.js";

const USAGE = `Usage: responses-bridge-conformance --base-url <url> [options]

Starts a scripted Chat Completions upstream, then checks the Responses server at --base-url, which
must use that upstream (configure it with http://<upstream-host>:<upstream-port>/v1).

Options:
  --base-url <url>        the server under test, including /v1 (required)
  --upstream-port <port>  port of the scripted upstream (default 11435)
  --upstream-host <host>  interface of the scripted upstream (default 127.0.0.1)
  --model <name>          model sent in every request (default conformance-model)
  --header <name: value>  extra request header, repeatable (e.g. "authorization: Bearer sk-…")
  --only <text>           run only cases whose name contains <text>, repeatable
  --timeout-ms <ms>       time limit per case (default 15000)
  --dialect <name>        openai (default) or open-responses: the event names the server
                          speaks; only the cases tagged with it run
  --json                  print the report as JSON
  --list                  list the cases and exit
  -h, --help              show this help

Exit code: 0 when every case passed, 1 when one failed, 2 on a usage error.`;

async function main(): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse().values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    console.log(CONFORMANCE_CASES.join("\n"));
    return 0;
  }
  const baseURL = values["base-url"];
  const port = Number(values["upstream-port"]);
  const timeoutMs = values["timeout-ms"] === undefined ? undefined : Number(values["timeout-ms"]);
  const headers: Record<string, string> = {};
  for (const header of values.header ?? []) {
    const colon = header.indexOf(":");
    if (colon <= 0) {
      console.error(`--header must look like "name: value", got "${header}"`);
      return 2;
    }
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  const dialect = values.dialect;
  if (dialect !== undefined && dialect !== "openai" && dialect !== "open-responses") {
    console.error(`--dialect must be openai or open-responses, got "${dialect}"`);
    return 2;
  }
  if (!baseURL || !Number.isInteger(port) || (timeoutMs !== undefined && !(timeoutMs > 0))) {
    console.error(USAGE);
    return 2;
  }

  const backend = createScriptedBackend();
  const upstream = await backend.listen({ port, host: values["upstream-host"] });
  if (!values.json) console.log(`scripted upstream on ${upstream.url}\nchecking ${baseURL}\n`);
  try {
    const report = await runConformance({
      baseURL,
      backend,
      headers,
      ...(values.model === undefined ? {} : { model: values.model }),
      ...(values.only === undefined ? {} : { only: values.only }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(dialect === undefined ? {} : { dialect }),
    });
    console.log(values.json ? JSON.stringify(report, null, 2) : formatConformanceReport(report));
    return report.failed === 0 && report.cases.length > 0 ? 0 : 1;
  } finally {
    await upstream.close();
  }
}

function parse() {
  return parseArgs({
    strict: true,
    options: {
      "base-url": { type: "string" },
      "upstream-port": { type: "string", default: "11435" },
      "upstream-host": { type: "string", default: "127.0.0.1" },
      model: { type: "string" },
      header: { type: "string", multiple: true },
      only: { type: "string", multiple: true },
      "timeout-ms": { type: "string" },
      dialect: { type: "string" },
      json: { type: "boolean" },
      list: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Pooled keep-alive connections to the server under test must not hold the process open.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
