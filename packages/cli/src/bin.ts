#!/usr/bin/env node
import { runCli } from "./run-cli.js";
import { restartWithStartupFlags, tuneHeapForServing } from "./tune-heap.js";

// This process is a long-running server: a young generation no larger than Node 20's (a restart with
// Node flags, on Node 24), a heap that stays small, and no post-idle slowdown on Node 20.
restartWithStartupFlags();
tuneHeapForServing();
void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // Leave once output is flushed, even if a library left a handle open (a Redis socket reconnecting).
  setTimeout(() => process.exit(code), 1000).unref();
});
