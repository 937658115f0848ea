// Registration of xafs watch (issue 5). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import type { Command } from 'commander';
import type { Io } from './program.js';

export function register(program: Command, io: Io): void {
  void program;
  void io;
}
