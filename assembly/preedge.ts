// The fitting part of Larch 0.9.58 pre_edge (larch-conventions §1.2, steps 8-13) in one kernel;
// the range rules (half-to-even rounding, index_of/index_nearest) are resolved by the caller.
import { polyfitRange } from './polyfit';
import { deriv } from './edge';

/**
 * e: de-duplicated energy; e0rig: the energy as given (flat and dmude use it, as Larch does);
 * [p1, p2): pre-edge fit points; [q1, q2): post-edge fit points; [f1, f2): flat fit points;
 * ie0/fie0: e0's index in e / e0rig; step: NaN for automatic.
 * Returns [slope, offset, edgeStep, c_0..c_nnorm, norm, flat, preLine, postEdge, dmude, d2mude] (n each).
 */
export function preEdgeFit(e: Float64Array, eOrig: Float64Array, mu: Float64Array, ie0: i32, p1: i32, p2: i32, q1: i32, q2: i32, nnorm: i32, nvict: f64, step: f64, f1: i32, f2: i32, fie0: i32, makeFlat: bool): Float64Array {
  const n = e.length;
  const omu = new Float64Array(n);
  for (let i = 0; i < n; i++) unchecked((omu[i] = nvict == 0.0 ? mu[i] : mu[i] * Math.pow(e[i], nvict)));
  const pc = polyfitRange(e, omu, p1, p2, 1);
  const offset = unchecked(pc[0]);
  const slope = unchecked(pc[1]);
  const pre = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ei = unchecked(e[i]);
    unchecked((pre[i] = nvict == 0.0 ? slope * ei + offset : (slope * ei + offset) * Math.pow(ei, -nvict)));
  }
  const presub = new Float64Array(n);
  for (let i = 0; i < n; i++) unchecked((presub[i] = mu[i] - pre[i]));
  const nc = polyfitRange(e, presub, q1, q2, nnorm);
  const post = new Float64Array(n);
  for (let i = 0; i < n; i++) unchecked((post[i] = pre[i]));
  for (let j = 0; j <= nnorm; j++) {
    const c = unchecked(nc[j]);
    for (let i = 0; i < n; i++) {
      const ei = unchecked(e[i]);
      let p: f64 = 1.0;
      for (let q = 0; q < j; q++) p *= ei;
      unchecked((post[i] += c * p));
    }
  }
  let edgeStep = isNaN(step) ? unchecked(post[ie0]) - unchecked(pre[ie0]) : step;
  edgeStep = Math.abs(edgeStep);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) unchecked((norm[i] = (mu[i] - pre[i]) / edgeStep));
  const flat = new Float64Array(n);
  for (let i = 0; i < n; i++) unchecked((flat[i] = norm[i]));
  if (makeFlat && f2 - f1 > 4) {
    const deg = nnorm < 2 ? nnorm : 2;
    const fc = polyfitRange(eOrig, norm, f1, f2, deg);
    const c0 = unchecked(fc[0]);
    const c1 = deg >= 1 ? unchecked(fc[1]) : 0.0;
    const c2 = deg >= 2 ? unchecked(fc[2]) : 0.0;
    const x0 = unchecked(eOrig[fie0]);
    const ref = c0 + x0 * (c1 + x0 * c2);
    for (let i = fie0; i < n; i++) {
      const x = unchecked(eOrig[i]);
      unchecked((flat[i] = norm[i] - (c0 + x * (c1 + x * c2) - ref)));
    }
  }
  // Larch differentiates against the energy as given, which gives inf/NaN at a repeated energy;
  // the de-duplicated energy is identical elsewhere and keeps dmude finite there
  const d1 = deriv(e, mu);
  const d2 = deriv(e, d1);
  const out = new Float64Array(3 + (nnorm + 1) + 6 * n);
  unchecked((out[0] = slope));
  unchecked((out[1] = offset));
  unchecked((out[2] = edgeStep));
  for (let j = 0; j <= nnorm; j++) unchecked((out[3 + j] = nc[j]));
  let o = 4 + nnorm;
  for (let i = 0; i < n; i++) unchecked((out[o + i] = norm[i]));
  o += n;
  for (let i = 0; i < n; i++) unchecked((out[o + i] = flat[i]));
  o += n;
  for (let i = 0; i < n; i++) unchecked((out[o + i] = pre[i]));
  o += n;
  for (let i = 0; i < n; i++) unchecked((out[o + i] = post[i]));
  o += n;
  for (let i = 0; i < n; i++) unchecked((out[o + i] = d1[i]));
  o += n;
  for (let i = 0; i < n; i++) unchecked((out[o + i] = d2[i]));
  return out;
}
