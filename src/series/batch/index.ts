/**
 * `xafs/batch`: one recipe over a whole series (files, a multi-column file, an Athena project,
 * HDF5), on all cores, written incrementally as a results table (CSV + JSON lines) in input order.
 *
 * ```ts
 * import { loadBatchRecipe, runBatch } from 'xafs/batch';
 * const recipe = loadBatchRecipe('fe_series.recipe.json');
 * const summary = await runBatch(recipe, { out: 'results', jobs: 4 });  // {total, ok, failed, seconds, out}
 * ```
 */
export { loadBatchRecipe, parseBatchRecipe, recipeEcho, defaultOutDir, RECIPE_VERSION } from './recipe.js';
export type { BatchRecipe, EdgeSection, ValenceSection, LcfSection, ProcessSection, FitSection, GlobalFitSection, SeriesAnalysisSection, OutputsSection, ReferenceSpec, StandardSpec } from './recipe.js';
export { prepareAnalysis, analyzeSpectrum, analyzeChunk, newFitState } from './analyze.js';
export { progressBar, wantProgress } from './progress.js';
export type { ProgressBar } from './progress.js';
export type { PreparedAnalysis, BatchRow, FitState } from './analyze.js';
export { ResultsWriter, formatCsvRows, formatJsonlRows, formatChunk, csvHeader, jsonlHeader, writeRowArrays } from './writer.js';
export type { ResultsWriterOptions, FormattedChunk } from './writer.js';
export { runBatch, CHUNK_SIZE, parseShard, shardChunks, resultsHeader, openResultsWriter, xafsVersion } from './run.js';
export type { RunBatchOptions, BatchSummary, BatchProgress, Shard } from './run.js';
export { mergeResults } from './merge.js';
export type { MergeOptions } from './merge.js';
export { openInputs, readItem } from './inputs.js';
export type { InputsSpec, BatchItem, InputPlan } from './inputs.js';
