// Registration of xafs watch (issue 5). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import { Option, type Command } from 'commander';
import { parseNumber, type Io } from './program.js';

export function register(program: Command, io: Io): void {
  const watch = program
    .command('watch')
    .description('process each scan file as it lands in a folder (complete files only) with a batch recipe, appending rows to its results table')
    .argument('<dir>', 'the folder the scans are written to')
    .requiredOption('--recipe <file>', 'batch recipe (its inputs.files pattern, e.g. "*.xdi", picks the files; its analyses make the columns)')
    .option('--out <dir>', "output folder (default: the recipe's outputs.dir, else RECIPE-NAME.results beside the recipe)")
    .option('--once', 'process the files already in the folder (once complete) and exit')
    .option('--json', 'print {processed, ok, failed, skipped, averages, seconds, out} on stdout at the end');
  const fail = (message: string): never => watch.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  watch.addOption(new Option('--average <n>', 'also keep a running average of the last N good scans (OUT/average/: rows and merged spectra)').argParser(parseNumber('--average', { integer: true, min: 2 }, fail)));
  watch.addOption(new Option('--interval <ms>', 'poll interval; a file is complete when unchanged this long (default 1000)').argParser(parseNumber('--interval', { min: 10 }, fail)));
  watch.addHelpText(
    'after',
    `
Files already in the folder come first (by name), then new ones in order of arrival. Dotfiles and
temporary names (*.tmp, *.part, *~) are ignored: write scan.xdi.part and rename it into place.
Files already in the results table are skipped, so restarting resumes. Ctrl-C stops cleanly.
Exit status: 0 every scan ok, 1 some scans failed (rows with status 'error'), 2 bad recipe or option.

Examples:
  xafs watch /data/beamtime/scans --recipe fe.recipe.json --out results/
  xafs watch scans/ --recipe fe.recipe.json --average 5
  xafs watch scans/ --recipe fe.recipe.json --once --json`,
  );
  watch.action(async (dir: string, opts: Record<string, unknown>) => {
    const { watchCommand } = await import('./watch.js');
    await watchCommand(dir, opts as unknown as import('./watch.js').WatchCliOptions, io);
  });
}
