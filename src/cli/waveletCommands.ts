// Registration of xafs wavelet (issue 6; src/xafs/wavelet.ts). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import type { Command } from 'commander';
import type { Io } from './program.js';

export function register(program: Command, io: Io): void {
  void program;
  void io;
}
