// xafs batch RECIPE, xafs merge-results DIR... --out DIR: options in, one API call, the summary out.
import { loadBatchRecipe } from '../series/batch/recipe.js';
import { runBatch } from '../series/batch/run.js';
import { mergeResults } from '../series/batch/merge.js';
import { progressBar } from '../series/batch/progress.js';
import { ExitStatus, type Io } from './program.js';

export interface BatchCliOptions {
  jobs?: number;
  resume?: boolean;
  shard?: string;
  out?: string;
  json?: boolean;
  force?: boolean;
  timeLimit?: number;
}

const FAILURES_SHOWN = 5;

export async function batchCommand(recipeFile: string, opts: BatchCliOptions, io: Io): Promise<void> {
  const recipe = loadBatchRecipe(recipeFile);
  const bar = progressBar();
  const ac = new AbortController();
  // SIGINT/SIGTERM: the chunks in flight get a grace period to be written, then the workers stop;
  // exit 130 (a later --resume continues); a second signal exits at once
  const onSigint = () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let summary;
  try {
    summary = await runBatch(recipe, { jobs: opts.jobs, resume: opts.resume, shard: opts.shard, out: opts.out, force: opts.force, timeLimit: opts.timeLimit, onProgress: (p) => bar.update(p), signal: ac.signal, warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  } finally {
    bar.stop();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  const s = summary;
  const range = s.range[0] === 0 && s.range[1] === s.total ? '' : ` (rows ${s.range[0]}–${s.range[1] - 1})`;
  io.err(`xafs batch: ${s.total} spectra${range}: ${s.ok} ok, ${s.failed} failed${s.resumed ? ` (${s.resumed} kept from the earlier run)` : ''}, ${s.seconds.toFixed(1)} s → ${s.out}\n`);
  for (const f of s.failures.slice(0, FAILURES_SHOWN)) io.err(`  row ${f.index}: ${f.message}\n`);
  if (s.failed > FAILURES_SHOWN) io.err(`  ... ${s.failed - FAILURES_SHOWN} more: the rows with status 'error' in ${s.out}/results.csv\n`);
  if (s.interrupted) {
    io.err(`xafs batch: interrupted after ${s.ok + s.failed} of ${s.total} spectra; run again with --resume to finish\n`);
    throw new ExitStatus(130);
  }
  if (opts.json) io.out(JSON.stringify({ total: s.total, ok: s.ok, failed: s.failed, seconds: s.seconds, out: s.out }) + '\n');
  if (s.failed > 0) throw new ExitStatus(1);
}

export function mergeResultsCommand(dirs: string[], opts: { out: string; json?: boolean; force?: boolean }, io: Io): void {
  const r = mergeResults(dirs, { out: opts.out, force: opts.force, warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  if (opts.json) io.out(JSON.stringify({ rows: r.rows, out: r.out, shards: dirs.length }) + '\n');
  else io.err(`xafs merge-results: ${dirs.length} folders, ${r.rows} rows → ${r.out}\n`);
}
