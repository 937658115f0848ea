/**
 * xafs: EXAFS/XANES analysis with Larch 0.9.58-identical numbers. The WASM core is instantiated
 * when this module is imported, so every function here is synchronous.
 */
export { XafsError, type XafsErrorCode } from './errors.js';
export type * from './types.js';
export { KTOE, ETOK, EINS_FACTOR, PLANCK_HC, NFFT, KSTEP, RSTEP, etok, ktoe } from './constants.js';
export * from './xafs/index.js';
export { processSpectrum, type ProcessOptions, type ProcessResult } from './process.js';
export * from './io/index.js';
export { fitRecipe, fitParsedRecipe, type FitRecipeOptions, type RecipeFit } from './fit/run.js';
export { feffit, type FitResult, type FitDatasetInput, type FitPathInput, type PathReport, type DatasetReport } from './fit/feffit.js';
export { ParamSet, type ParamSpec } from './fit/params.js';
export { loadFeffPath, pathChi, ff2chi } from './fit/feffPath.js';
export { sigma2Eins, sigma2Debye } from './fit/sigma2.js';
export { formatFitReport, fitJson } from './fit/report.js';
export { listFeffPaths, type PathListEntry } from './fit/paths.js';
export type { FeffPath, PathParams } from './fit/types.js';
export { loadSeries, expandInputs, type SeriesSpectrum, type LoadOptions } from './xanes/inputs.js';
export { edgePositions, edgeEnergy, EDGE_METHODS } from './xanes/edge.js';
export { whiteLine } from './xanes/whiteline.js';
export { valence, calibrate, applyCalibration, VALENCE_METHODS } from './xanes/valence.js';
export { lcf, lcfSeries, lincomboFit, lincomboFitAll } from './xanes/lcf.js';
export { prepareGroup, groups2matrix } from './xanes/matrix.js';
export { pcaTrain, pcaFit, targetTransform, pcaReconstruct } from './xanes/pca.js';
export { mcrAls } from './xanes/mcr.js';
export * from './series/index.js';
