// Registration of xafs batch, xafs merge-results (issue 5; src/series/batch/). Definitions and options only; actions import their modules lazily so
// that `xafs --version` stays fast.
import { Option, type Command } from 'commander';
import { parseNumber, type Io } from './program.js';

export function register(program: Command, io: Io): void {
  const batch = program
    .command('batch')
    .description('run a batch recipe over a series (files, a multi-column file, an Athena project, HDF5) on all cores: results.csv and results.jsonl in input order')
    .argument('<recipe>', 'batch recipe, JSON or YAML (see docs/series.md and docs/recipes.md)')
    .option('--resume', 'continue an interrupted run in the output folder (complete chunks are kept)')
    .option('--shard <i/n>', 'run only shard i of n (contiguous chunks of 64 spectra; merge the shards with xafs merge-results)')
    .option('--out <dir>', "output folder (default: the recipe's outputs.dir, else RECIPE-NAME.results beside the recipe)")
    .option('--force', 'replace the results of an earlier run in the output folder')
    .option('--json', 'print {total, ok, failed, seconds, out} on stdout');
  const fail = (message: string): never => batch.error(message, { exitCode: 2, code: 'xafs.badOptionValue' });
  batch.addOption(new Option('--jobs <n>', 'worker threads (default: every core)').argParser(parseNumber('--jobs', { integer: true, min: 1 }, fail)));
  batch.addOption(new Option('--time-limit <s>', 'time limit per spectrum, s: a spectrum over it is an error row saying so (default: none)').argParser(parseNumber('--time-limit', { above: 0 }, fail)));
  // Slurm (src/series/batch/slurm.ts, docs/slurm.md)
  batch.addOption(new Option('--slurm <n>', 'submit as a Slurm job array of n shard tasks plus a merge job (output folder on a shared filesystem; --jobs is then per task)').argParser(parseNumber('--slurm', { integer: true, min: 1 }, fail)));
  batch.option('--sbatch <args>', "extra sbatch options for both jobs, e.g. '--account=abc --partition=short --time=2:00:00'");
  batch.option('--wait', 'with --slurm: wait until the jobs end; exit 0 all ok, 1 with the failed tasks\' logs, 2 a node without the output folder');
  batch.addHelpText(
    'after',
    `
Exit status: 0 every spectrum ok, 1 some spectra failed (rows with status 'error') or the disk filled up
(the complete rows are kept; --resume continues), 2 bad recipe, option or output folder (also: a folder in
use by another run), 130 interrupted (SIGINT/SIGTERM: the chunks in flight get 2 s to be written, then the
workers stop; --resume continues). See docs/robustness.md.

Examples:
  xafs batch fixtures/batch/fe_series.recipe.json --out results/
  xafs batch series.recipe.yaml --jobs 8 --resume
  xafs batch series.recipe.json --shard 3/10 --out shard3/   # then: xafs merge-results shard*/ --out all/
  xafs batch series.recipe.json --out /shared/run1 --slurm 16 --sbatch '--account=abc --time=1:00:00' --wait`,
  );
  batch.action(async (recipe: string, opts: Record<string, unknown>) => {
    if (opts.slurm !== undefined || opts.sbatch !== undefined || opts.wait) return (await import('./slurm.js')).slurmBatchCommand(recipe, opts, io);
    const { batchCommand } = await import('./batch.js');
    await batchCommand(recipe, opts, io);
  });

  program
    .command('merge-results')
    .description('merge the output folders of the shards of one batch (xafs batch --shard i/n) into one, identical to an unsharded run')
    .argument('<dirs...>', 'the shard output folders, in any order')
    .requiredOption('--out <dir>', 'output folder of the merged results')
    .option('--force', 'replace results already in --out')
    .option('--json', 'print {rows, out, shards} on stdout')
    .action(async (dirs: string[], opts: { out: string; json?: boolean; force?: boolean }) => {
      const { mergeResultsCommand } = await import('./batch.js');
      mergeResultsCommand(dirs, opts, io);
    });
}
