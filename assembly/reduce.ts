// Data-reduction kernels: Larch interp (with extrapolation), merge_groups, rebin_xafs, spike
// scores for deglitching, derivative alignment and the sub-grid edge of a spline.
// Larch 0.9.58 semantics (docs/conventions.md §0.2, §8); numpy's summation order where Larch's
// numbers depend on it (rebin bins: pairwise sums; merge: row-by-row sums over scans).
import { splineMoments } from './interp';
import { indexOf, itrunc } from './util';

// ---- numpy summation ---------------------------------------------------------------------------

/** numpy pairwise_sum for doubles (8 accumulators up to 128 values, halving above). */
function pairwise(a: Float64Array, off: i32, n: i32): f64 {
  if (n < 8) {
    let r = -0.0;
    for (let i = 0; i < n; i++) r += unchecked(a[off + i]);
    return r;
  }
  if (n <= 128) {
    let r0 = unchecked(a[off]);
    let r1 = unchecked(a[off + 1]);
    let r2 = unchecked(a[off + 2]);
    let r3 = unchecked(a[off + 3]);
    let r4 = unchecked(a[off + 4]);
    let r5 = unchecked(a[off + 5]);
    let r6 = unchecked(a[off + 6]);
    let r7 = unchecked(a[off + 7]);
    let i = 8;
    const end = n - (n % 8);
    for (; i < end; i += 8) {
      r0 += unchecked(a[off + i]);
      r1 += unchecked(a[off + i + 1]);
      r2 += unchecked(a[off + i + 2]);
      r3 += unchecked(a[off + i + 3]);
      r4 += unchecked(a[off + i + 4]);
      r5 += unchecked(a[off + i + 5]);
      r6 += unchecked(a[off + i + 6]);
      r7 += unchecked(a[off + i + 7]);
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += unchecked(a[off + i]);
    return res;
  }
  let n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise(a, off, n2) + pairwise(a, off + n2, n - n2);
}

/** numpy add.reduce of a contiguous 1-D slice: pairwise sums of 8192-value buffers, added in order. */
function npSum(a: Float64Array, off: i32, n: i32): f64 {
  let r = 0.0;
  for (let i = 0; i < n; i += 8192) r += pairwise(a, off + i, min(8192, n - i));
  return r;
}

/** numpy ndarray.std() (population) of a[off, off+n); NaN when empty. */
function npStd(a: Float64Array, off: i32, n: i32, scratch: Float64Array): f64 {
  if (n <= 0) return NaN;
  const mean = npSum(a, off, n) / <f64>n;
  for (let i = 0; i < n; i++) {
    const d = unchecked(a[off + i]) - mean;
    unchecked((scratch[i] = d * d));
  }
  return Math.sqrt(npSum(scratch, 0, n) / <f64>n);
}

// ---- interpolation -----------------------------------------------------------------------------

/** scipy interp1d(kind='linear') on x[off, off+n) at v: NaN outside [x0, x_last]. */
function interp1dLinear(x: Float64Array, y: Float64Array, off: i32, n: i32, v: f64): f64 {
  if (n < 2) return NaN;
  if (v < unchecked(x[off]) || v > unchecked(x[off + n - 1]) || isNaN(v)) return NaN;
  // searchsorted(x, v, side='left'), clipped to [1, n-1]
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (unchecked(x[off + mid]) < v) lo = mid + 1;
    else hi = mid;
  }
  let idx = lo;
  if (idx < 1) idx = 1;
  if (idx > n - 1) idx = n - 1;
  const xl = unchecked(x[off + idx - 1]);
  const xh = unchecked(x[off + idx]);
  const yl = unchecked(y[off + idx - 1]);
  const yh = unchecked(y[off + idx]);
  const slope = (yh - yl) / (xh - xl);
  return slope * (v - xl) + yl;
}

/** Value and first derivative of the spline (x, y, M) at v (piece found by bisection; end pieces extrapolate). */
function splineAt(x: Float64Array, y: Float64Array, M: Float64Array, off: i32, n: i32, v: f64, out: Float64Array): void {
  let lo = 0;
  let hi = n - 1;
  if (v <= unchecked(x[off + 1])) lo = 0;
  else if (v >= unchecked(x[off + n - 2])) lo = n - 2;
  else {
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (unchecked(x[off + mid]) <= v) lo = mid;
      else hi = mid;
    }
  }
  const j = lo;
  const h = unchecked(x[off + j + 1]) - unchecked(x[off + j]);
  const t = v - unchecked(x[off + j]);
  const mj = unchecked(M[j]);
  const mk = unchecked(M[j + 1]);
  const yj = unchecked(y[off + j]);
  const yk = unchecked(y[off + j + 1]);
  const b = (yk - yj) / h - (h * (2.0 * mj + mk)) / 6.0;
  unchecked((out[0] = yj + t * (b + t * (mj / 2.0 + (t * (mk - mj)) / (6.0 * h)))));
  unchecked((out[1] = b + t * (mj + (t * (mk - mj)) / (2.0 * h))));
}

/** Moments of the not-a-knot spline through x[off, off+n), y[off, off+n). */
function momentsOf(x: Float64Array, y: Float64Array, off: i32, n: i32): Float64Array {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    unchecked((xs[i] = x[off + i]));
    unchecked((ys[i] = y[off + i]));
  }
  const M = new Float64Array(n);
  splineMoments(xs, ys, n, M);
  return M;
}

/**
 * Larch interp(x, y, xnew, kind) into out: inside [x0, x_last] scipy interp1d (kind 0 linear,
 * 1 not-a-knot cubic); outside, a line through the 2 end points (linear) or the interpolating
 * cubic spline through the 5 end points (cubic). Returns the number of points below and above.
 */
function larchInterpInto(x: Float64Array, y: Float64Array, off: i32, n: i32, xnew: Float64Array, kind: i32, out: Float64Array, counts: Float64Array): void {
  const m = xnew.length;
  const x0 = unchecked(x[off]);
  const xl = unchecked(x[off + n - 1]);
  const tmp = new Float64Array(2);
  const M = kind == 1 ? momentsOf(x, y, off, n) : new Float64Array(0);
  const ne = min(5, n);
  const Mlo = kind == 1 ? momentsOf(x, y, off, ne) : new Float64Array(0);
  const Mhi = kind == 1 ? momentsOf(x, y, off + n - ne, ne) : new Float64Array(0);
  let below = 0;
  let above = 0;
  for (let i = 0; i < m; i++) {
    const v = unchecked(xnew[i]);
    if (v < x0) {
      below++;
      if (kind == 1) {
        splineAt(x, y, Mlo, off, ne, v, tmp);
        unchecked((out[i] = tmp[0]));
      } else {
        const s = (unchecked(y[off + 1]) - unchecked(y[off])) / (unchecked(x[off + 1]) - x0);
        unchecked((out[i] = unchecked(y[off]) + s * (v - x0)));
      }
    } else if (v > xl) {
      above++;
      if (kind == 1) {
        splineAt(x, y, Mhi, off + n - ne, ne, v, tmp);
        unchecked((out[i] = tmp[0]));
      } else {
        const s = (unchecked(y[off + n - 1]) - unchecked(y[off + n - 2])) / (xl - unchecked(x[off + n - 2]));
        unchecked((out[i] = unchecked(y[off + n - 1]) + s * (v - xl)));
      }
    } else if (kind == 1) {
      splineAt(x, y, M, off, n, v, tmp);
      unchecked((out[i] = tmp[0]));
    } else {
      unchecked((out[i] = interp1dLinear(x, y, off, n, v)));
    }
  }
  unchecked((counts[0] = <f64>below));
  unchecked((counts[1] = <f64>above));
}

/** Larch interp(x, y, xnew, kind): kind 0 linear, 1 cubic; extrapolates (see larchInterpInto). */
export function reduceInterp(x: Float64Array, y: Float64Array, xnew: Float64Array, kind: i32): Float64Array {
  const out = new Float64Array(xnew.length);
  const counts = new Float64Array(2);
  larchInterpInto(x, y, 0, x.length, xnew, kind, out, counts);
  return out;
}

// ---- merge_groups ------------------------------------------------------------------------------

/**
 * Larch merge_groups before trimming: every scan g (x and y concatenated, lens[g] points each,
 * x strictly increasing) interpolated onto xout with Larch interp, then the mean over scans and
 * the population std, summed scan by scan as numpy's axis-0 reduction does.
 * Output: [mean (m), std (m), then per scan: points of xout below its range, above its range].
 */
export function reduceMerge(xcat: Float64Array, ycat: Float64Array, lens: Int32Array, xout: Float64Array, kind: i32): Float64Array {
  const m = xout.length;
  const g = lens.length;
  const out = new Float64Array(2 * m + 2 * g);
  const rows = new Float64Array(g * m);
  const row = new Float64Array(m);
  const counts = new Float64Array(2);
  let off = 0;
  for (let k = 0; k < g; k++) {
    const n = unchecked(lens[k]);
    larchInterpInto(xcat, ycat, off, n, xout, kind, row, counts);
    for (let i = 0; i < m; i++) unchecked((rows[k * m + i] = row[i]));
    unchecked((out[2 * m + 2 * k] = counts[0]));
    unchecked((out[2 * m + 2 * k + 1] = counts[1]));
    off += n;
  }
  const fg = <f64>g;
  for (let i = 0; i < m; i++) {
    let s = 0.0;
    for (let k = 0; k < g; k++) s += unchecked(rows[k * m + i]);
    const mean = s / fg;
    let q = 0.0;
    for (let k = 0; k < g; k++) {
      const d = unchecked(rows[k * m + i]) - mean;
      q += d * d;
    }
    unchecked((out[i] = mean));
    unchecked((out[m + i] = Math.sqrt(q / fg)));
  }
  return out;
}

// ---- rebin_xafs --------------------------------------------------------------------------------

/**
 * Larch rebin_xafs's binning onto the new grid en (ascending): each new point takes the input
 * points between the midpoints of neighbouring index_of bounds; fewer than 3 points: scipy
 * interp1d (linear, NaN outside) over the bin plus one point; else the mean (method 0, boxcar)
 * or mean(μ·E)/mean(E) (method 1, centroid). delta_mu is the population std of the bin's μ
 * (NaN for an empty bin). Output: [mu (m), delta_mu (m), points per bin (m)].
 */
export function reduceRebin(energy: Float64Array, mu: Float64Array, en: Float64Array, method: i32): Float64Array {
  const n = energy.length;
  const m = en.length;
  const out = new Float64Array(3 * m);
  const bounds = new Int32Array(m);
  for (let i = 0; i < m; i++) unchecked((bounds[i] = indexOf(energy, n, unchecked(en[i]))));
  const scratch = new Float64Array(n);
  let j0 = 0;
  for (let i = 0; i < m; i++) {
    const j1 = i == m - 1 ? n - 1 : itrunc((<f64>unchecked(bounds[i]) + <f64>unchecked(bounds[i + 1]) + 1.0) / 2.0);
    const cnt = j1 - j0;
    let val: f64;
    if (cnt < 3) {
      let jx = j1 + 1;
      if (jx - j0 < 2) jx += 1;
      if (jx > n) jx = n;
      val = interp1dLinear(energy, mu, j0, jx - j0, unchecked(en[i]));
    } else if (method == 0) {
      val = npSum(mu, j0, cnt) / <f64>cnt;
    } else {
      for (let j = 0; j < cnt; j++) unchecked((scratch[j] = mu[j0 + j] * energy[j0 + j]));
      const num = npSum(scratch, 0, cnt) / <f64>cnt;
      val = num / (npSum(energy, j0, cnt) / <f64>cnt);
    }
    unchecked((out[i] = val));
    unchecked((out[m + i] = npStd(mu, j0, cnt, scratch)));
    unchecked((out[2 * m + i] = <f64>max(cnt, 0)));
    j0 = j1;
  }
  return out;
}

// ---- deglitching -------------------------------------------------------------------------------

/** Median of buf[0, n) (sorts it in place; n small). */
function medianOf(buf: Float64Array, n: i32): f64 {
  for (let i = 1; i < n; i++) {
    const v = unchecked(buf[i]);
    let j = i - 1;
    while (j >= 0 && unchecked(buf[j]) > v) {
      unchecked((buf[j + 1] = buf[j]));
      j--;
    }
    unchecked((buf[j + 1] = v));
  }
  if (n == 0) return NaN;
  return (n & 1) == 1 ? unchecked(buf[n >> 1]) : 0.5 * (unchecked(buf[(n >> 1) - 1]) + unchecked(buf[n >> 1]));
}

/** Median of v, sorted in place (for the spectrum-wide floor). */
function medianAll(v: Float64Array): f64 {
  const n = v.length;
  v.sort();
  return (n & 1) == 1 ? unchecked(v[n >> 1]) : 0.5 * (unchecked(v[(n >> 1) - 1]) + unchecked(v[n >> 1]));
}

/**
 * Local robust noise levels from |d_j| over the points `near` to K away from i:
 * scale·median|d_j|, raised to the spectrum-wide median of these levels and to floorAbs.
 */
function localSigma(d: Float64Array, j0: i32, j1: i32, near: i32, K: i32, scale: f64, floorAbs: f64, buf: Float64Array): Float64Array {
  const n = d.length;
  const sig = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let k = 0;
    for (let j = i - K; j <= i + K; j++) {
      if (j < j0 || j > j1 || abs(j - i) < near) continue;
      unchecked((buf[k++] = Math.abs(d[j])));
    }
    unchecked((sig[i] = k > 0 ? scale * medianOf(buf, k) : 0.0));
  }
  const floor = Math.max(Math.max(medianAll(sig.slice()), floorAbs), 1e-300);
  for (let i = 0; i < n; i++) unchecked((sig[i] = Math.max(sig[i], floor)));
  return sig;
}

/**
 * Spike scores min(z_med, z_4), both in units of a robust local level σ_i:
 *   z_med = |μ_i − median of the 2w+1 points centred on i| / σ_i (the window shrinks
 *           symmetrically at the ends, so the end points score 0): zero along a monotonic edge,
 *           blind to a spike of up to w points;
 *   z_4   = |μ_i − μ̂_i| / (c σ_i), μ̂_i = (4(μ_{i−1} + μ_{i+1}) − μ_{i−2} − μ_{i+2})/6 the
 *           prediction from four neighbours that is exact for cubics, c = sqrt(1 + 34/36) its
 *           noise: small at a smooth peak, where a running median departs.
 * σ_i = 1.4826·median|Δ²μ_j|/√6 over 2 ≤ |j − i| ≤ K (second differences that do not touch point
 * i): the noise, or the signal's own curvature per step where that is larger; raised to the
 * spectrum-wide median of σ_i and to relFloor times the μ range (noise-free data).
 */
export function reduceSpikeScores(mu: Float64Array, w: i32, K: i32, relFloor: f64): Float64Array {
  const n = mu.length;
  const z = new Float64Array(n);
  if (n < 7) return z;
  const buf = new Float64Array(max(2 * w + 1, 2 * K + 1));
  const c4 = Math.sqrt(1.0 + 34.0 / 36.0);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, unchecked(mu[i]));
    hi = Math.max(hi, unchecked(mu[i]));
  }
  const d2 = new Float64Array(n);
  for (let j = 1; j < n - 1; j++) unchecked((d2[j] = mu[j + 1] - 2.0 * mu[j] + mu[j - 1]));
  const sig = localSigma(d2, 1, n - 2, 2, K, 1.4826 / Math.sqrt(6.0), relFloor * (hi - lo), buf);
  for (let i = 0; i < n; i++) {
    const h = min(w, min(i, n - 1 - i));
    let k = 0;
    for (let j = i - h; j <= i + h; j++) unchecked((buf[k++] = mu[j]));
    const s = unchecked(sig[i]);
    const zm = Math.abs(unchecked(mu[i]) - medianOf(buf, k)) / s;
    let z4 = zm;
    if (i >= 2 && i <= n - 3) {
      const pred = (4.0 * (unchecked(mu[i - 1]) + unchecked(mu[i + 1])) - unchecked(mu[i - 2]) - unchecked(mu[i + 2])) / 6.0;
      z4 = Math.abs(unchecked(mu[i]) - pred) / (c4 * s);
    }
    unchecked((z[i] = Math.min(zm, z4)));
  }
  return z;
}

// ---- alignment ---------------------------------------------------------------------------------

/**
 * Cost of a shift s: the standard's derivative ds on xs against scale·S(xs − s), S the not-a-knot
 * spline of the spectrum's derivative (xd, dd, moments M); the scale is the least-squares one,
 * clipped to [0, amax]. Writes [cost, scale] into res.
 */
function alignCost(xd: Float64Array, dd: Float64Array, M: Float64Array, xs: Float64Array, ds: Float64Array, s: f64, amax: f64, ybuf: Float64Array, tmp: Float64Array, res: Float64Array): void {
  const nd = xd.length;
  const ns = xs.length;
  let syy = 0.0;
  let syd = 0.0;
  for (let i = 0; i < ns; i++) {
    splineAt(xd, dd, M, 0, nd, unchecked(xs[i]) - s, tmp);
    const y = unchecked(tmp[0]);
    unchecked((ybuf[i] = y));
    syy += y * y;
    syd += y * unchecked(ds[i]);
  }
  let a = syy > 0.0 ? syd / syy : 0.0;
  if (!(a > 0.0)) a = 0.0;
  if (a > amax) a = amax;
  let cost = 0.0;
  for (let i = 0; i < ns; i++) {
    const r = a * unchecked(ybuf[i]) - unchecked(ds[i]);
    cost += r * r;
  }
  unchecked((res[0] = cost));
  unchecked((res[1] = a));
}

/**
 * Derivative alignment (Larch's EnergyCalibrateDialog objective): the shift s in [lo, hi] and
 * scale a in [0, amax] minimizing Σ (a·S(xs_i − s) − ds_i)², i.e. a·dμ/dE of the spectrum at
 * E + s matching the standard's. A scan of the shift in steps of `step` finds the global minimum,
 * golden-section search refines it to 1e-9 eV. Standard errors as lmfit reports them:
 * sqrt(diag((JᵀJ)⁻¹)·χ²/(N − 2)). Output: [shift, scale, shift stderr, scale stderr, χ², N, cost evaluations].
 */
export function reduceAlign(xd: Float64Array, dd: Float64Array, xs: Float64Array, ds: Float64Array, lo: f64, hi: f64, step: f64, amax: f64): Float64Array {
  const nd = xd.length;
  const ns = xs.length;
  const M = new Float64Array(nd);
  splineMoments(xd, dd, nd, M);
  const ybuf = new Float64Array(ns);
  const tmp = new Float64Array(2);
  const res = new Float64Array(2);
  let nfev = 0;
  const nscan = max(1, <i32>Math.ceil((hi - lo) / step));
  let best = lo;
  let bestc = Infinity;
  for (let k = 0; k <= nscan; k++) {
    const s = k == nscan ? hi : lo + <f64>k * step;
    alignCost(xd, dd, M, xs, ds, s, amax, ybuf, tmp, res);
    nfev++;
    if (unchecked(res[0]) < bestc) {
      bestc = unchecked(res[0]);
      best = s;
    }
  }
  // golden-section search on [best − step, best + step] ∩ [lo, hi]
  let a = Math.max(lo, best - step);
  let b = Math.min(hi, best + step);
  const gr = (Math.sqrt(5.0) - 1.0) / 2.0;
  let c = b - gr * (b - a);
  let d = a + gr * (b - a);
  alignCost(xd, dd, M, xs, ds, c, amax, ybuf, tmp, res);
  let fc = unchecked(res[0]);
  alignCost(xd, dd, M, xs, ds, d, amax, ybuf, tmp, res);
  let fd = unchecked(res[0]);
  nfev += 2;
  for (let it = 0; it < 200 && b - a > 1e-9; it++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - gr * (b - a);
      alignCost(xd, dd, M, xs, ds, c, amax, ybuf, tmp, res);
      fc = unchecked(res[0]);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + gr * (b - a);
      alignCost(xd, dd, M, xs, ds, d, amax, ybuf, tmp, res);
      fd = unchecked(res[0]);
    }
    nfev++;
  }
  let s = 0.5 * (a + b);
  alignCost(xd, dd, M, xs, ds, s, amax, ybuf, tmp, res);
  if (bestc < unchecked(res[0])) {
    s = best;
    alignCost(xd, dd, M, xs, ds, s, amax, ybuf, tmp, res);
  }
  const chi2 = unchecked(res[0]);
  const scale = unchecked(res[1]);
  // Jacobian of r_i = a·S(xs_i − s) − ds_i: ∂r/∂s = −a·S'(xs_i − s), ∂r/∂a = S(xs_i − s)
  let jss = 0.0;
  let jsa = 0.0;
  let jaa = 0.0;
  for (let i = 0; i < ns; i++) {
    splineAt(xd, dd, M, 0, nd, unchecked(xs[i]) - s, tmp);
    const js = -scale * unchecked(tmp[1]);
    const ja = unchecked(tmp[0]);
    jss += js * js;
    jsa += js * ja;
    jaa += ja * ja;
  }
  const red = ns > 2 ? chi2 / <f64>(ns - 2) : NaN;
  let es: f64;
  let ea: f64;
  const det = jss * jaa - jsa * jsa;
  if (scale > 0.0 && scale < amax && det > 0.0) {
    es = Math.sqrt((jaa / det) * red);
    ea = Math.sqrt((jss / det) * red);
  } else {
    // the scale sits at a bound: it is fixed, only the shift varies
    es = jss > 0.0 ? Math.sqrt(red / jss) : NaN;
    ea = 0.0;
  }
  const out = new Float64Array(7);
  unchecked((out[0] = s));
  unchecked((out[1] = scale));
  unchecked((out[2] = es));
  unchecked((out[3] = ea));
  unchecked((out[4] = chi2));
  unchecked((out[5] = <f64>ns));
  unchecked((out[6] = <f64>nfev));
  return out;
}

/**
 * Sub-grid edge: the energy of the largest slope of the not-a-knot cubic spline through (x, y)
 * within [x[i − span], x[i + span]] (the spline's derivative is a quadratic per piece, so its
 * maximum is at a piece end or where the spline's second derivative, linear per piece, is zero).
 */
export function reduceEdgeSpline(x: Float64Array, y: Float64Array, i: i32, span: i32): f64 {
  const n = x.length;
  const M = new Float64Array(n);
  splineMoments(x, y, n, M);
  const j1 = max(0, i - span);
  const j2 = min(n - 1, i + span);
  const tmp = new Float64Array(2);
  let best = unchecked(x[j1]);
  let bestv = -Infinity;
  for (let j = j1; j < j2; j++) {
    const xa = unchecked(x[j]);
    const xb = unchecked(x[j + 1]);
    const h = xb - xa;
    const ma = unchecked(M[j]);
    const mb = unchecked(M[j + 1]);
    // candidates: both ends, and the zero of S'' inside the piece
    for (let c = 0; c < 3; c++) {
      let v: f64;
      if (c == 0) v = xa;
      else if (c == 1) v = xb;
      else {
        if (!(ma > 0.0 && mb < 0.0)) continue;
        v = xa + (ma * h) / (ma - mb);
      }
      splineAt(x, y, M, 0, n, v, tmp);
      if (unchecked(tmp[1]) > bestv) {
        bestv = unchecked(tmp[1]);
        best = v;
      }
    }
  }
  return best;
}
