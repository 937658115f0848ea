// xafs watch DIR --recipe R: options in, one API call (watchFolder), a line per scan on stderr, the summary out.
import { loadBatchRecipe } from '../series/batch/recipe.js';
import { watchFolder } from '../series/batch/watch.js';
import { ExitStatus, type Io } from './program.js';

export interface WatchCliOptions {
  recipe: string;
  average?: number;
  out?: string;
  once?: boolean;
  interval?: number;
  json?: boolean;
}

export async function watchCommand(dir: string, opts: WatchCliOptions, io: Io): Promise<void> {
  const recipe = loadBatchRecipe(opts.recipe);
  const ac = new AbortController();
  // SIGINT / SIGTERM: finish the scan in hand, close the table, stop (a second one exits at once)
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let summary;
  try {
    if (!opts.once) io.err(`xafs watch: watching ${dir} (Ctrl-C to stop)\n`);
    summary = await watchFolder(dir, recipe, {
      out: opts.out,
      average: opts.average,
      once: opts.once,
      interval: opts.interval,
      signal: ac.signal,
      warn: (m) => io.err(`xafs: warning: ${m}\n`),
      onRow: (row, table) => {
        const what = table === 'average' ? 'average' : `row ${row.index}`;
        io.err(`xafs watch: ${what} ${row.source}: ${row.status}${row.status === 'error' ? ` (${row.message})` : ''}\n`);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const s = summary;
  io.err(
    `xafs watch: ${s.processed} scan${s.processed === 1 ? '' : 's'} (${s.ok} ok, ${s.failed} failed)` +
      `${s.skipped ? `, ${s.skipped} already in the table` : ''}${s.averages ? `, ${s.averages} averages` : ''} → ${s.out}\n`,
  );
  if (opts.json) io.out(JSON.stringify({ processed: s.processed, ok: s.ok, failed: s.failed, skipped: s.skipped, averages: s.averages, seconds: s.seconds, out: s.out }) + '\n');
  if (s.failed > 0) throw new ExitStatus(1);
}
