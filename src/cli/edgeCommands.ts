// Registration of commands (definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast).
import type { Command } from 'commander';
import type { Io } from './program.js';

export function register(_program: Command, _io: Io): void {}
