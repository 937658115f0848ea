// The fitting part of Larch 0.9.58 pre_edge (docs/conventions.md §1.2, steps 8-13) in one kernel;
// the range rules (half-to-even rounding, index_of/index_nearest) are resolved by the caller.
import { polyfitRange } from './polyfit';
import { gradIdx } from './edge';

/**
 * e: de-duplicated energy; e0rig: the energy as given (flat and dmude use it, as Larch does);
 * [p1, p2): pre-edge fit points; [q1, q2): post-edge fit points; [f1, f2): flat fit points;
 * ie0/fie0: e0's index in e / e0rig; step: NaN for automatic.
 * Returns [slope, offset, edgeStep, c_0..c_nnorm, norm, flat, preLine, postEdge, dmude, d2mude] (n each).
 */
export function preEdgeFit(e: Float64Array, eOrig: Float64Array, mu: Float64Array, ie0: i32, p1: i32, p2: i32, q1: i32, q2: i32, nnorm: i32, nvict: f64, step: f64, f1: i32, f2: i32, fie0: i32, makeFlat: bool): Float64Array {
  const n = e.length;
  // the result arrays are computed in place in the output (no copies): norm, flat, pre, post, d1, d2
  const out = new Float64Array(3 + (nnorm + 1) + 6 * n);
  const o0 = 4 + nnorm;
  const norm = out.subarray(o0, o0 + n);
  const flat = out.subarray(o0 + n, o0 + 2 * n);
  const pre = out.subarray(o0 + 2 * n, o0 + 3 * n);
  const post = out.subarray(o0 + 3 * n, o0 + 4 * n);
  const d1 = out.subarray(o0 + 4 * n, o0 + 5 * n);
  const d2 = out.subarray(o0 + 5 * n, o0 + 6 * n);
  // omu (the pre-edge fit's y), then reused for μ − pre (the post-edge fit's y)
  const work = new Float64Array(n);
  if (nvict == 0.0) {
    for (let i = 0; i < n; i++) unchecked((work[i] = mu[i]));
  } else {
    for (let i = 0; i < n; i++) unchecked((work[i] = mu[i] * Math.pow(e[i], nvict)));
  }
  const pc = polyfitRange(e, work, p1, p2, 1);
  const offset = unchecked(pc[0]);
  const slope = unchecked(pc[1]);
  if (nvict == 0.0) {
    for (let i = 0; i < n; i++) unchecked((pre[i] = slope * e[i] + offset));
  } else {
    for (let i = 0; i < n; i++) {
      const ei = unchecked(e[i]);
      unchecked((pre[i] = (slope * ei + offset) * Math.pow(ei, -nvict)));
    }
  }
  for (let i = 0; i < n; i++) unchecked((work[i] = mu[i] - pre[i]));
  const nc = polyfitRange(e, work, q1, q2, nnorm);
  // post = pre + Σ_j c_j·e^j, the powers by repeated products and the terms added in j order
  for (let i = 0; i < n; i++) {
    const ei = unchecked(e[i]);
    let acc = unchecked(pre[i]);
    for (let j = 0; j <= nnorm; j++) {
      let p: f64 = 1.0;
      for (let q = 0; q < j; q++) p *= ei;
      acc += unchecked(nc[j]) * p;
    }
    unchecked((post[i] = acc));
  }
  let edgeStep = isNaN(step) ? unchecked(post[ie0]) - unchecked(pre[ie0]) : step;
  edgeStep = Math.abs(edgeStep);
  for (let i = 0; i < n; i++) unchecked((norm[i] = (mu[i] - pre[i]) / edgeStep));
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
  // the de-duplicated energy is identical elsewhere and keeps dmude finite there.
  // d1 = deriv(e, mu), d2 = deriv(e, d1), sharing gradient(e)
  const gx = work;
  gradIdx(e, n, gx);
  gradIdx(mu, n, d1);
  for (let i = 0; i < n; i++) unchecked((d1[i] = d1[i] / gx[i]));
  gradIdx(d1, n, d2);
  for (let i = 0; i < n; i++) unchecked((d2[i] = d2[i] / gx[i]));
  unchecked((out[0] = slope));
  unchecked((out[1] = offset));
  unchecked((out[2] = edgeStep));
  for (let j = 0; j <= nnorm; j++) unchecked((out[3 + j] = nc[j]));
  return out;
}
