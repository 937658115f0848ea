#!/usr/bin/env node
// Entry point of the `xafs` command. Kept tiny so `xafs --version` stays fast: commands load the
// WASM core only when they run.
import { run } from './program.js';

// `xafs process ... --json | head` closes the pipe early: that is the reader's choice, not an
// error worth a stack trace (Node would otherwise throw an unhandled 'error' event).
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`xafs: cannot write the output: ${e.message}\n`);
  process.exit(3);
});

process.exitCode = await run(process.argv.slice(2));
