/**
 * `xafs watch DIR --recipe R`: during a beamtime, process each scan file as it lands in DIR and
 * append its row to the results table of the recipe (the same results.csv / results.jsonl as
 * `xafs batch`, same columns, one row per file in order of arrival).
 *
 * - Which files: those matching the last part of the recipe's `inputs.files` glob when it has
 *   one (`"files": "scans/*.xdi"` → `*.xdi`), else the usual data files (.xdi, .dat, .xmu, .txt,
 *   .csv, .prj, .nor, .NNN). Dotfiles and temporary names (*.tmp, *.part, *.partial, *.swp, *~,
 *   *.crdownload, *.lock) are ignored, so a writer that writes `scan.xdi.part` and renames it into
 *   place is picked up at the rename.
 * - Complete files only: a file is processed once its size and modification time are the same at
 *   two looks at least `settle` ms apart, or at the first look when it was last modified more than
 *   `settle` ms before (files already there). A file that stays empty is never processed.
 * - Order: files already in DIR first, by name (the batch order), then new files in order of
 *   arrival (first seen; ties by name). fs.watch wakes the loop at once; a poll every `interval`
 *   ms covers file systems where fs.watch says nothing (NFS, some containers).
 * - Files that change after they were analysed (a writer that paused longer than `settle`, a
 *   scan rewritten in place) are analysed again once they are complete again: the new row (a
 *   later index, the same source) supersedes the earlier one, and its message says so ("re-analysed:
 *   ..."). A file that changed while it was being read gets a message saying so, and is analysed
 *   again when it stops changing. The size and modification time each row was made from are kept
 *   in OUT/watch-files.jsonl, so a restart re-analyses files that changed while nothing watched.
 * - Restart resumes: files whose source is already in the table (and that did not change since)
 *   are skipped, and row indices continue after the table's last row.
 * - One writer: the output folder is locked while watching (docs/robustness.md).
 * - `average: N` (N ≥ 2): after each successful scan, the last N successful scans are merged
 *   (mergeGroups: Larch merge_groups, on the first scan's energy grid) and the mean is analyzed
 *   with the same recipe: its row goes to OUT/average/results.csv (source `mean(first..last)`)
 *   and the merged μ(E) to OUT/average/mean_NNNNNN.dat (energy, mu, mu_std). The window refills
 *   from empty after a restart.
 * - `once`: process what is in DIR (waiting until those files are complete) and return.
 * - Scans are analyzed one at a time in this thread: a beamline's rate (tens of files per second)
 *   is far below what one core does for the usual recipes.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { XafsError } from '../../errors.js';
import { makeDir, writeFailure, writeFileAtomic } from '../../node/atomicWrite.js';
import { lockOutput } from '../../node/outputLock.js';
import { mergeGroups } from '../merge.js';
import { analyzeSpectrum, newFitState, prepareAnalysis, type BatchRow } from './analyze.js';
import { isLink, unreadableReason } from '../../xanes/inputs.js';
import { readItem, type BatchItem } from './inputs.js';
import { defaultOutDir, recipeEcho, type BatchRecipe } from './recipe.js';
import { xafsVersion } from './run.js';
import { ResultsWriter } from './writer.js';

export interface WatchOptions {
  /** Output folder. @default the recipe's outputs.dir, else RECIPE-NAME.results beside the recipe */
  out?: string;
  /** Running average of the last N successful scans (N ≥ 2); 0 for none. @default 0 */
  average?: number;
  /** Process the files in DIR (once complete) and return. @default false */
  once?: boolean;
  /** Poll interval, ms. @default 1000 */
  interval?: number;
  /** A file is complete when unchanged for this long, ms. @default the interval */
  settle?: number;
  /** Stops watching (after the file in hand). */
  signal?: AbortSignal;
  /** Called after each row is written. */
  onRow?: (row: BatchRow, table: 'scans' | 'average') => void;
  warn?: (message: string) => void;
}

export interface WatchSummary {
  /** Rows written in this session (scans). */
  processed: number;
  ok: number;
  failed: number;
  /** Files skipped because the table already held them. */
  skipped: number;
  /** Rows written to the average table. */
  averages: number;
  out: string;
  seconds: number;
}

const DATA_EXT = /\.(xdi|dat|xmu|txt|csv|prj|nor|\d{3})$/i;
const TEMPORARY = /(^\.|\.(tmp|temp|part|partial|swp|crdownload|lock)$|~$)/i;

function globToRegExp(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

/** Which file names the watch takes for a recipe (see the module comment). */
export function watchFilter(recipe: BatchRecipe): (name: string) => boolean {
  const inputs = recipe.inputs as { files?: string };
  const last = typeof inputs.files === 'string' ? basename(inputs.files) : '';
  const re = /[*?]/.test(last) ? globToRegExp(last) : DATA_EXT;
  return (name) => !TEMPORARY.test(name) && re.test(name);
}

/** Sources and row count of an existing results.jsonl (rows after the header line). */
function tableState(path: string): { sources: Set<string>; rows: number } {
  const sources = new Set<string>();
  if (!existsSync(path)) return { sources, rows: 0 };
  const lines = readFileSync(path, 'utf8').split('\n');
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as { source?: unknown };
      if (typeof row.source === 'string') sources.add(row.source);
      rows++;
    } catch {
      // a line cut by a kill: the file is then processed again
    }
  }
  return { sources, rows };
}

/** What each row was made from: source → size (bytes), mtime (ms) and row index (the last line per source wins). */
interface Analysed {
  size: number;
  mtime: number;
  row: number;
}

const FILES_LOG = 'watch-files.jsonl';

function readFilesLog(path: string): Map<string, Analysed> {
  const m = new Map<string, Analysed>();
  if (!existsSync(path)) return m;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      const o = JSON.parse(line) as { source?: unknown; size?: unknown; mtime?: unknown; row?: unknown };
      if (typeof o.source === 'string' && typeof o.size === 'number' && typeof o.mtime === 'number' && typeof o.row === 'number') m.set(o.source, { size: o.size, mtime: o.mtime, row: o.row });
    } catch {
      // a line cut by a kill: that file is checked again
    }
  }
  return m;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(10) : 'nan';
}

/** Watches DIR (see the module comment); resolves when `once` is done or the signal aborts. */
export async function watchFolder(dir: string, recipe: BatchRecipe, options: WatchOptions = {}): Promise<WatchSummary> {
  const t0 = performance.now();
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new XafsError('ENOENT', `folder not found: ${dir} (the folder to watch)`);
  const average = options.average ?? 0;
  if (!Number.isInteger(average) || average < 0 || average === 1) {
    throw new XafsError('EOPTION', `--average must be a whole number ≥ 2 (scans per running average), got ${average}`);
  }
  const prepared = prepareAnalysis(recipe);
  const out = resolve(options.out ?? defaultOutDir(recipe));
  try {
    makeDir(out);
  } catch (e) {
    throw writeFailure(e, out, { action: 'creating', remedy: 'pass --out a folder you can write to' });
  }
  const lock = lockOutput(out, 'xafs watch', options.warn);
  try {
    return await watchLocked(folder, dir, recipe, prepared, out, options, t0);
  } finally {
    lock.release();
  }
}

async function watchLocked(folder: string, dir: string, recipe: BatchRecipe, prepared: ReturnType<typeof prepareAnalysis>, out: string, options: WatchOptions, t0: number): Promise<WatchSummary> {
  const interval = options.interval ?? 1000;
  const settle = options.settle ?? interval;
  const average = options.average ?? 0;
  const columns = ['index', 'source', 'status', 'message', ...prepared.columns];
  const header = (kind: string) => ({ xafs: xafsVersion(), watch: kind, columns, recipe: recipeEcho(recipe) });
  const state = tableState(join(out, 'results.jsonl'));
  const remedy = 'the rows written before are kept: free some space (or make the folder writable) and start xafs watch again';
  const writer = new ResultsWriter({ dir: out, columns: prepared.columns, header: header('scans'), append: true, remedy });
  const filesLog = join(out, FILES_LOG);
  /** Files with a row: what the row was made from (size -1: from a table without watch-files.jsonl, not checked). */
  const analysed = new Map<string, Analysed>();
  const logged = readFilesLog(filesLog);
  for (const src of state.sources) analysed.set(src, logged.get(src) ?? { size: -1, mtime: -1, row: -1 });
  let avgWriter: ResultsWriter | null = null;
  let avgIndex = 0;
  if (average > 0) {
    const avgDir = join(out, 'average');
    avgIndex = tableState(join(avgDir, 'results.jsonl')).rows;
    avgWriter = new ResultsWriter({ dir: avgDir, columns: prepared.columns, header: header(`average of ${average}`), append: true, remedy });
  }
  const accept = watchFilter(recipe);
  const summary: WatchSummary = { processed: 0, ok: 0, failed: 0, skipped: 0, averages: 0, out, seconds: 0 };
  let next = state.rows;
  const warned = new Set<string>();
  const fitState = newFitState();
  const avgFitState = newFitState();
  const window: { energy: Float64Array; mu: Float64Array; source: string }[] = [];

  /** name → what the last look saw, and when the file was first seen (its arrival). */
  const seen = new Map<string, { size: number; mtime: number; at: number; order: number }>();
  let order = 0;
  const skippedNames = new Set<string>();

  const statOf = (file: string): { size: number; mtime: number } | null => {
    try {
      const st = statSync(file);
      return { size: st.size, mtime: st.mtimeMs };
    } catch {
      return null;
    }
  };

  const processFile = (name: string): void => {
    const file = join(folder, name);
    const before = statOf(file);
    let item: BatchItem = { index: next, source: name, file };
    try {
      const s = readItem(file, { mu: recipe.mu, energy: recipe.energy });
      item = { index: next, source: name, energy: s.energy, mu: s.mu };
    } catch {
      // analyzeSpectrum reads it again and words the error as the batch does
    }
    const row = analyzeSpectrum(prepared, item, fitState);
    const after = statOf(file);
    const notes: string[] = [];
    const prev = analysed.get(name);
    if (prev && prev.row >= 0) notes.push(`re-analysed: the file changed after row ${prev.row} was made from it (${prev.size} → ${before?.size ?? '?'} bytes); this row supersedes row ${prev.row}`);
    if (!before || !after || before.size !== after.size || before.mtime !== after.mtime) notes.push('the file changed while it was read (still being written?): it is analysed again once it stops changing');
    if (notes.length) row.message = [row.message, ...notes].filter((m) => m !== '').join('; ');
    writer.appendRows([row]);
    const made = { size: before?.size ?? -2, mtime: before?.mtime ?? -2, row: next };
    analysed.set(name, made);
    try {
      appendFileSync(filesLog, JSON.stringify({ source: name, ...made }) + '\n');
    } catch (e) {
      throw writeFailure(e, filesLog, { exitCode: 1, remedy });
    }
    next++;
    summary.processed++;
    if (row.status === 'ok') summary.ok++;
    else summary.failed++;
    options.onRow?.(row, 'scans');
    if (avgWriter && row.status === 'ok' && item.energy && item.mu) {
      window.push({ energy: item.energy, mu: item.mu, source: name });
      if (window.length > average) window.shift();
      if (window.length === average) writeAverage();
    }
  };

  const writeAverage = (): void => {
    const source = `mean(${window[0]!.source}..${window[window.length - 1]!.source})`;
    let avgRow: BatchRow;
    try {
      const m = mergeGroups(window);
      const stem = `mean_${String(avgIndex).padStart(6, '0')}.dat`;
      let text = `# ${source}: mean of ${window.length} scans (xafs watch --average ${average}, Larch merge_groups)\n# scans: ${window.map((w) => w.source).join(' ')}\n# energy mu mu_std\n`;
      for (let i = 0; i < m.energy.length; i++) text += `${fmt(m.energy[i]!)} ${fmt(m.mu[i]!)} ${fmt(m.muStd[i]!)}\n`;
      writeFileAtomic(join(out, 'average', stem), text, { exitCode: 1, remedy });
      avgRow = analyzeSpectrum(prepared, { index: avgIndex, source, energy: m.energy, mu: m.mu }, avgFitState);
    } catch (e) {
      avgRow = analyzeSpectrum(prepared, { index: avgIndex, source, error: e instanceof Error ? e.message : String(e) }, avgFitState);
    }
    avgWriter!.appendRows([avgRow]);
    avgIndex++;
    summary.averages++;
    options.onRow?.(avgRow, 'average');
  };

  /** One look at the folder: process the files that are complete, in order of arrival. Returns how many files are still pending. */
  const look = (): number => {
    const now = Date.now();
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch (e) {
      options.warn?.(`cannot list ${dir}: ${e instanceof Error ? e.message : String(e)}`);
      return 0;
    }
    const ready: { name: string; order: number }[] = [];
    let pending = 0;
    for (const name of names) {
      if (!accept(name)) continue;
      const prev = analysed.get(name);
      if (prev && prev.size === -1) {
        // in a table made without watch-files.jsonl: not checked for changes
        if (state.sources.has(name) && !skippedNames.has(name)) {
          skippedNames.add(name);
          summary.skipped++;
        }
        continue;
      }
      let st;
      try {
        st = statSync(join(folder, name));
      } catch (e) {
        // a dangling or looping link, or no permission: said once; a file renamed or deleted since the listing: nothing to say
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' || isLink(join(folder, name))) {
          if (!warned.has(name)) options.warn?.(`${join(dir, name)}: skipped: ${unreadableReason(join(folder, name), e)}`);
          warned.add(name);
        }
        continue;
      }
      if (!st.isFile()) continue;
      const size = st.size;
      const mtime = st.mtimeMs;
      if (prev && prev.size === size && prev.mtime === mtime) {
        if (state.sources.has(name) && prev.row < state.rows && !skippedNames.has(name)) {
          skippedNames.add(name);
          summary.skipped++;
        }
        continue;
      }
      const before = seen.get(name);
      if (!before) {
        const entry = { size, mtime, at: now, order: order++ };
        seen.set(name, entry);
        if (size > 0 && now - mtime >= settle) ready.push({ name, order: entry.order });
        else pending++;
        continue;
      }
      if (before.size === size && before.mtime === mtime && size > 0 && now - before.at >= settle) {
        ready.push({ name, order: before.order });
      } else {
        if (before.size !== size || before.mtime !== mtime) {
          before.size = size;
          before.mtime = mtime;
          before.at = now;
        }
        pending++;
      }
    }
    ready.sort((a, b) => a.order - b.order);
    for (const r of ready) {
      if (options.signal?.aborted) break;
      processFile(r.name);
      seen.delete(r.name);
    }
    return pending;
  };

  let watcher: FSWatcher | null = null;
  try {
    if (options.once) {
      while (!options.signal?.aborted && look() > 0) await sleep(Math.min(interval, settle), options.signal);
    } else {
      let wake: (() => void) | null = null;
      try {
        watcher = fsWatch(folder, () => wake?.());
        watcher.on('error', () => {
          watcher?.close();
          watcher = null;
        });
      } catch {
        watcher = null; // polling only
      }
      while (!options.signal?.aborted) {
        look();
        await new Promise<void>((res) => {
          const timer = setTimeout(done_, interval);
          function done_(): void {
            clearTimeout(timer);
            wake = null;
            options.signal?.removeEventListener('abort', done_);
            res();
          }
          // an event: look again soon (a burst of events is one look)
          wake = () => {
            clearTimeout(timer);
            wake = null;
            setTimeout(done_, Math.min(50, interval));
          };
          options.signal?.addEventListener('abort', done_, { once: true });
        });
      }
    }
  } finally {
    (watcher as FSWatcher | null)?.close();
    writer.close();
    avgWriter?.close();
  }
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((res) => {
    const t = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', finish);
      res();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}
