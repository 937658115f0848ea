// FEFF path χ(k): the EXAFS equation exactly as Larch 0.9.58 FeffPathGroup._calc_chi codes it
// (docs/conventions.md §4.3, pitfall 19). FEFF tables live here, in a registry of handles, with
// their spline coefficients precomputed. A fit evaluates χ(k) of every path at every residual
// evaluation: pathChiAdd keeps the e0-dependent part of the equation (q, the spline lookups, p)
// in a per-path grid cache and allocates nothing in steady state.
import { splineMoments } from './interp';

/** k² = ETOK·(E − E0), Å⁻²/eV (CODATA 2018, as src/constants.ts). */
const ETOK: f64 = 0.2624684236075176;
/** Larch feffdat SMALL_ENERGY (Å⁻²). */
const SMALL_ENERGY: f64 = 1.0e-6;
/** Spline coefficients per table interval: 4 functions (pha, amp, rep, lam) × 4 powers of t. */
const NC: i32 = 16;

/**
 * What pathChiAdd needs from the tables on one grid for one (e0, ei): per point n, interleaved,
 * [2q·reff + pha, amp·exp(−2·reff·Im p)/q, p, p², p³, p⁴] (complex: re, im). A fit changes e0 in one
 * Jacobian column out of nvarys+1, so two such grids per path spare the spline lookups and
 * complex square roots of most evaluations.
 */
class GridCache {
  e0: f64 = NaN;
  ei: f64 = NaN;
  kstep: f64 = NaN;
  nk: i32 = -1;
  data: Float64Array = new Float64Array(0);
}
const GC_STRIDE: i32 = 10;

class FeffTable {
  n: i32 = 0;
  reff: f64 = 0;
  k: Float64Array = new Float64Array(0);
  pha: Float64Array = new Float64Array(0);
  amp: Float64Array = new Float64Array(0);
  rep: Float64Array = new Float64Array(0);
  lam: Float64Array = new Float64Array(0);
  /** Second derivatives (moments) of the not-a-knot splines of pha, amp, rep, lam against k. */
  mpha: Float64Array = new Float64Array(0);
  mamp: Float64Array = new Float64Array(0);
  mrep: Float64Array = new Float64Array(0);
  mlam: Float64Array = new Float64Array(0);
  /**
   * The same splines as polynomials in t = q − k[j] on interval j (0..n−2; the end intervals
   * also serve for extrapolation, as FITPACK splev does): coef[j·16 + 4f + p] is the t^p
   * coefficient of function f (0 pha, 1 amp, 2 rep, 3 lam).
   */
  coef: Float64Array = new Float64Array(0);
  /** The two most recent grids of pathChiAdd, most recent first. */
  grid0: GridCache = new GridCache();
  grid1: GridCache = new GridCache();
}

let tables = new Array<FeffTable | null>(0);

function fillCoefs(x: Float64Array, y: Float64Array, M: Float64Array, n: i32, coef: Float64Array, f: i32): void {
  for (let j = 0; j < n - 1; j++) {
    const h = unchecked(x[j + 1]) - unchecked(x[j]);
    const mj = unchecked(M[j]);
    const mk = unchecked(M[j + 1]);
    const yj = unchecked(y[j]);
    const o = j * NC + 4 * f;
    unchecked((coef[o] = yj));
    unchecked((coef[o + 1] = (unchecked(y[j + 1]) - yj) / h - (h * (2.0 * mj + mk)) / 6.0));
    unchecked((coef[o + 2] = mj / 2.0));
    unchecked((coef[o + 3] = (mk - mj) / (6.0 * h)));
  }
}

/**
 * Stores a FEFF path table (k ascending, Å⁻¹; pha rad; amp; rep Å⁻¹; lam Å; n ≥ 2 rows) and its
 * not-a-knot spline coefficients. reff in Å. Returns the handle used by pathChi/pathChiAdd.
 */

/** The cubic piece of a FEFF table at offset o (coefficients c0..c3) evaluated tt past its knot. */
@inline
function cubicPiece(coef: Float64Array, o: i32, tt: f64): f64 {
  return unchecked(coef[o]) + tt * (unchecked(coef[o + 1]) + tt * (unchecked(coef[o + 2]) + tt * unchecked(coef[o + 3])));
}

export function registerFeffPath(k: Float64Array, pha: Float64Array, amp: Float64Array, rep: Float64Array, lam: Float64Array, reff: f64): i32 {
  const n = k.length;
  assert(n >= 2 && pha.length == n && amp.length == n && rep.length == n && lam.length == n, 'registerFeffPath: table columns of unequal length');
  const t = new FeffTable();
  t.n = n;
  t.reff = reff;
  t.k = k;
  t.pha = pha;
  t.amp = amp;
  t.rep = rep;
  t.lam = lam;
  t.mpha = new Float64Array(n);
  t.mamp = new Float64Array(n);
  t.mrep = new Float64Array(n);
  t.mlam = new Float64Array(n);
  splineMoments(k, pha, n, t.mpha);
  splineMoments(k, amp, n, t.mamp);
  splineMoments(k, rep, n, t.mrep);
  splineMoments(k, lam, n, t.mlam);
  t.coef = new Float64Array((n - 1) * NC);
  fillCoefs(k, pha, t.mpha, n, t.coef, 0);
  fillCoefs(k, amp, t.mamp, n, t.coef, 1);
  fillCoefs(k, rep, t.mrep, n, t.coef, 2);
  fillCoefs(k, lam, t.mlam, n, t.coef, 3);
  for (let i = 0; i < tables.length; i++) {
    if (unchecked(tables[i]) === null) {
      unchecked((tables[i] = t));
      return i;
    }
  }
  tables.push(t);
  return tables.length - 1;
}

/** Releases a table; its handle may be reused by a later registerFeffPath. */
export function freeFeffPath(handle: i32): void {
  if (handle >= 0 && handle < tables.length) unchecked((tables[handle] = null));
}

/** 1 when handle names a registered table (the TS side checks before calling the kernels). */
export function feffPathValid(handle: i32): i32 {
  return handle >= 0 && handle < tables.length && unchecked(tables[handle]) !== null ? 1 : 0;
}

function tableOf(handle: i32): FeffTable {
  assert(handle >= 0 && handle < tables.length, 'FEFF path handle out of range');
  const t = unchecked(tables[handle]);
  assert(t !== null, 'FEFF path handle was freed');
  return changetype<FeffTable>(t);
}

/**
 * Larch's SMALL_ENERGY rule applies only when min|en| over the whole grid is below 1e-6. On the
 * uniform grid en_n = (n·kstep)² − e0k rises with n, so the minimum is at the crossing of zero
 * (or at an end): checking the indices around sqrt(e0k)/kstep is exact and O(1).
 */
function smallEnergyOnGrid(nk: i32, kstep: f64, e0k: f64): bool {
  let n0: i32 = 0;
  if (e0k > 0) {
    const c = Math.sqrt(e0k) / kstep;
    n0 = c < <f64>nk ? <i32>Math.floor(c) : nk - 1;
  }
  const lo = n0 - 1 > 0 ? n0 - 1 : 0;
  const hi = n0 + 2 < nk - 1 ? n0 + 2 : nk - 1;
  for (let n = lo; n <= hi; n++) {
    const k = <f64>n * kstep;
    if (Math.abs(k * k - e0k) < SMALL_ENERGY) return true;
  }
  return false;
}

/** Fills g with the e0/ei-dependent part of χ̃ on k_n = n·kstep (Larch's q, spline and p). */
function fillGrid(t: FeffTable, g: GridCache, e0: f64, ei: f64, nk: i32, kstep: f64): void {
  if (g.data.length < GC_STRIDE * nk) g.data = new Float64Array(GC_STRIDE * nk);
  g.e0 = e0;
  g.ei = ei;
  g.nk = nk;
  g.kstep = kstep;
  const data = g.data;
  const reff = t.reff;
  const x = t.k;
  const coef = t.coef;
  const jmax = t.n - 2;
  const e0k = e0 * ETOK;
  const eik = ei * ETOK;
  const small = smallEnergyOnGrid(nk, kstep, e0k);
  let j: i32 = 0;
  for (let n = 0; n < nk; n++) {
    const k = <f64>n * kstep;
    let en = k * k - e0k;
    if (small && Math.abs(en) < 1.5 * SMALL_ENERGY) en = SMALL_ENERGY;
    const q = en < 0 ? -Math.sqrt(-en) : Math.sqrt(en);
    // q rises with n: walk the interval forward (restart only if q fell below it)
    if (q < unchecked(x[j])) j = 0;
    while (j < jmax && unchecked(x[j + 1]) <= q) j++;
    const tt = q - unchecked(x[j]);
    const oc = j * NC;
    const pha = cubicPiece(coef, oc, tt);
    const amp = cubicPiece(coef, oc + 4, tt);
    const rep = cubicPiece(coef, oc + 8, tt);
    const lam = cubicPiece(coef, oc + 12, tt);
    // p² = (rep + i/lam)² + i·ei·ETOK; p = principal √p² (as C csqrt)
    const b = 1.0 / lam;
    const ppr = rep * rep - b * b;
    const ppi = 2.0 * rep * b + eik;
    let pr: f64, pim: f64;
    if (eik == 0) {
      // p² = z² with z = rep + i/lam: the principal root is ±z (exactly; csqrt of the rounded
      // square agrees to an ulp)
      const neg = rep < 0 || (rep == 0 && b < 0);
      pr = neg ? -rep : rep;
      pim = neg ? -b : b;
    } else {
      const r = Math.sqrt(ppr * ppr + ppi * ppi);
      if (ppr >= 0) {
        pr = Math.sqrt(0.5 * (r + ppr));
        pim = pr > 0 ? ppi / (2.0 * pr) : 0.0;
      } else {
        const s = Math.sqrt(0.5 * (r - ppr));
        pr = Math.abs(ppi) / (2.0 * s);
        pim = ppi < 0 ? -s : s;
      }
    }
    const o = n * GC_STRIDE;
    unchecked((data[o] = 2.0 * q * reff + pha));
    unchecked((data[o + 1] = (amp / q) * Math.exp(-2.0 * reff * pim)));
    unchecked((data[o + 2] = pr));
    unchecked((data[o + 3] = pim));
    unchecked((data[o + 4] = ppr));
    unchecked((data[o + 5] = ppi));
    unchecked((data[o + 6] = ppr * pr - ppi * pim));
    unchecked((data[o + 7] = ppr * pim + ppi * pr));
    unchecked((data[o + 8] = ppr * ppr - ppi * ppi));
    unchecked((data[o + 9] = 2.0 * ppr * ppi));
  }
}

/** The table's grid for (e0, ei, nk, kstep): one of two kept, the least recently used refilled. */
function gridFor(t: FeffTable, e0: f64, ei: f64, nk: i32, kstep: f64): GridCache {
  const a = t.grid0;
  if (a.e0 == e0 && a.ei == ei && a.nk == nk && a.kstep == kstep) return a;
  const b = t.grid1;
  t.grid0 = b;
  t.grid1 = a;
  if (b.e0 == e0 && b.ei == ei && b.nk == nk && b.kstep == kstep) return b;
  fillGrid(t, b, e0, ei, nk, kstep);
  return b;
}

// sin for the phase of χ̃ (|x| < 1e6): Cody-Waite reduction by π/2 with musl's 3-part constants
// (n·PIO2_1 and n·PIO2_2 exact for |n| < 2^20) and musl's __sin/__cos kernels on [−π/4, π/4],
// the quadrant chosen without branches. Within 1.1e-16 of Math.sin (checked on 10^6 random
// arguments up to 9e5) and 1.6× faster here (6 vs 10 ns): it runs once per point of every path
// at every residual evaluation of a fit.
const INV_PIO2: f64 = 6.36619772367581382433e-01;
const TOINT: f64 = 6755399441055744.0; // 1.5·2^52: x + TOINT − TOINT rounds x to an integer
const PIO2_1: f64 = 1.57079632673412561417e+00;
const PIO2_2: f64 = 6.07710050630396597660e-11;
const PIO2_2T: f64 = 2.02226624879595063154e-21;
const S1: f64 = -1.66666666666666324348e-01;
const S2: f64 = 8.33333333332248946124e-03;
const S3: f64 = -1.98412698298579493134e-04;
const S4: f64 = 2.75573137070700676789e-06;
const S5: f64 = -2.50507602534068634195e-08;
const S6: f64 = 1.58969099521155010221e-10;
const C1: f64 = 4.16666666666666019037e-02;
const C2: f64 = -1.38888888888741095749e-03;
const C3: f64 = 2.48015872894767294178e-05;
const C4: f64 = -2.75573143513906633035e-07;
const C5: f64 = 2.08757232129817482790e-09;
const C6: f64 = -1.13596475577881948265e-11;

// @ts-ignore: decorator
@inline
function phaseSin(x: f64): f64 {
  if (!(Math.abs(x) < 1.0e6)) return Math.sin(x);
  // fn = nearest integer to x·2/π; its low bits (the quadrant) read from the mantissa of tn
  const tn = x * INV_PIO2 + TOINT;
  const fn = tn - TOINT;
  const quad = <i32>reinterpret<u64>(tn);
  const r = x - fn * PIO2_1 - fn * PIO2_2 - fn * PIO2_2T;
  const z = r * r;
  const w = z * z;
  const rs = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const sn = r + z * r * (S1 + z * rs);
  const rc = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const wc = 1.0 - hz;
  const cs = wc + (1.0 - wc - hz + z * rc);
  const v = select<f64>(cs, sn, quad & 1);
  return select<f64>(-v, v, quad & 2);
}

/**
 * scale·Im χ̃ at grid point o: with the exponent expanded in powers of p,
 * −2p²(σ² − p²c4/3) + 2ip(ΔR − 2σ²/reff − 2p²c3/3) = a1·p² + a2·p⁴ + i(a3·p + a4·p³),
 * a1 = −2σ², a2 = 2c4/3, a3 = 2(ΔR − 2σ²/reff), a4 = −4c3/3.
 */
// @ts-ignore: decorator
@inline
function gridChi(g: Float64Array, o: i32, fac: f64, a1: f64, a2: f64, a3: f64, a4: f64): f64 {
  const pr = unchecked(g[o + 2]);
  const pim = unchecked(g[o + 3]);
  const ere = a1 * unchecked(g[o + 4]) + a2 * unchecked(g[o + 8]) - a3 * pim - a4 * unchecked(g[o + 7]);
  const eim = unchecked(g[o]) + a1 * unchecked(g[o + 5]) + a2 * unchecked(g[o + 9]) + a3 * pr + a4 * unchecked(g[o + 6]);
  return fac * unchecked(g[o + 1]) * Math.exp(ere) * phaseSin(eim);
}

/**
 * Adds scale·χ(k) of a path (Larch: Im χ̃) on the grid k_n = n·kstep, n < nk, into out[0..nk).
 * Path parameters are params[off..off+8): degen, s02, e0 (eV), ei (eV), deltar (Å), sigma2 (Å²),
 * third (Å³), fourth (Å⁴). χ̃[0] is Larch's linear extrapolation 2χ̃[1] − χ̃[2] (nk ≥ 3).
 * Called by the fit kernels at every residual evaluation: the e0/ei-dependent part comes from
 * the table's grid cache, so a call costs one exp and one sin per point and allocates nothing
 * (except when a grid is new or longer than any before).
 */
export function pathChiAdd(handle: i32, params: Float64Array, off: i32, nk: i32, kstep: f64, scale: f64, out: Float64Array): void {
  const t = tableOf(handle);
  const degen = unchecked(params[off]);
  const s02 = unchecked(params[off + 1]);
  const e0 = unchecked(params[off + 2]);
  const ei = unchecked(params[off + 3]);
  const dr = unchecked(params[off + 4]);
  const ss2 = unchecked(params[off + 5]);
  const c3 = unchecked(params[off + 6]);
  const c4 = unchecked(params[off + 7]);
  const g = gridFor(t, e0, ei, nk, kstep).data;
  const rr = t.reff + dr;
  const fac = (scale * degen * s02) / (rr * rr);
  const a1 = -2.0 * ss2;
  const a2 = (2.0 * c4) / 3.0;
  const a3 = 2.0 * (dr - (2.0 * ss2) / t.reff);
  const a4 = (-4.0 * c3) / 3.0;
  if (nk < 3) {
    for (let n = 0; n < nk; n++) unchecked((out[n] += gridChi(g, n * GC_STRIDE, fac, a1, a2, a3, a4)));
    return;
  }
  const chi1 = gridChi(g, GC_STRIDE, fac, a1, a2, a3, a4);
  const chi2 = gridChi(g, 2 * GC_STRIDE, fac, a1, a2, a3, a4);
  unchecked((out[0] += 2.0 * chi1 - chi2));
  unchecked((out[1] += chi1));
  unchecked((out[2] += chi2));
  for (let n = 3; n < nk; n++) unchecked((out[n] += gridChi(g, n * GC_STRIDE, fac, a1, a2, a3, a4)));
}

/**
 * χ̃(k) of a path at the given k (any order) into out: out[i] = Im χ̃ (chi), out[nk + i] = −Re χ̃
 * (chi_imag). Same equation as pathChiAdd; the SMALL_ENERGY test scans the whole array.
 */
function pathChiInto(t: FeffTable, params: Float64Array, kv: Float64Array, nk: i32, out: Float64Array): void {
  const degen = unchecked(params[0]);
  const s02 = unchecked(params[1]);
  const e0 = unchecked(params[2]);
  const ei = unchecked(params[3]);
  const dr = unchecked(params[4]);
  const ss2 = unchecked(params[5]);
  const c3 = unchecked(params[6]);
  const c4 = unchecked(params[7]);
  const reff = t.reff;
  const x = t.k;
  const coef = t.coef;
  const jmax = t.n - 2;
  const e0k = e0 * ETOK;
  const eik = ei * ETOK;
  let small = false;
  for (let n = 0; n < nk; n++) {
    const k = unchecked(kv[n]);
    if (Math.abs(k * k - e0k) < SMALL_ENERGY) small = true;
  }
  const rr = reff + dr;
  const fac = (degen * s02) / (rr * rr);
  const d = dr - (2.0 * ss2) / reff;
  const c3x = (2.0 * c3) / 3.0;
  const c4x = c4 / 3.0;
  const twoReff = 2.0 * reff;
  let j: i32 = 0;
  for (let n = 0; n < nk; n++) {
    const k = unchecked(kv[n]);
    let en = k * k - e0k;
    if (small && Math.abs(en) < 1.5 * SMALL_ENERGY) en = SMALL_ENERGY;
    const q = en < 0 ? -Math.sqrt(-en) : Math.sqrt(en);
    if (q < unchecked(x[j])) j = 0;
    while (j < jmax && unchecked(x[j + 1]) <= q) j++;
    const tt = q - unchecked(x[j]);
    const o = j * NC;
    const pha = cubicPiece(coef, o, tt);
    const amp = cubicPiece(coef, o + 4, tt);
    const rep = cubicPiece(coef, o + 8, tt);
    const lam = cubicPiece(coef, o + 12, tt);
    const b = 1.0 / lam;
    const ppr = rep * rep - b * b;
    const ppi = 2.0 * rep * b + eik;
    const r = Math.sqrt(ppr * ppr + ppi * ppi);
    let pr: f64, pim: f64;
    if (ppr >= 0) {
      pr = Math.sqrt(0.5 * (r + ppr));
      pim = pr > 0 ? ppi / (2.0 * pr) : 0.0;
    } else {
      const s = Math.sqrt(0.5 * (r - ppr));
      pr = Math.abs(ppi) / (2.0 * s);
      pim = ppi < 0 ? -s : s;
    }
    const wr = ss2 - ppr * c4x;
    const wi = -ppi * c4x;
    const vr = ppr * wr - ppi * wi;
    const vi = ppr * wi + ppi * wr;
    const ur = d - ppr * c3x;
    const ui = -ppi * c3x;
    const ere = -twoReff * pim - 2.0 * vr - 2.0 * (pr * ui + pim * ur);
    const eim = twoReff * q + pha + 2.0 * (pr * ur - pim * ui) - 2.0 * vi;
    const mag = ((fac * amp) / q) * Math.exp(ere);
    Math.sincos(eim);
    unchecked((out[n] = mag * Math.sincos_sin));
    unchecked((out[nk + n] = -mag * Math.sincos_cos));
  }
  if (nk >= 3) {
    unchecked((out[0] = 2.0 * out[1] - out[2]));
    unchecked((out[nk] = 2.0 * out[nk + 1] - out[nk + 2]));
  }
}

/**
 * Path χ̃ on the uniform grid k_n = n·kstep (n < nk) with params [degen, s02, e0, ei, deltar,
 * sigma2, third, fourth]: returns [chi (nk), chi_imag (nk)] = [Im χ̃, −Re χ̃].
 */
export function pathChi(handle: i32, params: Float64Array, nk: i32, kstep: f64): Float64Array {
  const t = tableOf(handle);
  const kv = new Float64Array(nk);
  for (let n = 0; n < nk; n++) unchecked((kv[n] = <f64>n * kstep));
  const out = new Float64Array(2 * nk);
  pathChiInto(t, params, kv, nk, out);
  return out;
}

/** Path χ̃ at explicit k values (Å⁻¹): [chi (nk), chi_imag (nk)]; χ̃[0] extrapolated as Larch does. */
export function pathChiAt(handle: i32, params: Float64Array, k: Float64Array): Float64Array {
  const t = tableOf(handle);
  const nk = k.length;
  const out = new Float64Array(2 * nk);
  pathChiInto(t, params, k, nk, out);
  return out;
}

/**
 * Σ χ(k) of several paths on k_n = n·kstep (n < nk): handles[i] with params[8i..8i+8) (Larch
 * ff2chi). Built on pathChiAdd, the fit's per-evaluation kernel.
 */
export function sumPathsChi(handles: Int32Array, params: Float64Array, nk: i32, kstep: f64): Float64Array {
  const out = new Float64Array(nk);
  for (let i = 0; i < handles.length; i++) pathChiAdd(unchecked(handles[i]), params, 8 * i, nk, kstep, 1.0, out);
  return out;
}
