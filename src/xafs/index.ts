export { findE0, type FindE0Result } from './findE0.js';
export { preEdge, type PreEdgeOptions, type PreEdgeResult, type PreEdgeDetails } from './preEdge.js';
export { autobk, type AutobkOptions, type AutobkResult } from './autobk.js';
export { xftf, type XftfOptions, type XftfResult } from './xftf.js';
export { xftr, type XftrOptions, type XftrResult } from './xftr.js';
export { ftWindow, windowName, type FtWindowOptions, type WindowName } from './ftWindow.js';
export { wavelet, cauchyWavelet, morletWavelet, waveletMaxima, type WaveletOptions, type WaveletResult } from './wavelet.js';
