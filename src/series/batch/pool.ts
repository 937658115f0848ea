/**
 * Executors of a batch: a pool of worker threads, or the main thread itself (--jobs 1). Both
 * run the same analyzeChunk on the same chunks and return the same formatted text, so a run's
 * files do not depend on the executor or the number of workers.
 *
 * Items go to the worker in one message per chunk: each spectrum's μ buffer is transferred (not
 * copied) when it is its own; arrays shared by several items, such as the energy of a
 * multi-column file, are cloned once per message. Files are read by the workers themselves.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { XafsError, type XafsErrorCode } from '../../errors.js';
import { analyzeChunk, type PreparedAnalysis } from './analyze.js';
import type { BatchItem } from './inputs.js';
import type { BatchRecipe } from './recipe.js';
import { formatChunk, jsonKeys, writeRowArrays, type FormattedChunk } from './writer.js';

export interface Executor {
  /** Parallel capacity (chunks that can run at once). */
  readonly slots: number;
  run(chunk: number, items: BatchItem[]): Promise<FormattedChunk>;
  close(): Promise<void>;
}

/**
 * The μ buffers a chunk can hand over instead of copying: whole buffers that no other item of the
 * chunk uses (a reader's per-spectrum arrays). Energies are often shared by many spectra (one
 * multi-column file): they are cloned, once per message.
 */
function transferables(items: BatchItem[]): ArrayBuffer[] {
  const seen = new Map<ArrayBufferLike, number>();
  for (const it of items) {
    for (const a of [it.energy, it.mu]) if (a) seen.set(a.buffer, (seen.get(a.buffer) ?? 0) + 1);
  }
  const out: ArrayBuffer[] = [];
  for (const it of items) {
    const mu = it.mu;
    if (mu && mu.byteOffset === 0 && mu.byteLength === mu.buffer.byteLength && seen.get(mu.buffer) === 1 && mu.buffer instanceof ArrayBuffer) out.push(mu.buffer);
  }
  return out;
}

/** The worker script: dist/series/batch/worker.js (from src/ under vitest, the dist/ sibling). */
export function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith('.ts') ? here.replace(/([\\/])src([\\/]series[\\/]batch[\\/])[^\\/]+\.ts$/, '$1dist$2worker.js') : here.replace(/[^\\/]+\.js$/, 'worker.js');
  if (!existsSync(js)) throw new XafsError('EINTERNAL', `the batch worker script is missing (${js}): run npm run build`, 3);
  return js;
}

/** Runs chunks in the calling thread. */
export class InlineExecutor implements Executor {
  readonly slots = 1;
  private keys: string[];
  constructor(
    private prepared: PreparedAnalysis,
    private dir: string,
  ) {
    this.keys = jsonKeys(prepared.columns);
  }
  async run(_chunk: number, items: BatchItem[]): Promise<FormattedChunk> {
    const rows = analyzeChunk(this.prepared, items);
    if (this.prepared.recipe.outputs.arrays) writeRowArrays(this.dir, rows);
    return formatChunk(rows, this.prepared.columns, this.keys);
  }
  async close(): Promise<void> {}
}

interface Pending {
  resolve: (f: FormattedChunk) => void;
  reject: (e: Error) => void;
  /** Kept (not transferred) when a time limit may have to run the chunk again. */
  items: BatchItem[];
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Chunks given to this worker and not yet returned. */
  load: number;
  /** Shared with the worker: [chunk, item within it, start time (ms since epoch; 0 idle)]. */
  progress: Float64Array;
}

/**
 * Heap limits of a worker (MB). A worker holds one chunk at a time, a few MB: a small young
 * generation keeps each worker's resident memory small and flat (V8 would otherwise let it grow
 * to its defaults, tens of MB per worker, over a long series): 100 000 XANES spectra peaked at
 * 328 MB with the defaults, 10 000 at 230 MB; with 8 MB the run is not slower.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

export interface WorkerPoolOptions {
  /**
   * Time limit per spectrum, s (0: none). A spectrum over it is an error row saying so: its
   * worker is terminated and replaced, and its chunk runs again without it (the other rows are
   * those of a run without the limit). @default 0
   */
  timeLimit?: number;
}

/** N worker threads; each chunk goes to the least busy one. */
export class WorkerPool implements Executor {
  readonly slots: number;
  private workers: Slot[] = [];
  private failed: Error | null = null;
  private script: string;
  private limitMs: number;
  private watchdog: ReturnType<typeof setInterval> | null = null;

  constructor(
    n: number,
    private recipe: BatchRecipe,
    private dir: string,
    options: WorkerPoolOptions = {},
  ) {
    this.slots = n;
    this.script = workerPath();
    this.limitMs = Math.max(0, (options.timeLimit ?? 0) * 1000);
    for (let i = 0; i < n; i++) this.workers.push(this.start());
    if (this.limitMs > 0) {
      this.watchdog = setInterval(() => this.check(), Math.max(20, Math.min(1000, this.limitMs / 4)));
      this.watchdog.unref();
    }
  }

  /** A new worker in a slot of its own (its handlers ignore it once it is replaced). */
  private start(pending = new Map<number, Pending>()): Slot {
    const progress = new Float64Array(new SharedArrayBuffer(24));
    const worker = new Worker(this.script, { workerData: { recipe: this.recipe, dir: this.dir, progress: progress.buffer }, resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, pending, ready: Promise.resolve(), load: 0, progress };
    let settle: { resolve: () => void; reject: (e: Error) => void } | null = null;
    slot.ready = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    slot.ready.catch(() => {});
    const current = () => this.workers.includes(slot) || this.workers.length === 0;
    worker.on('message', (msg: { ready?: boolean; fatal?: string; chunk?: number; result?: FormattedChunk; code?: XafsErrorCode; exitCode?: number }) => {
      if (msg.chunk === undefined) {
        if (msg.ready) settle?.resolve();
        else settle?.reject(new XafsError('EOPTION', msg.fatal ?? 'a batch worker could not start'));
        settle = null;
        return;
      }
      const p = slot.pending.get(msg.chunk);
      if (!p) return;
      slot.pending.delete(msg.chunk);
      if (msg.result) p.resolve(msg.result);
      else if (msg.code) p.reject(new XafsError(msg.code, msg.fatal ?? '', msg.exitCode));
      else p.reject(new XafsError('EINTERNAL', `worker: ${msg.fatal}`, 3));
    });
    // a worker that dies (before or after it is ready) fails the chunks it holds and the run
    const die = (e: Error) => {
      if (!current()) return;
      this.failed ??= e;
      settle?.reject(e);
      settle = null;
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
    };
    worker.on('error', (e) => die(new XafsError('EINTERNAL', `a batch worker failed: ${e.message}`, 3)));
    worker.on('exit', (code) => {
      if (settle || slot.pending.size > 0) die(new XafsError('EINTERNAL', `a batch worker exited (code ${code}) before finishing its chunks`, 3));
    });
    return slot;
  }

  /** The watchdog: a spectrum over the time limit is left out of its chunk, which runs again on a new worker. */
  private check(): void {
    const now = Date.now();
    for (let w = 0; w < this.workers.length; w++) {
      const old = this.workers[w]!;
      const [chunk, item, since] = old.progress as unknown as [number, number, number];
      if (!(since > 0 && now - since > this.limitMs)) continue;
      const stuck = old.pending.get(chunk);
      if (!stuck) continue;
      const it = stuck.items[item]!;
      stuck.items[item] = { index: it.index, source: it.source, error: `${it.source}: left out: its analysis took longer than ${this.limitMs / 1000} s, the time limit per spectrum` };
      const fresh = this.start(old.pending);
      fresh.load = old.load;
      this.workers[w] = fresh;
      void old.worker.terminate();
      for (const [c, p] of fresh.pending) void this.post(fresh, c, p.items);
    }
  }

  private async post(slot: Slot, chunk: number, items: BatchItem[]): Promise<void> {
    try {
      await slot.ready;
    } catch {
      return; // the start failure already failed the run
    }
    // with a time limit the items are kept to run the chunk again: copied, not transferred
    slot.worker.postMessage({ chunk, items }, this.limitMs > 0 ? [] : transferables(items));
  }

  async run(chunk: number, items: BatchItem[]): Promise<FormattedChunk> {
    if (this.failed) throw this.failed;
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.load < best.load) best = w;
    best.load++;
    const slot = best;
    try {
      await slot.ready;
      return await new Promise<FormattedChunk>((resolve, reject) => {
        // the slot may have been replaced (time limit) while this chunk waited for it to be ready
        const target = this.workers.includes(slot) ? slot : this.workers.find((w) => w.pending === slot.pending) ?? slot;
        target.pending.set(chunk, { resolve, reject, items });
        void this.post(target, chunk, items);
      });
    } finally {
      const now = this.workers.find((w) => w.pending === slot.pending) ?? slot;
      now.load--;
    }
  }

  async close(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    const all = this.workers;
    this.workers = [];
    await Promise.all(all.map((w) => w.worker.terminate()));
  }
}
