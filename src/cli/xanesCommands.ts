// The XANES and data-reduction commands, each group registered by its own module.
import type { Command } from 'commander';
import type { Io } from './program.js';
import { register as registerEdge } from './edgeCommands.js';
import { register as registerLcf } from './lcfCommands.js';
import { register as registerReduce } from './reduceCommands.js';

export function registerXanesCommands(program: Command, io: Io): void {
  registerEdge(program, io);
  registerLcf(program, io);
  registerReduce(program, io);
}
