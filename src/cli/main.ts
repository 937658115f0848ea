#!/usr/bin/env node
// Entry point of the `xafs` command. Kept tiny so `xafs --version` stays fast: commands load the
// WASM core only when they run.
import { run } from './program.js';

process.exitCode = await run(process.argv.slice(2));
