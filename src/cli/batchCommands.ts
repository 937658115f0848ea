// Registration of xafs batch, xafs merge-results (issue 5; src/series/batch/). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import type { Command } from 'commander';
import type { Io } from './program.js';

export function register(program: Command, io: Io): void {
  void program;
  void io;
}
