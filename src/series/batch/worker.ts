/**
 * A batch worker (node:worker_threads): prepares the analysis once from the recipe it is given,
 * then analyzes the chunks it receives and posts each back already formatted (CSV and JSON lines
 * text), so that the main thread only appends. Files ('files' inputs) are read here, in parallel.
 * Runs as plain JavaScript from dist/ (the pool resolves dist/series/batch/worker.js).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { XafsError } from '../../errors.js';
import { analyzeChunk, loadFitStep, prepareAnalysis, type PreparedAnalysis } from './analyze.js';
import type { BatchItem } from './inputs.js';
import type { BatchRecipe } from './recipe.js';
import { formatChunk, jsonKeys, writeRowArrays } from './writer.js';

export interface WorkerInit {
  recipe: BatchRecipe;
  /** Output folder (arrays are written here by the worker). */
  dir: string;
  /** Shared with the pool: [chunk, item within it, start time ms (0 idle)], for the time limit per spectrum. */
  progress?: SharedArrayBuffer;
}

export interface ChunkRequest {
  chunk: number;
  items: BatchItem[];
}

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  let prepared: PreparedAnalysis | null = null;
  let keys: string[] = [];
  try {
    // the fitting modules only for a recipe that fits each spectrum (they slow every worker's start)
    if (init.recipe.fit) await loadFitStep();
    prepared = prepareAnalysis(init.recipe);
    keys = jsonKeys(prepared.columns);
    port.postMessage({ ready: true });
  } catch (e) {
    port.postMessage({ fatal: e instanceof Error ? e.message : String(e) });
  }
  const stall = process.env.XAFS_FAULT_STALL;
  const progress = init.progress ? new Float64Array(init.progress) : null;
  port.on('message', (req: ChunkRequest) => {
    if (!prepared) return;
    try {
      // fault injection for the tests (docs/robustness.md): a spectrum whose source contains
      // XAFS_FAULT_STALL (and that is not already an error row) blocks this thread for 10
      // minutes, as a runaway computation would
      const rows = analyzeChunk(prepared, req.items, (i) => {
        if (progress) {
          progress[0] = req.chunk;
          progress[1] = i;
          progress[2] = Date.now();
        }
        if (stall && req.items[i]!.source.includes(stall) && req.items[i]!.error === undefined) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600_000);
      });
      if (progress) progress[2] = 0;
      if (init.recipe.outputs.arrays) writeRowArrays(init.dir, rows);
      port.postMessage({ chunk: req.chunk, result: formatChunk(rows, prepared.columns, keys) });
    } catch (e) {
      // an XafsError (an arrays file that cannot be written) keeps its code and exit status
      const x = e instanceof XafsError ? { code: e.code, exitCode: e.exitCode } : {};
      port.postMessage({ chunk: req.chunk, fatal: e instanceof Error ? `${e.message}` : String(e), ...x });
    }
  });
}
