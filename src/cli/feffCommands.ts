// Registration of xafs feff (issue 7; src/feff/). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import type { Command } from 'commander';
import type { Io } from './program.js';

export function register(program: Command, io: Io): void {
  void program;
  void io;
}
