#!/usr/bin/env node
import { holdOffMemoryReducer } from "./memory-reducer.js";
import { runCli } from "./run-cli.js";

// A server's process: on Node 20, V8 shrinking the heap after idle seconds makes the next requests slow.
holdOffMemoryReducer();
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Leave once output is flushed, even if a library left a handle open (a Redis socket reconnecting).
  setTimeout(() => process.exit(code), 1000).unref();
});
