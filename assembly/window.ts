// Larch 0.9.58 ftwindow (docs/conventions.md §3.1): the index arithmetic assumes a uniform grid
// starting at 0 and snaps the nominal taper points to grid points.
import { itrunc } from './util';

export const WIN_HANNING = 0;
export const WIN_FHANNING = 1;
export const WIN_GAUSSIAN = 2;
export const WIN_KAISER = 3;
export const WIN_PARZEN = 4;
export const WIN_WELCH = 5;
export const WIN_SINE = 6;
export const WIN_BESSEL = 7;

/** Modified Bessel function I0 by its power series (all terms positive: no cancellation). */
export function besselI0(x: f64): f64 {
  const q = 0.25 * x * x;
  let term = 1.0;
  let sum = 1.0;
  for (let k = 1; k < 500; k++) {
    term *= q / (<f64>k * <f64>k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function clampI(i: i32, n: i32): i32 {
  return i < 0 ? 0 : i > n - 1 ? n - 1 : i;
}

/** The window on grid x (uniform from 0). dx2 < 0 means dx2 = dx. */
export function ftwindow(x: Float64Array, xmin: f64, xmax: f64, dx: f64, dx2in: f64, code: i32): Float64Array {
  const n = x.length;
  const w = new Float64Array(n);
  if (n < 2) return w;
  let dx2 = dx2in < 0 ? dx : dx2in;
  const xlo = x[0];
  const xhi = x[n - 1];
  const xstep = (xhi - xlo) / <f64>(n - 1);
  const eps = 1e-4 * xstep;
  let x1 = Math.max(xlo, xmin - dx / 2.0);
  let x2 = xmin + dx / 2.0 + eps;
  let x3 = xmax - dx2 / 2.0 - eps;
  let x4 = Math.min(xhi, xmax + dx2 / 2.0);
  let dxw = dx;
  if (code == WIN_FHANNING) {
    dxw = Math.max(dx, 0.0);
    dx2 = Math.min(dx2, 1.0);
    x2 = x1 + eps + (dxw * (xmax - xmin)) / 2.0;
    x3 = x4 - eps - (dx2 * (xmax - xmin)) / 2.0;
  } else if (code == WIN_GAUSSIAN) {
    dxw = Math.max(dx, eps);
  }
  let i1 = itrunc((x1 + eps) / xstep);
  let i2 = itrunc((x2 + eps) / xstep);
  let i3 = itrunc((x3 + eps) / xstep);
  let i4 = itrunc((x4 + eps) / xstep);
  if (i1 < 0) i1 = 0;
  if (i2 < 0) i2 = 0;
  if (i3 > n - 1) i3 = n - 1;
  if (i4 > n - 1) i4 = n - 1;
  if (i2 == i1) i1 = i2 - 1 > 0 ? i2 - 1 : 0;
  if (i4 == i3) i3 = i4 - 1 > i2 ? i4 - 1 : i2;
  // indices can only leave the grid in degenerate requests; keep reads in bounds
  i1 = clampI(i1, n);
  i2 = clampI(i2, n);
  i3 = clampI(i3, n);
  i4 = clampI(i4, n);
  x1 = x[i1];
  x2 = x[i2];
  x3 = x[i3];
  x4 = x[i4];
  if (x1 == x2) x2 += eps;
  if (x3 == x4) x4 += eps;

  if (code == WIN_HANNING || code == WIN_FHANNING || code == WIN_PARZEN || code == WIN_WELCH) {
    for (let i = i2; i < i3; i++) unchecked((w[i] = 1.0));
    const hp = Math.PI / 2.0;
    for (let i = i1; i <= i2; i++) {
      const xi = unchecked(x[i]);
      let v: f64;
      if (code == WIN_PARZEN) v = (xi - x1) / (x2 - x1);
      else if (code == WIN_WELCH) {
        const t = (xi - x2) / (x2 - x1);
        v = 1.0 - t * t;
      } else {
        const s = Math.sin((hp * (xi - x1)) / (x2 - x1));
        v = s * s;
      }
      unchecked((w[i] = v));
    }
    for (let i = i3; i <= i4; i++) {
      const xi = unchecked(x[i]);
      let v: f64;
      if (code == WIN_PARZEN) v = 1.0 - (xi - x3) / (x4 - x3);
      else if (code == WIN_WELCH) {
        const t = (xi - x3) / (x4 - x3);
        v = 1.0 - t * t;
      } else {
        const c = Math.cos((hp * (xi - x3)) / (x4 - x3));
        v = c * c;
      }
      unchecked((w[i] = v));
    }
  } else if (code == WIN_SINE) {
    for (let i = i1; i <= i4; i++) unchecked((w[i] = Math.sin((Math.PI * (x4 - x[i])) / (x4 - x1))));
  } else if (code == WIN_KAISER || code == WIN_BESSEL) {
    const c = (x1 + x4) / 2.0;
    const h = (x4 - x1) / 2.0;
    const i0dx = besselI0(dxw);
    const den = Math.max(1e-10, i0dx - 1.0);
    for (let i = 0; i < n; i++) {
      const xi = unchecked(x[i]);
      const t = (xi - c) / h;
      const a = Math.max(0.0, 1.0 - t * t);
      if (code == WIN_KAISER) unchecked((w[i] = (besselI0(dxw * Math.sqrt(a)) - 1.0) / den));
      else unchecked((w[i] = xi > x1 && xi < x4 ? besselI0(dxw * Math.sqrt(a)) / i0dx : 0.0));
    }
  } else if (code == WIN_GAUSSIAN) {
    const c = (x1 + x4) / 2.0;
    for (let i = 0; i < n; i++) {
      const d = unchecked(x[i]) - c;
      unchecked((w[i] = Math.exp((-d * d) / (2.0 * dxw * dxw))));
    }
  }
  return w;
}
