/** xafs/xanes: edge positions, valence, LCF, PCA and MCR-ALS of XANES spectra and series. */
export { loadSeries, expandInputs, type SeriesSpectrum, type LoadOptions } from './inputs.js';
export { edgePositions, edgeEnergy, EDGE_METHODS } from './edge.js';
export { whiteLine } from './whiteline.js';
export { valence, calibrate, applyCalibration, VALENCE_METHODS } from './valence.js';
export { lcf, lcfSeries, lincomboFit, lincomboFitAll } from './lcf.js';
export { prepareGroup, groups2matrix } from './matrix.js';
export { pcaTrain, pcaFit, targetTransform, pcaReconstruct } from './pca.js';
export { mcrAls } from './mcr.js';
