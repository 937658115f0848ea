/**
 * `runBatch`: a batch recipe over its whole input (or one shard of it), on N worker threads, into
 * DIR/results.csv and DIR/results.jsonl (see writer.ts) plus DIR/recipe.json.
 *
 * Determinism: the input is cut into fixed chunks of CHUNK_SIZE consecutive spectra, whatever
 * the number of workers; each chunk is analyzed on its own (the fit warm start restarts at its
 * first spectrum) and chunks are written in input order. The files are therefore byte-identical
 * for any --jobs, and shards (contiguous ranges of whole chunks) concatenate to the unsharded
 * run. --resume keeps the complete chunks already written and runs the rest.
 *
 * Streaming: inputs are read a chunk at a time and at most 8 chunks per worker are in flight, so
 * memory does not grow with the length of the series.
 *
 * Safety (docs/robustness.md): the output folder is locked for the run (one writer); recipe.json
 * is written atomically; a chunk that cannot be written (disk full, read-only) is cut back so the
 * files end at the last complete row, and the run stops with exit status 1 (--resume continues).
 * With a `signal`, spectra run in worker threads even for --jobs 1, so this thread stays free to
 * stop: chunks in flight get STOP_GRACE_MS to finish, then the workers are terminated.
 */
import { existsSync, openSync, readFileSync, readSync, closeSync, rmdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { XafsError } from '../../errors.js';
import { makeDir, writeFailure, writeFileAtomic } from '../../node/atomicWrite.js';
import { lockOutput, type OutputLock } from '../../node/outputLock.js';
import { prepareAnalysis, type PreparedAnalysis } from './analyze.js';
// the per-spectrum fit, loaded with the engine in the main thread (--jobs 1, xafs watch); workers load it only when a recipe fits
import './fitStep.js';
import { openInputs, type BatchItem } from './inputs.js';
import { InlineExecutor, WorkerPool, type Executor } from './pool.js';
import { defaultOutDir, recipeEcho, type BatchRecipe } from './recipe.js';
import { ResultsWriter, scanLines, truncateFile, type FormattedChunk } from './writer.js';
import { runSeriesAnalyses } from './series.js';

/** Spectra per chunk: the unit of work, of determinism (fit warm start), of shards and of resume. */
export const CHUNK_SIZE = 64;

/** Shard i of n (1-based). */
export interface Shard {
  index: number;
  count: number;
}

export interface BatchProgress {
  /** Rows written (including those kept by --resume). */
  done: number;
  /** Rows of this run (the shard's range). */
  total: number;
  ok: number;
  failed: number;
  /** Since the start of this run, s. */
  seconds: number;
  /** Rows analyzed by this run (for the rate). */
  analyzed: number;
}

export interface RunBatchOptions {
  /** Worker threads; 1 runs in the calling thread. @default os.availableParallelism() */
  jobs?: number;
  /** Keep the complete chunks of an interrupted run in `out` and run the rest. @default false */
  resume?: boolean;
  /** Only this shard of the chunks ('i/n' or {index, count}, 1-based). @default the whole input */
  shard?: Shard | string;
  /** Output folder. @default outputs.dir of the recipe, else '<recipe name>.results' beside it */
  out?: string;
  /** Replace the results of an earlier run in `out`. @default false (refused) */
  force?: boolean;
  /** Called after each chunk is written. */
  onProgress?: (p: BatchProgress) => void;
  /**
   * Stops after the chunks in flight (their rows are written), or STOP_GRACE_MS after the abort
   * when they are not done by then (the workers are terminated): a later --resume continues.
   * Given a signal, spectra always run in worker threads (the calling thread stays responsive).
   */
  signal?: AbortSignal;
  /** Diagnostics (series analyses skipped, ...). */
  warn?: (message: string) => void;
  /**
   * Time limit per spectrum, s (0: none): a spectrum over it becomes an error row saying so (its
   * worker is replaced and its chunk runs again without it). Spectra then run in worker threads.
   * @default 0
   */
  timeLimit?: number;
}

export interface BatchSummary {
  /** Rows in this run's range (all spectra, or the shard's). */
  total: number;
  ok: number;
  failed: number;
  seconds: number;
  /** The output folder (absolute). */
  out: string;
  /** The first failures (at most 20): index, source, message. */
  failures: { index: number; source: string; message: string }[];
  /** Rows kept from an earlier run (--resume). */
  resumed: number;
  /** True when stopped by the signal before the end. */
  interrupted: boolean;
  /** Row range [start, end) of this run. */
  range: [number, number];
  jobs: number;
}

/** After a stop request, how long the chunks in flight may take to finish before the workers are terminated, ms. */
export const STOP_GRACE_MS = 2000;

export function parseShard(s: string | Shard): Shard {
  if (typeof s !== 'string') return s;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  const sh = m ? { index: Number(m[1]), count: Number(m[2]) } : null;
  if (!sh || sh.count < 1 || sh.index < 1 || sh.index > sh.count) throw new XafsError('EOPTION', `--shard expects i/n with 1 ≤ i ≤ n (e.g. 2/8), got '${s}'`);
  return sh;
}

/** The chunk range [c0, c1) of a shard: contiguous, whole chunks, as even as possible. */
export function shardChunks(nChunks: number, sh: Shard): [number, number] {
  return [Math.floor(((sh.index - 1) * nChunks) / sh.count), Math.floor((sh.index * nChunks) / sh.count)];
}

let cachedVersion: string | undefined;
export function xafsVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cachedVersion;
}

/** DIR/recipe.json: what made the results (compared by --resume and merge-results). */
export function recipeFileText(recipe: BatchRecipe, total: number): string {
  return JSON.stringify({ xafs: xafsVersion(), total, chunkSize: CHUNK_SIZE, recipe: recipeEcho(recipe) }, null, 2) + '\n';
}

/** The JSON lines header of a results table (`total` null when the series is open-ended, as in xafs watch). */
export function resultsHeader(recipe: BatchRecipe, prepared: PreparedAnalysis, total: number | null): Record<string, unknown> {
  return { xafs: xafsVersion(), total, columns: ['index', 'source', 'status', 'message', ...prepared.columns], recipe: recipeEcho(recipe) };
}

/** A writer of the recipe's table in `dir`; `append` keeps existing rows (their header must match). */
export function openResultsWriter(recipe: BatchRecipe, prepared: PreparedAnalysis, dir: string, options: { append?: boolean; total?: number | null } = {}): ResultsWriter {
  return new ResultsWriter({ dir, columns: prepared.columns, header: resultsHeader(recipe, prepared, options.total ?? null), append: options.append });
}

/** Counts the error rows in the first `bytes` of a results.jsonl (after the header). */
function countErrors(path: string, bytes: number): number {
  const fd = openSync(path, 'r');
  const needle = Buffer.from('"status":"error"');
  let count = 0;
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    let carry = Buffer.alloc(0);
    while (pos < bytes) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, bytes - pos), pos);
      if (n <= 0) break;
      const block = Buffer.concat([carry, buf.subarray(0, n)]);
      for (let i = block.indexOf(needle); i !== -1; i = block.indexOf(needle, i + needle.length)) count++;
      // keep a tail shorter than the needle so no match is counted twice
      carry = Buffer.from(block.subarray(Math.max(0, block.length - needle.length + 1)));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  return count;
}

/** Runs a batch (see the module comment). Throws XafsError for a bad recipe or output folder. */
export async function runBatch(recipe: BatchRecipe, options: RunBatchOptions = {}): Promise<BatchSummary> {
  const t0 = performance.now();
  const prepared = prepareAnalysis(recipe);
  const jobs = Math.max(1, Math.floor(options.jobs ?? availableParallelism()));
  const timeLimit = options.timeLimit ?? 0;
  if (!(Number.isFinite(timeLimit) && timeLimit >= 0)) throw new XafsError('EOPTION', `timeLimit must be a number of seconds ≥ 0 (0: none), got ${timeLimit}`);
  const poolOptions = { timeLimit };
  const out = resolve(options.out ?? defaultOutDir(recipe));
  // a folder this run made is removed again when the run fails before writing anything into it
  const created = !existsSync(out);
  const unmake = () => {
    if (!created) return;
    try {
      rmdirSync(out);
    } catch {
      // not empty: results are in it
    }
  };
  try {
    makeDir(out);
  } catch (e) {
    throw writeFailure(e, out, { action: 'creating', remedy: 'pass --out a folder you can write to' });
  }
  const lock: OutputLock = lockOutput(out, `xafs batch${options.resume ? ' --resume' : ''}${options.shard !== undefined ? ` --shard ${typeof options.shard === 'string' ? options.shard : `${options.shard.index}/${options.shard.count}`}` : ''}`, options.warn);
  // the workers start (≈0.2 s each: modules, WASM, references) while this thread opens the input
  // (a series file's line index); dropped below when there turn out to be fewer chunks than workers
  let early: WorkerPool | null = null;
  let plan: Awaited<ReturnType<typeof openInputs>>;
  try {
    early = jobs > 1 ? new WorkerPool(jobs, recipe, out, poolOptions) : null;
    plan = await openInputs(recipe.inputs, recipe.baseDir);
  } catch (e) {
    await early?.close();
    lock.release();
    unmake();
    throw e;
  }
  let executor: Executor | null = early;
  let writer: ResultsWriter | null = null;
  try {
    const total = plan.count;
    const nChunks = Math.ceil(total / CHUNK_SIZE);
    const shard = options.shard === undefined ? null : parseShard(options.shard);
    const [c0, c1] = shard ? shardChunks(nChunks, shard) : [0, nChunks];
    const rowStart = Math.min(c0 * CHUNK_SIZE, total);
    const rowEnd = Math.min(c1 * CHUNK_SIZE, total);
    const nRows = rowEnd - rowStart;
    const recipeText = recipeFileText(recipe, total);
    const shardText = shard ? JSON.stringify({ shard: `${shard.index}/${shard.count}`, chunks: [c0, c1], rows: [rowStart, rowEnd] }) + '\n' : null;
    const header = resultsHeader(recipe, prepared, total);
    const recipePath = join(out, 'recipe.json');
    const shardPath = join(out, 'shard.json');
    const csvPath = join(out, 'results.csv');
    const jsonlPath = join(out, 'results.jsonl');

    let kept = 0;
    let ok = 0;
    let failed = 0;
    const resuming = options.resume === true && existsSync(recipePath);
    if (resuming) {
      const before = readFileSync(recipePath, 'utf8');
      if (before !== recipeText) {
        throw new XafsError('EOPTION', `cannot resume in ${out}: its recipe.json differs from ${recipe.path} as it is now (recipe, input count or xafs version changed); run without --resume into another folder, or restore the recipe`);
      }
      const shardBefore = existsSync(shardPath) ? readFileSync(shardPath, 'utf8') : null;
      if (shardBefore !== shardText) {
        throw new XafsError('EOPTION', `cannot resume in ${out}: it holds ${shardBefore ? `shard ${(JSON.parse(shardBefore) as { shard: string }).shard}` : 'an unsharded run'}, not ${shard ? `shard ${shard.index}/${shard.count}` : 'an unsharded run'}; resume with the same --shard`);
      }
      const c = scanLines(csvPath);
      const j = scanLines(jsonlPath);
      const complete = Math.max(0, Math.min(c.lines - 1, j.lines - 1, nRows));
      kept = complete === nRows ? nRows : Math.floor(complete / CHUNK_SIZE) * CHUNK_SIZE;
      if (c.lines === 0 || j.lines === 0) kept = 0;
      if (kept === 0) {
        rmSync(csvPath, { force: true });
        rmSync(jsonlPath, { force: true });
      } else {
        truncateFile(csvPath, c.ends[kept]!);
        truncateFile(jsonlPath, j.ends[kept]!);
        failed = countErrors(jsonlPath, j.ends[kept]!);
        ok = kept - failed;
      }
    } else {
      if (existsSync(csvPath) && !options.force) {
        throw new XafsError('EOPTION', `${out} already holds results (results.csv): pass --resume to continue that run, --force to replace it, or choose another --out`);
      }
      try {
        for (const f of [csvPath, jsonlPath, shardPath]) rmSync(f, { force: true });
        rmSync(join(out, 'arrays'), { recursive: true, force: true });
      } catch (e) {
        throw writeFailure(e, out, { action: 'clearing', remedy: 'pass --out a folder you can write to' });
      }
      const remedy = 'free some space or pass --out another folder';
      writeFileAtomic(recipePath, recipeText, { remedy });
      if (shardText) writeFileAtomic(shardPath, shardText, { remedy });
    }
    writer = new ResultsWriter({ dir: out, columns: prepared.columns, header, append: resuming && kept > 0, remedy: 'the complete rows written before are kept: free some space (or make the folder writable) and run again with --resume' });

    const firstChunk = c0 + kept / CHUNK_SIZE;
    const todoChunks = kept === nRows ? 0 : c1 - firstChunk;
    const nWorkers = Math.min(jobs, Math.max(1, todoChunks));
    if (early && (todoChunks <= 1 || nWorkers < jobs)) {
      executor = null;
      await early.close();
      early = null;
    }
    // with a signal to obey, never compute in this thread (a slow spectrum would hold the signal back)
    executor = early ?? ((jobs === 1 || todoChunks <= 1) && !options.signal && timeLimit === 0 ? new InlineExecutor(prepared, out) : new WorkerPool(nWorkers, recipe, out, poolOptions));
    // slack per worker, so that a worker never waits for the main thread to read its next chunk:
    // with as many workers as cores, the reading thread is descheduled at times; 8 chunks (~1 MB
    // each for 1000-point XANES) took 100 000 spectra on 2 workers from 15.1 s (3 chunks) to 13.6 s.
    // 3 for the first 16 chunks, so that a short run stops soon after Ctrl-C
    const slack = (): number => (executor instanceof InlineExecutor || analyzed < 16 * CHUNK_SIZE ? 3 : 8) * executor!.slots;

    const failures: BatchSummary['failures'] = [];
    let analyzed = 0;
    const queue: Promise<FormattedChunk>[] = [];
    const w = writer;
    // resolves STOP_GRACE_MS after the abort: chunks still in flight then are abandoned
    let fireGiveUp: () => void = () => {};
    const giveUp = options.signal ? new Promise<null>((r) => (fireGiveUp = () => r(null))) : null;
    let armed = false;
    const armGiveUp = () => {
      if (!armed) setTimeout(fireGiveUp, STOP_GRACE_MS).unref();
      armed = true;
    };
    if (options.signal?.aborted) armGiveUp();
    options.signal?.addEventListener('abort', armGiveUp, { once: true });
    let abandoned = false;
    /** Writes the oldest chunk in flight; false when the run is stopping and it is not done in time. */
    const writeHead = async (): Promise<boolean> => {
      const f = giveUp ? await Promise.race([queue[0]!, giveUp]) : await queue[0]!;
      if (f === null) {
        abandoned = true;
        return false;
      }
      queue.shift();
      try {
        w.appendFormatted(f);
      } catch (e) {
        if (e instanceof XafsError && e.code === 'EWRITE') throw new XafsError('EWRITE', `${e.message} (${kept + analyzed} rows kept in ${out})`, 1);
        throw e;
      }
      ok += f.ok;
      failed += f.failed;
      analyzed += f.rows;
      for (const x of f.failures) if (failures.length < 20) failures.push(x);
      options.onProgress?.({ done: kept + analyzed, total: nRows, ok, failed, seconds: (performance.now() - t0) / 1000, analyzed });
      return true;
    };
    let interrupted = false;
    if (todoChunks > 0) {
      let chunk = firstChunk;
      let items: BatchItem[] = [];
      const chunkEnd = (c: number) => Math.min((c + 1) * CHUNK_SIZE, rowEnd);
      const submit = async () => {
        const p = executor!.run(chunk, items);
        p.catch(() => {});
        queue.push(p);
        items = [];
        chunk++;
        while (queue.length >= slack()) if (!(await writeHead())) return;
        // let signals and worker messages in between chunks
        if (executor!.slots === 1) await new Promise<void>((r) => setImmediate(r));
      };
      for await (const item of plan.items(firstChunk * CHUNK_SIZE, rowEnd)) {
        if (options.signal?.aborted || abandoned) {
          interrupted = true;
          break;
        }
        items.push(item);
        if (item.index + 1 >= chunkEnd(chunk)) await submit();
      }
      if (!interrupted && options.signal?.aborted && chunk < c1) interrupted = true;
      if (!interrupted && !abandoned && items.length > 0) await submit();
      while (queue.length > 0) if (!(await writeHead())) break;
      if (abandoned) interrupted = true;
    }
    options.signal?.removeEventListener('abort', armGiveUp);
    writer.close();
    writer = null;
    await executor.close();
    executor = null;
    if (!interrupted && !shard && (recipe.pca || recipe.mcr || recipe.globalFit)) {
      await runSeriesAnalyses(recipe, prepared, plan, out, options.warn ?? (() => {}));
    } else if (shard && (recipe.pca || recipe.mcr || recipe.globalFit)) {
      options.warn?.('pca, mcr and globalFit need the whole series: they are skipped in a shard (run them unsharded)');
    }
    return { total: nRows, ok, failed, seconds: (performance.now() - t0) / 1000, out, failures, resumed: kept, interrupted, range: [rowStart, rowEnd], jobs };
  } finally {
    writer?.close();
    await executor?.close();
    await plan.close();
    lock.release();
    unmake();
  }
}
