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
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  /** Chunks given to this worker and not yet returned. */
  load: number;
}

/**
 * Heap limits of a worker (MB). A worker holds one chunk at a time, a few MB: a small young
 * generation keeps each worker's resident memory small and flat (V8 would otherwise let it grow
 * to its defaults, tens of MB per worker, over a long series): 100 000 XANES spectra peaked at
 * 328 MB with the defaults, 10 000 at 230 MB; with 8 MB the run is not slower.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8 };

/** N worker threads; each chunk goes to the least busy one. */
export class WorkerPool implements Executor {
  readonly slots: number;
  private workers: Slot[] = [];
  private failed: Error | null = null;

  constructor(n: number, recipe: BatchRecipe, dir: string) {
    this.slots = n;
    const script = workerPath();
    for (let i = 0; i < n; i++) {
      const worker = new Worker(script, { workerData: { recipe, dir }, resourceLimits: WORKER_LIMITS });
      const slot: Slot = { worker, pending: new Map(), ready: Promise.resolve(), load: 0 };
      let settle: { resolve: () => void; reject: (e: Error) => void } | null = null;
      slot.ready = new Promise<void>((resolve, reject) => {
        settle = { resolve, reject };
      });
      slot.ready.catch(() => {});
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
      this.workers.push(slot);
    }
  }

  async run(chunk: number, items: BatchItem[]): Promise<FormattedChunk> {
    if (this.failed) throw this.failed;
    let best = this.workers[0]!;
    for (const w of this.workers) if (w.load < best.load) best = w;
    best.load++;
    try {
      await best.ready;
      return await new Promise<FormattedChunk>((resolve, reject) => {
        best.pending.set(chunk, { resolve, reject });
        best.worker.postMessage({ chunk, items }, transferables(items));
      });
    } finally {
      best.load--;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
