// XANES edge positions and the white line on a normalized spectrum, all methods in one call
// (src/xanes/edge.ts documents the definitions; units: energies in eV, y in normalized μ).
//
// Smoothing (deriv-fit, zero2): y is taken as its piecewise-linear interpolant L(x), whose
// derivative is the step function s_j = (y_{j+1} − y_j)/(x_{j+1} − x_j) on [x_j, x_{j+1}]. That
// derivative is convolved with a normalized Gaussian of standard deviation σ, analytically:
//   D1(E) = Σ_j s_j [Φ(u_j) − Φ(u_{j+1})],  u_j = (E − x_j)/σ
//         = Σ_i Φ(u_i)(s_i − s_{i−1})   (summation by parts; s_{−1} = s_{n−1} = 0)
//   D2(E) = dD1/dE = (1/σ) Σ_i φ(u_i)(s_i − s_{i−1})
//   D3(E) = −(1/σ²) Σ_i u_i φ(u_i)(s_i − s_{i−1})
// so no resampling grid is involved, non-uniform scans are handled exactly and the smoothed
// derivative's maximum is a root of an analytic D2.

const SQRT1_2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f64 = 0.3989422804014327;
const INV_SQRT_PI: f64 = 0.5641895835477563;
/** Gaussian tails beyond this many σ are below 1e-17 and ignored. */
const CUT: f64 = 8.5;

// ---- error function (own implementation: series inside, continued fraction outside) -------

/** erf(z) for 0 ≤ z ≤ 3: (2/√π)·e^{−z²}·Σ z(2z²)^n/(2n+1)!!, all terms positive (no cancellation). */
function erfSeries(z: f64): f64 {
  const z2 = 2.0 * z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= z2 / <f64>(2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return 2.0 * INV_SQRT_PI * Math.exp(-z * z) * sum;
}

/** erfc(z) for z > 3: e^{−z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))) by modified Lentz. */
function erfcFraction(z: f64): f64 {
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0.0;
  for (let k = 1; k < 300; k++) {
    const a = 0.5 * <f64>k;
    d = z + a * d;
    if (d == 0.0) d = tiny;
    c = z + a / c;
    if (c == 0.0) c = tiny;
    d = 1.0 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1.0) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-z * z)) / f;
}

/** Standard normal cumulative distribution Φ(u). */
export function normalCdf(u: f64): f64 {
  const z = Math.abs(u) * SQRT1_2;
  let tail: f64; // = 1 − Φ(|u|) = erfc(z)/2
  if (z > 3.0) tail = 0.5 * erfcFraction(z);
  else tail = 0.5 * (1.0 - erfSeries(z));
  return u >= 0 ? 1.0 - tail : tail;
}

// ---- smoothed derivatives -------------------------------------------------------------------

/** Slopes s_j of the interpolant, j = 0..n−2. */
function slopes(x: Float64Array, y: Float64Array, n: i32): Float64Array {
  const s = new Float64Array(n > 1 ? n - 1 : 0);
  for (let j = 0; j < n - 1; j++) unchecked((s[j] = (y[j + 1] - y[j]) / (x[j + 1] - x[j])));
  return s;
}

/** s_i − s_{i−1} with the slopes outside the data taken as 0. */
// @ts-ignore: decorator
@inline
function jump(s: Float64Array, n: i32, i: i32): f64 {
  const right = i < n - 1 ? unchecked(s[i]) : 0.0;
  const left = i > 0 ? unchecked(s[i - 1]) : 0.0;
  return right - left;
}

/** First index with x[i] ≥ v (n when none); x ascending. */
function lowerBound(x: Float64Array, n: i32, v: f64): i32 {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (unchecked(x[mid]) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** D2(E)·σ (the sign and roots are those of D2). */
function d2(x: Float64Array, s: Float64Array, n: i32, e: f64, sigma: f64): f64 {
  const i0 = lowerBound(x, n, e - CUT * sigma);
  const i1 = lowerBound(x, n, e + CUT * sigma);
  let acc = 0.0;
  for (let i = i0; i < i1; i++) {
    const u = (e - unchecked(x[i])) / sigma;
    acc += Math.exp(-0.5 * u * u) * jump(s, n, i);
  }
  return acc * INV_SQRT_2PI;
}

function d1(x: Float64Array, s: Float64Array, n: i32, e: f64, sigma: f64): f64 {
  const i0 = lowerBound(x, n, e - CUT * sigma);
  const i1 = lowerBound(x, n, e + CUT * sigma);
  // nodes left of the window have Φ = 1: their jumps telescope to s_{i0−1}
  let acc = i0 > 0 ? (i0 - 1 < n - 1 ? unchecked(s[i0 - 1]) : 0.0) : 0.0;
  for (let i = i0; i < i1; i++) acc += normalCdf((e - unchecked(x[i])) / sigma) * jump(s, n, i);
  return acc;
}

function d3(x: Float64Array, s: Float64Array, n: i32, e: f64, sigma: f64): f64 {
  const i0 = lowerBound(x, n, e - CUT * sigma);
  const i1 = lowerBound(x, n, e + CUT * sigma);
  let acc = 0.0;
  for (let i = i0; i < i1; i++) {
    const u = (e - unchecked(x[i])) / sigma;
    acc -= u * Math.exp(-0.5 * u * u) * jump(s, n, i);
  }
  return (acc * INV_SQRT_2PI) / (sigma * sigma);
}

/**
 * √Σ_p (∂D2/∂y_p)² at E: the factor that turns white noise σ_y on y into the standard deviation
 * of D2(E). D2 = (1/σ)Σ_j s_j(φ_j − φ_{j+1}), so ∂D2/∂y_p = (1/σ)[(φ_{p−1} − φ_p)/h_{p−1} − (φ_p − φ_{p+1})/h_p].
 */
function d2NoiseFactor(x: Float64Array, n: i32, e: f64, sigma: f64): f64 {
  const i0 = max(lowerBound(x, n, e - CUT * sigma) - 1, 0);
  const i1 = min(lowerBound(x, n, e + CUT * sigma) + 1, n);
  let acc = 0.0;
  for (let p = i0; p < i1; p++) {
    let a = 0.0;
    const phiP = gauss((e - unchecked(x[p])) / sigma);
    if (p > 0) a += (gauss((e - unchecked(x[p - 1])) / sigma) - phiP) / (unchecked(x[p]) - unchecked(x[p - 1]));
    if (p < n - 1) a -= (phiP - gauss((e - unchecked(x[p + 1])) / sigma)) / (unchecked(x[p + 1]) - unchecked(x[p]));
    acc += a * a;
  }
  return Math.sqrt(acc) / sigma;
}

// @ts-ignore: decorator
@inline
function gauss(u: f64): f64 {
  return INV_SQRT_2PI * Math.exp(-0.5 * u * u);
}

/** Root of D2 in [a, b] with D2(a) > 0 ≥ D2(b): Illinois false position, bisection as a guard. */
function d2Root(x: Float64Array, s: Float64Array, n: i32, a: f64, b: f64, fa: f64, fb: f64, sigma: f64): f64 {
  let side = 0;
  for (let it = 0; it < 100; it++) {
    if (b - a < 1e-9) break;
    let c = (a * fb - b * fa) / (fb - fa);
    if (!(c > a && c < b)) c = 0.5 * (a + b);
    const fc = d2(x, s, n, c, sigma);
    if (fc == 0.0) return c;
    if (fc > 0.0) {
      a = c;
      fa = fc;
      if (side == -1) fb *= 0.5;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side == 1) fa *= 0.5;
      side = 1;
    }
  }
  return 0.5 * (a + b);
}

// ---- noise ----------------------------------------------------------------------------------

/** k-th smallest of a[0..n) (partially reorders a): Hoare quickselect. */
function select(a: Float64Array, n: i32, k: i32): f64 {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = unchecked(a[(lo + hi) >> 1]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (unchecked(a[i]) < pivot) i++;
      while (unchecked(a[j]) > pivot) j--;
      if (i <= j) {
        const t = unchecked(a[i]);
        unchecked((a[i] = a[j]));
        unchecked((a[j] = t));
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return unchecked(a[k]);
}

/**
 * White-noise standard deviation of y, robustly: each interior point's departure from the line
 * through its neighbours, r_i = y_i − (w_a y_{i−1} + w_b y_{i+1}), has variance σ²(1 + w_a² + w_b²)
 * for white noise; σ = 1.4826·median(|r_i|/√(1 + w_a² + w_b²)). Curvature of the signal adds to
 * |r_i|, so on coarse grids this overestimates σ (conservative error bars).
 */
export function noiseSigma(x: Float64Array, y: Float64Array): f64 {
  const n = x.length;
  if (n < 3) return NaN;
  const r = new Float64Array(n - 2);
  // on a uniform stretch the steps repeat exactly: wa, wb and √(1 + wa² + wb²) are then the same
  // numbers as at the previous point, computed once
  let dLast = NaN;
  let hLast = NaN;
  let wa = NaN;
  let wb = NaN;
  let root = NaN;
  for (let i = 1; i < n - 1; i++) {
    const h = unchecked(x[i + 1]) - unchecked(x[i - 1]);
    const d = unchecked(x[i + 1]) - unchecked(x[i]);
    if (d != dLast || h != hLast) {
      dLast = d;
      hLast = h;
      wa = d / h;
      wb = 1.0 - wa;
      root = Math.sqrt(1.0 + wa * wa + wb * wb);
    }
    const ri = unchecked(y[i]) - (wa * unchecked(y[i - 1]) + wb * unchecked(y[i + 1]));
    unchecked((r[i - 1] = Math.abs(ri) / root));
  }
  const m = n - 2;
  let med = select(r, m, m >> 1);
  if ((m & 1) == 0) {
    // even count: mean of the two middle values (the lower half is now left of m/2)
    let lowerMax = -Infinity;
    for (let i = 0; i < m >> 1; i++) lowerMax = Math.max(lowerMax, unchecked(r[i]));
    med = 0.5 * (med + lowerMax);
  }
  return 1.4826 * med;
}

// ---- the methods ----------------------------------------------------------------------------

/** Bits of the method mask (params[0]). */
const HALF = 1;
const SMOOTH = 2;
const INTEGRAL = 4;
const WHITELINE = 8;

/** Output layout (NaN where not computed). Status 0 = found; see src/xanes/edge.ts for the codes. */
const O_NOISE = 0;
const O_HALF = 1; // energy, stderr, status, lower index
const O_FIT = 5; // energy, stderr, D1 at max, D3 at max, status, candidates, runner-up D1, its energy
const O_ZERO2 = 13; // energy, stderr, status
const O_INT = 16; // energy, stderr, E1, E2, status
const O_WL = 21; // energy, height, area, area start, area end, status
export const EDGE_OUT_LEN = 27;

/** Linear-interpolation crossing of `level` between points j and j+1: energy and t (0..1). */
// @ts-ignore: decorator
@inline
function crossT(y: Float64Array, j: i32, level: f64): f64 {
  return (level - unchecked(y[j])) / (unchecked(y[j + 1]) - unchecked(y[j]));
}

/**
 * The point j where y rises through `level` nearest to the start index on the rising side:
 * y[j] < level ≤ y[j+1]. From `start`, walks down while y ≥ level, else up while y[j+1] < level.
 * Returns −1 when y is at or above the level down to the first point, −2 when it never reaches it.
 */
function risingCrossing(y: Float64Array, n: i32, start: i32, level: f64): i32 {
  let j = start;
  if (unchecked(y[j]) >= level) {
    while (j > 0 && unchecked(y[j]) >= level) j--;
    if (unchecked(y[j]) >= level) return -1;
    return j;
  }
  while (j < n - 1 && unchecked(y[j + 1]) < level) j++;
  if (j >= n - 1) return -2;
  return j;
}

/**
 * Every edge method on one normalized spectrum (x ascending, eV; y normalized μ) in one call.
 * ie0: Larch's e0 index. params: [mask, halfLevel, sigma, searchWidth, intLo, intHi, wlWindow,
 * wlFitHalfWidth, noise (≥ 0: use it; < 0: estimate)]. Returns EDGE_OUT_LEN values.
 */
export function xanesEdges(x: Float64Array, y: Float64Array, ie0: i32, params: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(EDGE_OUT_LEN);
  for (let i = 0; i < EDGE_OUT_LEN; i++) unchecked((out[i] = NaN));
  if (n < 3 || ie0 < 0 || ie0 >= n) return out;
  const mask = <i32>params[0];
  let noise = params[8];
  if (!(noise >= 0.0)) noise = noiseSigma(x, y);
  out[O_NOISE] = noise;

  if (mask & HALF) {
    const level = params[1];
    const j = risingCrossing(y, n, ie0, level);
    if (j < 0) {
      out[O_HALF + 2] = <f64>-j;
    } else {
      const t = crossT(y, j, level);
      const h = unchecked(x[j + 1]) - unchecked(x[j]);
      const dy = unchecked(y[j + 1]) - unchecked(y[j]);
      out[O_HALF] = unchecked(x[j]) + t * h;
      // ∂E/∂y_j = −h(1−t)/Δy, ∂E/∂y_{j+1} = −h·t/Δy
      out[O_HALF + 1] = (noise * h * Math.sqrt((1.0 - t) * (1.0 - t) + t * t)) / dy;
      out[O_HALF + 2] = 0;
      out[O_HALF + 3] = <f64>j;
    }
  }

  if (mask & SMOOTH) smoothed(x, y, n, ie0, params[2], params[3], noise, out);
  if (mask & INTEGRAL) integral(x, y, n, ie0, params[4], params[5], noise, out);
  if (mask & WHITELINE) whiteLine(x, y, n, ie0, params[6], params[7], out);
  return out;
}

function smoothed(x: Float64Array, y: Float64Array, n: i32, ie0: i32, sigma: f64, width: f64, noise: f64, out: Float64Array): void {
  const s = slopes(x, y, n);
  const e0 = unchecked(x[ie0]);
  const lo = Math.max(e0 - width, unchecked(x[0]));
  const hi = Math.min(e0 + width, unchecked(x[n - 1]));
  const step = sigma / 4.0;
  const nscan = max(<i32>Math.ceil((hi - lo) / step), 2);
  const dx = (hi - lo) / <f64>nscan;
  // every + → − sign change of D2 in the window is a local maximum of D1: keep the largest
  let best = NaN;
  let bestD1 = -Infinity;
  let second = NaN;
  let secondD1 = -Infinity;
  let count = 0;
  let ea = lo;
  let fa = d2(x, s, n, ea, sigma);
  for (let k = 1; k <= nscan; k++) {
    const eb = lo + <f64>k * dx;
    const fb = d2(x, s, n, eb, sigma);
    if (fa > 0.0 && fb <= 0.0) {
      const r = d2Root(x, s, n, ea, eb, fa, fb, sigma);
      const v = d1(x, s, n, r, sigma);
      count++;
      if (v > bestD1) {
        secondD1 = bestD1;
        second = best;
        bestD1 = v;
        best = r;
      } else if (v > secondD1) {
        secondD1 = v;
        second = r;
      }
    }
    ea = eb;
    fa = fb;
  }
  out[O_FIT + 5] = <f64>count;
  out[O_FIT + 6] = secondD1;
  out[O_FIT + 7] = second;
  if (count == 0 || !(bestD1 > 0.0)) {
    out[O_FIT + 4] = 1;
    out[O_ZERO2 + 2] = 1;
    return;
  }
  const curv = d3(x, s, n, best, sigma);
  const se = (noise * d2NoiseFactor(x, n, best, sigma)) / Math.abs(curv);
  out[O_FIT] = best;
  out[O_FIT + 1] = se;
  out[O_FIT + 2] = bestD1;
  out[O_FIT + 3] = curv;
  out[O_FIT + 4] = 0;

  // zero2: the same smoothed D2 sampled on the data points, its + → − crossing nearest to the
  // maximum found above interpolated linearly between the two points
  const ib = lowerBound(x, n, best); // x[ib−1] < best ≤ x[ib]
  let found = -1;
  let dist = Infinity;
  const jlo = max(ib - 6, 0);
  const jhi = min(ib + 6, n - 1);
  let gPrev = d2(x, s, n, unchecked(x[jlo]), sigma);
  let zero = NaN;
  for (let j = jlo; j < jhi; j++) {
    const gNext = d2(x, s, n, unchecked(x[j + 1]), sigma);
    if (gPrev > 0.0 && gNext <= 0.0) {
      const z = unchecked(x[j]) + (gPrev / (gPrev - gNext)) * (unchecked(x[j + 1]) - unchecked(x[j]));
      const d = Math.abs(z - best);
      if (d < dist) {
        dist = d;
        zero = z;
        found = j;
      }
    }
    gPrev = gNext;
  }
  if (found < 0) {
    out[O_ZERO2 + 2] = 1;
    return;
  }
  out[O_ZERO2] = zero;
  out[O_ZERO2 + 1] = se;
  out[O_ZERO2 + 2] = 0;
}

/**
 * Integral method (Dau et al. 2003): E_c = (1/(hi − lo)) ∫_lo^hi E(μ) dμ along the rising edge,
 * = E2 − ∫_{E1}^{E2} (L(x) − lo) dx / (hi − lo), with E1, E2 where L first reaches lo and hi.
 * Since L(E1) = lo and L(E2) = hi, E_c does not move with E1 and E2 to first order; its noise is
 * that of the integral: σ_E = σ_y·√Σw_p²/(hi − lo), w_p the interpolant's weights on y_p.
 */
function integral(x: Float64Array, y: Float64Array, n: i32, ie0: i32, lo: f64, hi: f64, noise: f64, out: Float64Array): void {
  const j1 = risingCrossing(y, n, ie0, lo);
  if (j1 < 0) {
    out[O_INT + 4] = <f64>-j1;
    return;
  }
  const e1 = unchecked(x[j1]) + crossT(y, j1, lo) * (unchecked(x[j1 + 1]) - unchecked(x[j1]));
  // first point at or above hi after the lo crossing
  let i2 = j1 + 1;
  while (i2 < n && unchecked(y[i2]) < hi) i2++;
  if (i2 >= n) {
    out[O_INT + 4] = 3;
    return;
  }
  const j2 = i2 - 1; // y[j2] < hi ≤ y[j2+1]
  const e2 = unchecked(x[j2]) + crossT(y, j2, hi) * (unchecked(x[j2 + 1]) - unchecked(x[j2]));
  let area = 0.0;
  let w2 = 0.0;
  // weights of y_k from the segments overlapping [e1, e2]; the previous segment's right weight
  // carries into the next point
  let carry = 0.0;
  for (let k = j1; k <= j2; k++) {
    const xk = unchecked(x[k]);
    const xk1 = unchecked(x[k + 1]);
    const h = xk1 - xk;
    const a = k == j1 ? e1 : xk;
    const b = k == j2 ? e2 : xk1;
    if (b <= a) {
      w2 += carry * carry;
      carry = 0.0;
      continue;
    }
    const la = unchecked(y[k]) + ((a - xk) / h) * (unchecked(y[k + 1]) - unchecked(y[k]));
    const lb = unchecked(y[k]) + ((b - xk) / h) * (unchecked(y[k + 1]) - unchecked(y[k]));
    area += 0.5 * (b - a) * (la + lb) - lo * (b - a);
    // ∫_a^b (x_{k+1} − x)/h dx and ∫_a^b (x − x_k)/h dx
    const wl = ((xk1 - a) * (xk1 - a) - (xk1 - b) * (xk1 - b)) / (2.0 * h);
    const wr = ((b - xk) * (b - xk) - (a - xk) * (a - xk)) / (2.0 * h);
    const wk = carry + wl;
    w2 += wk * wk;
    carry = wr;
  }
  w2 += carry * carry;
  out[O_INT] = e2 - area / (hi - lo);
  out[O_INT + 1] = (noise * Math.sqrt(w2)) / (hi - lo);
  out[O_INT + 2] = e1;
  out[O_INT + 3] = e2;
  out[O_INT + 4] = 0;
}

/**
 * White line: the maximum of y over [e0, e0 + window]; position and height from a least-squares
 * parabola over the points within ±fitHalf eV of the largest point (the grid point when the
 * parabola does not open downward or its vertex leaves the fitted points); area = ∫(L − 1) dx over
 * the contiguous region around the maximum where L > 1 (ends interpolated).
 */
function whiteLine(x: Float64Array, y: Float64Array, n: i32, ie0: i32, window: f64, fitHalf: f64, out: Float64Array): void {
  const e0 = unchecked(x[ie0]);
  let im = ie0;
  let last = ie0;
  for (let i = ie0; i < n && unchecked(x[i]) <= e0 + window; i++) {
    if (unchecked(y[i]) > unchecked(y[im])) im = i;
    last = i;
  }
  if (im == last) {
    // still rising at the end of the window: no peak to measure
    out[O_WL + 5] = 5;
    return;
  }
  const xm = unchecked(x[im]);
  let a = im;
  let b = im;
  while (a > 0 && unchecked(x[a - 1]) >= xm - fitHalf) a--;
  while (b < n - 1 && unchecked(x[b + 1]) <= xm + fitHalf) b++;
  if (b - a < 2) {
    a = max(im - 1, 0);
    b = min(im + 1, n - 1);
  }
  let pos = xm;
  let height = unchecked(y[im]);
  if (b - a >= 2) {
    // y ≈ c0 + c1 t + c2 t², t = x − xm: normal equations in centred t (a handful of points)
    let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, r0 = 0.0, r1 = 0.0, r2 = 0.0;
    for (let i = a; i <= b; i++) {
      const t = unchecked(x[i]) - xm;
      const t2 = t * t;
      const v = unchecked(y[i]);
      s0 += 1.0;
      s1 += t;
      s2 += t2;
      s3 += t2 * t;
      s4 += t2 * t2;
      r0 += v;
      r1 += v * t;
      r2 += v * t2;
    }
    // Cramer's rule on the 3×3 symmetric system
    const det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
    if (det != 0.0) {
      const c0 = (r0 * (s2 * s4 - s3 * s3) - s1 * (r1 * s4 - s3 * r2) + s2 * (r1 * s3 - s2 * r2)) / det;
      const c1 = (s0 * (r1 * s4 - r2 * s3) - r0 * (s1 * s4 - s3 * s2) + s2 * (s1 * r2 - r1 * s2)) / det;
      const c2 = (s0 * (s2 * r2 - s3 * r1) - s1 * (s1 * r2 - r1 * s2) + r0 * (s1 * s3 - s2 * s2)) / det;
      if (c2 < 0.0) {
        const tv = -c1 / (2.0 * c2);
        if (tv >= unchecked(x[a]) - xm && tv <= unchecked(x[b]) - xm) {
          pos = xm + tv;
          height = c0 + c1 * tv + c2 * tv * tv;
        }
      }
    }
  }
  out[O_WL] = pos;
  out[O_WL + 1] = height;
  if (!(unchecked(y[im]) > 1.0)) {
    out[O_WL + 2] = 0.0;
    out[O_WL + 5] = 3;
    return;
  }
  let l = im;
  while (l > 0 && unchecked(y[l - 1]) > 1.0) l--;
  let r = im;
  while (r < n - 1 && unchecked(y[r + 1]) > 1.0) r++;
  // [l, r] all above 1; the crossings lie in [l−1, l] and [r, r+1] when those exist
  const el = l > 0 ? unchecked(x[l - 1]) + crossT(y, l - 1, 1.0) * (unchecked(x[l]) - unchecked(x[l - 1])) : unchecked(x[l]);
  const er = r < n - 1 ? unchecked(x[r]) + crossT(y, r, 1.0) * (unchecked(x[r + 1]) - unchecked(x[r])) : unchecked(x[r]);
  let area = 0.0;
  if (l > 0) area += 0.5 * (unchecked(x[l]) - el) * (unchecked(y[l]) - 1.0);
  for (let i = l; i < r; i++) area += 0.5 * (unchecked(x[i + 1]) - unchecked(x[i])) * (unchecked(y[i]) + unchecked(y[i + 1]) - 2.0);
  if (r < n - 1) area += 0.5 * (er - unchecked(x[r])) * (unchecked(y[r]) - 1.0);
  out[O_WL + 2] = area;
  out[O_WL + 3] = el;
  out[O_WL + 4] = er;
  out[O_WL + 5] = l == 0 || r == n - 1 ? 4 : 0;
}

/** Gaussian-smoothed first and second derivatives of the interpolant of (x, y) at points e (for plots and tests): [D1..., D2...]. */
export function smoothDerivatives(x: Float64Array, y: Float64Array, e: Float64Array, sigma: f64): Float64Array {
  const n = x.length;
  const m = e.length;
  const out = new Float64Array(2 * m);
  const s = slopes(x, y, n);
  for (let k = 0; k < m; k++) {
    unchecked((out[k] = d1(x, s, n, e[k], sigma)));
    unchecked((out[m + k] = d2(x, s, n, e[k], sigma) / sigma));
  }
  return out;
}
