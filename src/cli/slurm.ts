// xafs batch RECIPE --slurm N [--sbatch ARGS] [--wait]: submit, print the job ids, optionally wait and report.
import { XafsError } from '../errors.js';
import { loadBatchRecipe } from '../series/batch/recipe.js';
import { submitSlurm, waitSlurm, type SlurmOutcome, type SlurmSubmission } from '../series/batch/slurm.js';
import { ExitStatus, type Io } from './program.js';

export interface SlurmCliOptions {
  slurm?: number;
  sbatch?: string;
  wait?: boolean;
  resume?: boolean;
  force?: boolean;
  out?: string;
  jobs?: number;
  shard?: string;
  json?: boolean;
}

const FAILURES_SHOWN = 10;

export async function slurmBatchCommand(recipeFile: string, opts: SlurmCliOptions, io: Io): Promise<void> {
  if (opts.slurm === undefined) throw new XafsError('EOPTION', `--${opts.sbatch !== undefined ? 'sbatch' : 'wait'} goes with --slurm N (submit the batch as a Slurm array of N tasks)`);
  if (opts.shard !== undefined) throw new XafsError('EOPTION', '--shard and --slurm exclude each other: --slurm N runs shards 1/N … N/N as array tasks');
  const recipe = loadBatchRecipe(recipeFile);
  const sub = await submitSlurm(recipe, { tasks: opts.slurm, out: opts.out, sbatch: opts.sbatch, resume: opts.resume, force: opts.force, jobs: opts.jobs, node: process.execPath, entry: process.argv[1], warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  const again = `xafs batch ${recipeFile} --out ${sub.out} --slurm ${sub.tasks} --resume`;
  const ids = [sub.arrayJob, sub.mergeJob].filter((x) => x !== null).join(',');
  if (sub.attached) io.err(`xafs batch: the jobs of the earlier submission (${ids}) are still queued or running: nothing submitted${opts.wait ? '; waiting for them' : ''}\n`);
  else if (sub.mergeJob === null) io.err(`xafs batch: every shard in ${sub.out} is complete and merged: nothing to submit\n`);
  else {
    const what = sub.arrayJob ? `array job ${sub.arrayJob} (${sub.submitted.length === sub.tasks ? `${sub.tasks} tasks` : `tasks ${sub.submitted.join(',')} of ${sub.tasks}`}, ${sub.total} spectra), merge job ${sub.mergeJob}` : `merge job ${sub.mergeJob} (every shard already complete)`;
    io.err(`xafs batch: submitted ${what} → ${sub.out}\n  scripts and logs in ${sub.out}/slurm/; the results appear as ${sub.out}/results.csv when the merge ends\n`);
    if (!opts.wait) io.err(`  follow with: squeue -j ${ids}   (or wait for them: ${again} --wait)\n`);
  }
  const submitted = { arrayJob: sub.arrayJob, mergeJob: sub.mergeJob, tasks: sub.tasks, submitted: sub.submitted, total: sub.total, out: sub.out };
  if (!opts.wait) {
    if (opts.json) io.out(JSON.stringify(submitted) + '\n');
    return;
  }
  const r = await waitSlurm(sub, { onProgress: (p) => p.submitted > 0 && sub.arrayJob && io.err(`xafs batch: ${p.ended} of ${p.submitted} tasks ended\n`) });
  if (opts.json) io.out(JSON.stringify({ ...submitted, complete: r.complete, rows: r.rows, ok: r.rows - r.errors, failed: r.errors, failedTasks: r.failures.map((f) => ({ shard: f.shard, log: f.log, state: f.state })) }) + '\n');
  throw new ExitStatus(report(r, sub, again, io));
}

/** Prints the outcome; returns the exit status (0 all ok, 1 spectra or tasks failed, 2 a node without the output folder). */
function report(r: SlurmOutcome, sub: SlurmSubmission, again: string, io: Io): number {
  if (r.complete) {
    io.err(`xafs batch: ${r.rows} spectra in ${sub.tasks} shards on Slurm: ${r.rows - r.errors} ok, ${r.errors} failed → ${sub.out}\n`);
    if (r.errors > 0) io.err(`  the rows with status 'error' in ${sub.out}/results.csv say why\n`);
    return r.errors > 0 ? 1 : 0;
  }
  const blind = r.failures.filter((f) => f.noFolder);
  if (blind.length > 0) {
    const nodes = [...new Set(blind.map((f) => f.node).filter((n) => n))];
    io.err(`xafs batch: ${blind.length === 1 ? `task ${blind[0]!.shard}` : `tasks ${blind.map((f) => f.shard).join(',')}`} could not see or write the output folder ${sub.out}${nodes.length ? ` (node ${nodes.join(', ')})` : ''}: put --out on a filesystem shared by the submit host and the nodes. Nothing merged.\n`);
    for (const f of blind.slice(0, FAILURES_SHOWN)) io.err(`  shard ${f.shard}: ${f.state || 'ended'}, log ${f.log}\n`);
    return 2;
  }
  if (r.failures.length > 0) {
    io.err(`xafs batch: ${r.failures.length} of ${sub.tasks} shards failed: nothing merged (${sub.out}/results.csv not written)\n`);
    for (const f of r.failures.slice(0, FAILURES_SHOWN)) io.err(`  shard ${f.shard}: ${f.state || (f.started ? 'ended before its last row' : 'did not start (cancelled while pending?)')}, log ${f.log}\n`);
    if (r.failures.length > FAILURES_SHOWN) io.err(`  ... ${r.failures.length - FAILURES_SHOWN} more (logs in ${sub.out}/slurm/logs/)\n`);
    io.err(`  once the cause is fixed, rerun only those shards: ${again} --wait\n`);
    return 1;
  }
  const m = r.mergeFailure;
  io.err(`xafs batch: every shard is complete but the merge job ${m?.noFolder ? 'could not see the output folder' : 'failed'}${m?.state ? ` (${m.state})` : ''}: see ${m?.log ?? `${sub.out}/slurm/logs/`}; rerun it with ${again} --wait\n`);
  return m?.noFolder ? 2 : 1;
}
