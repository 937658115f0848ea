// The ABI surface: re-exports only. Everything here is a pure function of numbers and
// Float64Arrays (docs/architecture.md, Habits: kernels, not features).
export { fft, xftfFast, xftrFast } from './fft';
export { xftfFull, xftrFull } from './xafsft';
export { ftwindow, besselI0 } from './window';
export { polyfit, polyfitRange } from './polyfit';
export { lstsq } from './linalg';
export { interpLinear, splineInterp } from './interp';
export { bsplineEval } from './bspline';
export { deriv, findE0Index, removeDups, dedupFindE0 } from './edge';
export { preEdgeFit } from './preedge';
export { autobkPlan, autobkRun, autobkFree, autobkUncertainty } from './autobk';
export { feffitDataset, feffitFree, feffitResidualLength, feffitResidual, feffitModelChi } from './feffit';
export { registerFeffPath, freeFeffPath, feffPathValid, pathChi, pathChiAt, sumPathsChi } from './exafs';
export { xanesEdges, noiseSigma, normalCdf, smoothDerivatives } from './xanes_edge';
export { reduceInterp, reduceMerge, reduceRebin, reduceSpikeScores, reduceAlign, reduceEdgeSpline } from './reduce';
export { nnls, symEigen, lcfRegister, lcfFree, lcfFit, lincomboLarch, pcaScaleLarch, pcaTrainKernel, tfaKernel, simplisma, mcrAls } from './lcf';
export * from './wavelet';
