// Every command group after read/process/fit/paths, each registered by its own module.
import type { Command } from 'commander';
import type { Io } from './program.js';
import { register as registerEdge } from './edgeCommands.js';
import { register as registerLcf } from './lcfCommands.js';
import { register as registerReduce } from './reduceCommands.js';
import { register as registerBatch } from './batchCommands.js';
import { register as registerWatch } from './watchCommands.js';
import { register as registerWavelet } from './waveletCommands.js';
import { register as registerPlot } from './plotCommands.js';
import { register as registerFeff } from './feffCommands.js';
import { register as registerFitShell } from './fitShellCommands.js';

export function registerXanesCommands(program: Command, io: Io): void {
  registerEdge(program, io);
  registerLcf(program, io);
  registerReduce(program, io);
  registerBatch(program, io);
  registerWatch(program, io);
  registerWavelet(program, io);
  registerPlot(program, io);
  registerFeff(program, io);
  registerFitShell(program, io);
}
