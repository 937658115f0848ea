/** The readers: column files (Larch read_ascii), XDI, Athena projects, feff.dat, and μ(E) expressions. */
export { readAscii } from './ascii.js';
export { readXdi, xdiEnergy, angleToEnergy } from './xdi.js';
export { readAthena } from './athena.js';
export { readFeffDat } from './feffdat.js';
export { parseExpression, evaluateExpression, expressionColumns, type ExprNode, type ExprFunction, type EvaluateOptions } from './expr.js';
export { readFile, readColumns, readSpectrum, spectrumFrom, type ReadSpectrumOptions, type XafsFile } from './read.js';
export type { TextSource, InputLimits } from './text.js';
export { setInputLimits } from './text.js';
