#!/usr/bin/env node
// `npx responses-bridge …`: the unscoped name of @responses-bridge/cli, which does all the work.
import { runCli } from "@responses-bridge/cli";

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Leave once output is flushed, even if a library left a handle open (a Redis socket reconnecting).
  setTimeout(() => process.exit(code), 1000).unref();
});
