// The feffit residual (docs/conventions.md §4.4-4.7) for all datasets of a fit in one call: sum of
// FEFF paths on each dataset's k grid, difference with the data, and the fit-space transform.
import { pathChiAdd } from './exafs';
import { realFftHead } from './xafsft';
import { fftInPlace } from './fft';

const SPACE_R = 0;
const SPACE_K = 1;
const SPACE_Q = 2;

class FitDataset {
  nk: i32 = 0;
  kstep: f64 = 0.05;
  nfft: i32 = 2048;
  space: i32 = 0;
  /** data χ on the model grid kstep·[0..nk). */
  data: Float64Array = new Float64Array(0);
  /** k^w · kwin on the model grid, one row of nk per k-weight (r and q space); k^w alone for k space. */
  weight: Float64Array = new Float64Array(0);
  nw: i32 = 1;
  /** ε_r per k-weight (r, q space) or ε_k (k space). */
  eps: Float64Array = new Float64Array(0);
  i1: i32 = 0;
  i2: i32 = 0;
  /** R window on the first nfft/2 points of the R grid (q space). */
  rwin: Float64Array = new Float64Array(0);
  /** first path index (into the flat parameter array, 8 per path) and number of paths. */
  path0: i32 = 0;
  npath: i32 = 0;
  paths: Int32Array = new Int32Array(0);
  model: Float64Array = new Float64Array(0);
  diff: Float64Array = new Float64Array(0);
  y: Float64Array = new Float64Array(0);
}

let datasets = new Array<FitDataset | null>(0);

/**
 * Registers a dataset. weight: nw rows of nk (k^w·kwin for r/q, k^w for k space); eps: nw values;
 * [i1, i2): the R indices (r space) or k indices (k, q space) of the residual; rwin: R window
 * (q space; else empty); paths: the path handles (registerFeffPath); path0: index of this
 * dataset's first path in the flat parameter array. Returns a handle.
 */
export function feffitDataset(data: Float64Array, kstep: f64, nfft: i32, space: i32, weight: Float64Array, eps: Float64Array, i1: i32, i2: i32, rwin: Float64Array, paths: Int32Array, path0: i32): i32 {
  const d = new FitDataset();
  d.nk = data.length;
  d.kstep = kstep;
  d.nfft = nfft;
  d.space = space;
  d.data = new Float64Array(d.nk);
  for (let i = 0; i < d.nk; i++) unchecked((d.data[i] = data[i]));
  d.nw = eps.length;
  d.weight = new Float64Array(weight.length);
  for (let i = 0; i < weight.length; i++) unchecked((d.weight[i] = weight[i]));
  d.eps = new Float64Array(eps.length);
  for (let i = 0; i < eps.length; i++) unchecked((d.eps[i] = eps[i]));
  d.i1 = i1;
  d.i2 = i2;
  d.rwin = new Float64Array(rwin.length);
  for (let i = 0; i < rwin.length; i++) unchecked((d.rwin[i] = rwin[i]));
  d.paths = new Int32Array(paths.length);
  for (let i = 0; i < paths.length; i++) unchecked((d.paths[i] = paths[i]));
  d.npath = paths.length;
  d.path0 = path0;
  d.model = new Float64Array(d.nk);
  d.diff = new Float64Array(d.nk);
  d.y = new Float64Array(d.nk);
  for (let i = 0; i < datasets.length; i++) {
    if (datasets[i] === null) {
      datasets[i] = d;
      return i;
    }
  }
  datasets.push(d);
  return datasets.length - 1;
}

export function feffitFree(handle: i32): void {
  if (handle >= 0 && handle < datasets.length) datasets[handle] = null;
}

/** Length of one dataset's residual. */
export function feffitResidualLength(handle: i32): i32 {
  const d = datasets[handle] as FitDataset;
  const n = d.i2 - d.i1;
  return d.space == SPACE_R ? 2 * n * d.nw : n * d.nw;
}

/**
 * The residual of all datasets, concatenated. params: 8 values per path (degen, s02, e0, ei,
 * deltar, sigma2, third, fourth), all paths of all datasets in order. mode 0: (data − model)
 * transformed; 1: data alone (the r-factor's denominator); 2: the model alone.
 */
export function feffitResidual(handles: Int32Array, params: Float64Array, mode: i32): Float64Array {
  let total = 0;
  for (let h = 0; h < handles.length; h++) total += feffitResidualLength(handles[h]);
  const out = new Float64Array(total);
  let o = 0;
  for (let h = 0; h < handles.length; h++) {
    const d = datasets[handles[h]] as FitDataset;
    const nk = d.nk;
    const model = d.model;
    const diff = d.diff;
    for (let i = 0; i < nk; i++) unchecked((model[i] = 0.0));
    if (mode != 1) {
      for (let p = 0; p < d.npath; p++) pathChiAdd(unchecked(d.paths[p]), params, 8 * (d.path0 + p), nk, d.kstep, 1.0, model);
    }
    for (let i = 0; i < nk; i++) unchecked((diff[i] = mode == 2 ? model[i] : d.data[i] - model[i]));
    o = transformInto(d, diff, out, o);
  }
  return out;
}

/** The fit-space transform of diff (nk) for every k-weight, written into out from o; returns the new offset. */
function transformInto(d: FitDataset, diff: Float64Array, out: Float64Array, o: i32): i32 {
  const nk = d.nk;
  const y = d.y;
  for (let w = 0; w < d.nw; w++) {
    const inv = 1.0 / unchecked(d.eps[w]);
    const row = w * nk;
    if (d.space == SPACE_K) {
      for (let i = d.i1; i < d.i2; i++) unchecked((out[o++] = diff[i] * d.weight[row + i] * inv));
      continue;
    }
    for (let i = 0; i < nk; i++) unchecked((y[i] = diff[i] * d.weight[row + i]));
    const scale = d.kstep / Math.sqrt(Math.PI);
    if (d.space == SPACE_R) {
      const z = realFftHead(y, nk, d.nfft, d.i2, scale);
      for (let i = d.i1; i < d.i2; i++) {
        unchecked((out[o++] = z[2 * i] * inv));
        unchecked((out[o++] = z[2 * i + 1] * inv));
      }
    } else {
      // q space: Re[ xftr_fast( xftf_fast(k^w·W·diff)/ε_r · rwin ) ] on [i1, i2), no 0.5 factor
      const half = d.nfft >> 1;
      const zr = realFftHead(y, nk, d.nfft, half, scale);
      const z = new Float64Array(2 * d.nfft);
      for (let i = 0; i < half; i++) {
        const wr = unchecked(d.rwin[i]) * inv;
        unchecked((z[2 * i] = zr[2 * i] * wr));
        unchecked((z[2 * i + 1] = zr[2 * i + 1] * wr));
      }
      fftInPlace(z, d.nfft, true);
      const s = (4.0 * Math.sqrt(Math.PI)) / d.kstep;
      for (let i = d.i1; i < d.i2; i++) unchecked((out[o++] = z[2 * i] * s));
    }
  }
  return o;
}

/** χ(k) of the model (sum of paths) on a dataset's grid. */
export function feffitModelChi(handle: i32, params: Float64Array): Float64Array {
  const d = datasets[handle] as FitDataset;
  const out = new Float64Array(d.nk);
  for (let p = 0; p < d.npath; p++) pathChiAdd(unchecked(d.paths[p]), params, 8 * (d.path0 + p), d.nk, d.kstep, 1.0, out);
  return out;
}
