// Unweighted polynomial least squares on the absolute abscissa (numpy.polyfit semantics), solved
// on centred and scaled abscissae by QR: raw normal equations in E (E^2 ~ 8e7) are ill-conditioned.
import { lstsqInPlace } from './linalg';

/** Fit y[p1:p2) against x[p1:p2) with a polynomial of degree deg; ascending absolute coefficients. */
export function polyfitRange(x: Float64Array, y: Float64Array, p1: i32, p2: i32, deg: i32): Float64Array {
  const m = p2 - p1;
  const nc = deg + 1;
  const coef = new Float64Array(nc);
  if (m <= 0) return coef;
  let xm = 0.0;
  for (let i = p1; i < p2; i++) xm += unchecked(x[i]);
  xm /= <f64>m;
  let xs = 0.0;
  for (let i = p1; i < p2; i++) xs = Math.max(xs, Math.abs(unchecked(x[i]) - xm));
  if (xs == 0.0) xs = 1.0;
  const A = new Float64Array(m * nc);
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const u = (unchecked(x[p1 + i]) - xm) / xs;
    let p = 1.0;
    for (let j = 0; j < nc; j++) {
      unchecked((A[i * nc + j] = p));
      p *= u;
    }
    unchecked((b[i] = y[p1 + i]));
  }
  const a = lstsqInPlace(A, b, m, nc);
  // expand sum_k a_k ((x - xm)/xs)^k into powers of x
  for (let k = 0; k < nc; k++) {
    const ak = unchecked(a[k]) / Math.pow(xs, <f64>k);
    let binom = 1.0; // C(k, j)
    for (let j = 0; j <= k; j++) {
      unchecked((coef[j] += ak * binom * Math.pow(-xm, <f64>(k - j))));
      binom = (binom * <f64>(k - j)) / <f64>(j + 1);
    }
  }
  return coef;
}

export function polyfit(x: Float64Array, y: Float64Array, deg: i32): Float64Array {
  return polyfitRange(x, y, 0, x.length, deg);
}
