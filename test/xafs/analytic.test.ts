// Analytic spectra whose answers are known without any reference program: an arctan edge with no
// EXAFS (findE0, preEdge), a single-shell χ(k) (xftf, xftr) and μ(E) built from both (autobk).
import { describe, expect, it } from 'vitest';
import { autobk, findE0, preEdge, xftf, xftr } from '../../src/xafs/index.js';
import { ETOK, KTOE, RSTEP } from '../../src/constants.js';
import { argmax, relL2 } from './helpers.js';

describe('(a) arctan edge μ(E) = a + b·E + step·(0.5 + atan((E−E0)/Γ)/π), no EXAFS', () => {
  const E0 = 8979.3; // between grid points 8979.0 and 8979.5: the nearest is 8979.5
  const gamma = 1.0;
  const step = 1.7;
  const a = 0.8;
  const b = -2.0e-5;
  const energy = Float64Array.from({ length: 2001 }, (_, i) => 8779 + 0.5 * i); // E0 − 200.3 … E0 + 799.7
  const mu = energy.map((e) => a + b * e + step * (0.5 + Math.atan((e - E0) / gamma) / Math.PI));

  it('findE0 returns the grid point nearest E0, which is also the point of largest central-difference slope', () => {
    const { e0, index } = findE0({ energy, mu });
    expect(e0).toBe(8979.5);
    expect(energy[index]).toBe(e0);
    let best = 1;
    const slope = (i: number) => (mu[i + 1] - mu[i - 1]) / (energy[i + 1] - energy[i - 1]);
    for (let i = 2; i < energy.length - 1; i++) if (slope(i) > slope(best)) best = i;
    expect(energy[best]).toBe(8979.5);
  });

  it('preEdge finds the same e0 and an edge step within 2 % of step', () => {
    const pe = preEdge({ energy, mu });
    expect(pe.e0).toBe(8979.5);
    expect(Math.abs(pe.edgeStep / step - 1)).toBeLessThan(0.02);
  });

  it('preEdge norm is ≈0 well below the edge and ≈1 well above it (within 0.02), flat within 0.002 of 1', () => {
    // the arctan tail tilts the fitted pre-edge line a little (≈ Γ/(π·ΔE²) per eV), hence 0.02
    const pe = preEdge({ energy, mu });
    for (let i = 0; i < energy.length; i++) {
      if (energy[i] <= E0 - 50) expect(Math.abs(pe.norm[i])).toBeLessThan(0.02);
      if (energy[i] >= E0 + 150) {
        expect(Math.abs(pe.norm[i] - 1)).toBeLessThan(0.02);
        expect(Math.abs(pe.flat[i] - 1)).toBeLessThan(0.002);
      }
    }
  });
});

// Single shell: χ(k) = A·sin(2kR + φ)·exp(−2σ²k²)/k², φ = 0, on the uniform grid k = 0.05·n.
const A = 1.2;
const R = 2.5;
const SIG2 = 0.004;
const shell = (k: number) => (k <= 0 ? 0 : (A * Math.sin(2 * k * R) * Math.exp(-2 * SIG2 * k * k)) / (k * k));

describe('(b) single shell χ(k) = A·sin(2kR)·exp(−2σ²k²)/k², R = 2.5 Å', () => {
  const k = Float64Array.from({ length: 400 }, (_, i) => 0.05 * i);
  const chi = k.map(shell);
  const ft = xftf({ k, chi }, { kmin: 3, kmax: 15, dk: 2, kweight: 2, window: 'hanning' });

  it('xftf(χ) |χ(R)| peaks within one R step (0.0307 Å, so within 0.05 Å) of R = 2.5 Å', () => {
    expect(ft.rstep).toBe(RSTEP);
    const ip = argmax(ft.chirMag);
    expect(Math.abs(ft.r[ip] - R)).toBeLessThanOrEqual(RSTEP);
    // a parabola through the three points around the maximum puts the peak on R itself
    const [y0, y1, y2] = [ft.chirMag[ip - 1], ft.chirMag[ip], ft.chirMag[ip + 1]];
    const rPeak = ft.r[ip] + (0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)) * ft.rstep;
    expect(Math.abs(rPeak - R)).toBeLessThan(0.005);
  });

  it('xftf peak height is (A/2√π)·∫W(k)·exp(−2σ²k²)dk within 2 % (the FT scale 1/√π and the e^{−2ikR} sign)', () => {
    // k²χ·W = A·W·e^{−2σ²k²}·sin(2kR); at R the e^{−2ikR} kernel leaves A/2·W·e^{−2σ²k²} plus a
    // term oscillating as e^{−4ikR}, which integrates to almost nothing.
    let integral = 0;
    for (let i = 0; i < ft.kwin.length; i++) integral += 0.05 * ft.kwin[i] * Math.exp(-2 * SIG2 * k[i] ** 2);
    const expected = (A / (2 * Math.sqrt(Math.PI))) * integral;
    const peak = ft.chirMag[argmax(ft.chirMag)];
    expect(Math.abs(peak / expected - 1)).toBeLessThan(0.02);
    // sign convention: at the peak χ(R) ≈ (A/2√π)∫… · (−i), i.e. Im < 0 and |Re| small
    const ir = Math.round(R / ft.rstep);
    expect(ft.chirIm[ir]).toBeLessThan(-0.9 * ft.chirMag[ir]);
  });

  it('xftr(xftf(χ)) with a wide R window (hanning 0–9.5 Å, dr = 0.5) returns Re χ(q) ≈ k²·χ·W(k) (relative L2 < 1e-3 where W > 0)', () => {
    const back = xftr(ft, { rmin: 0, rmax: 9.5, dr: 0.5, window: 'hanning' });
    expect(back.q.length).toBe(601);
    expect(back.q[1]).toBeCloseTo(0.05, 12);
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < ft.kwin.length; i++) {
      if (ft.kwin[i] > 0) {
        got.push(back.chiqRe[i]);
        want.push(k[i] ** 2 * chi[i] * ft.kwin[i]);
      }
    }
    expect(got.length).toBeGreaterThan(250);
    expect(relL2(got, want)).toBeLessThan(1e-3);
  });
});

describe('(c) synthetic μ(E) = smooth background + step·(1 + χ(k(E))) with the shell of (b)', () => {
  const E0 = 8980;
  const step = 1.3;
  // χ of (b) with a smooth turn-on below k ≈ 1.5 Å⁻¹ (the 1/k² shell diverges at k = 0); the
  // turn-on changes χ by < 3e-8 relative over 3–12 Å⁻¹
  const chiTrue = (k: number) => (1 - Math.exp(-((k / 1.5) ** 4))) * shell(k);
  const e: number[] = [];
  for (let x = E0 - 200; x < E0 - 20; x += 5) e.push(x);
  for (let x = E0 - 20; x < E0 + 30; x += 0.5) e.push(x); // E0 itself is a grid point
  for (let kk = Math.ceil(Math.sqrt(30 * ETOK) / 0.05) * 0.05; kk <= 16.0001; kk += 0.05) e.push(E0 + kk * kk * KTOE);
  const energy = Float64Array.from(e);
  const mu = energy.map((x) => {
    const d = x - E0;
    const k = d > 0 ? Math.sqrt(ETOK * d) : 0;
    const edge = 0.5 + Math.atan(d / 1.0) / Math.PI;
    // pre-edge line, an arctan edge whose atomic background falls 6 % per keV, and the EXAFS
    return 0.8 - 2e-5 * x + step * edge * (1 - 6e-5 * Math.max(d, 0)) + step * chiTrue(k);
  });

  it('autobk (rbkg = 1, kweight = 2) finds e0 = 8980 eV and recovers χ(k) over 3–12 Å⁻¹ within 3 % (relative L2)', () => {
    const bk = autobk({ energy, mu }, { rbkg: 1, kweight: 2 });
    expect(bk.e0).toBe(E0);
    expect(Math.abs(bk.edgeStep / step - 1)).toBeLessThan(0.01);
    expect(bk.k[1]).toBe(0.05);
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < bk.k.length; i++) {
      if (bk.k[i] >= 3 - 1e-9 && bk.k[i] <= 12 + 1e-9) {
        got.push(bk.chi[i]);
        want.push(chiTrue(bk.k[i]));
      }
    }
    expect(got.length).toBe(181);
    expect(relL2(got, want)).toBeLessThan(0.03);
  });

  it('autobk removes the background: the recovered χ has no |χ(R)| peak below rbkg, and its main peak is at R', () => {
    const bk = autobk({ energy, mu }, { rbkg: 1, kweight: 2 });
    const ft = xftf(bk, { kmin: 3, kmax: 12, dk: 1, kweight: 2, window: 'hanning' });
    const ip = argmax(ft.chirMag);
    expect(Math.abs(ft.r[ip] - R)).toBeLessThanOrEqual(RSTEP);
    const ref = xftf({ k: bk.k, chi: bk.k.map(chiTrue) }, { kmin: 3, kmax: 12, dk: 1, kweight: 2, window: 'hanning' });
    const lowR = (g: typeof ft) => g.chirMag.filter((_, i) => g.r[i] < 1);
    expect(relL2(ft.chirMag, ref.chirMag)).toBeLessThan(0.03);
    expect(Math.max(...lowR(ft))).toBeLessThan(0.1 * ft.chirMag[ip]);
  });
});

describe('index helpers', () => {
  it('indexNearestSorted agrees with index_nearest (argmin, first on a tie) on sorted arrays', async () => {
    const { indexNearest, indexNearestSorted } = await import('../../src/xafs/util.js');
    const arrays = [
      [0, 1, 2, 3, 4],
      [0, 1, 1, 1, 2, 5, 5],
      [-0.3, 0, 0.25, 0.5, 0.5, 0.75, 10],
      [3],
    ];
    for (const a of arrays) {
      for (let v = -1; v <= 11; v += 0.125) expect(indexNearestSorted(a, v)).toBe(indexNearest(a, v));
    }
  });
});
