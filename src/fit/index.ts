/**
 * xafs/fit: EXAFS fitting (FEFF paths, feffit, recipes, reports). A separate entry point so that
 * importing the main package stays fast: the optimizer's dependency (ml-levenberg-marquardt and
 * ml-matrix) costs ~30 ms to load and only fits need it.
 */
export { fitRecipe, fitParsedRecipe, type FitRecipeOptions, type RecipeFit } from './run.js';
export { feffit, type FitResult, type FitDatasetInput, type FitPathInput, type PathReport, type DatasetReport } from './feffit.js';
export { ParamSet, type ParamSpec } from './params.js';
export { loadFeffPath, pathChi, ff2chi } from './feffPath.js';
export { sigma2Eins, sigma2Debye } from './sigma2.js';
export { formatFitReport, fitJson } from './report.js';
export { listFeffPaths, type PathListEntry } from './paths.js';
export { samplePosterior, type PosteriorOptions, type PosteriorResult, type PosteriorParam, type PosteriorChain } from './posterior.js';
export { monteCarloRecipe, estimateMuNoise, type MonteCarloOptions, type MonteCarloResult, type MonteCarloParam } from './montecarlo.js';
export type { FitProblem } from './feffit.js';
export type { FeffPath, PathParams } from './types.js';
export { profileParams, type ProfileResult, type ProfileOptions } from './profile.js';
export { chi2Map, type Chi2Map, type Chi2MapOptions } from './map.js';
export { compareFits, type CompareResult, type FitSummary } from './compare.js';
