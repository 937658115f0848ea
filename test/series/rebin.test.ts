// Rebinning quick-EXAFS data: Larch 0.9.58 rebin_xafs numbers (fixtures/series/reduce/larch_rebin.json:
// an MRCAT continuous scan with 3464 points, its reference channel, and a QXAFS Athena group) and
// analytic cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { rebinXafs, type RebinOptions } from '../../src/series/index.js';
import { loadOne } from '../../src/xanes/inputs.js';
import { fixture } from '../cli/helpers.js';

interface LarchRebin {
  file: string;
  group?: string;
  mu_expr?: string;
  e0: number;
  options: { method?: 'centroid' | 'boxcar'; pre_step?: number; xanes_step?: number; exafs_kstep?: number; exafs1?: number };
  npts: number;
  energy: number[];
  mu: (number | null)[];
  delta_mu: (number | null)[];
}
const LARCH = JSON.parse(readFileSync(fixture('series/reduce/larch_rebin.json'), 'utf8')) as { cases: Record<string, LarchRebin> };

/** Linear interpolation of (x, y) at v, x ascending (an independent numpy.interp). */
function linear(x: Float64Array, y: Float64Array, v: number): number {
  let j = 0;
  while (j < x.length - 2 && x[j + 1]! <= v) j++;
  return y[j]! + ((y[j + 1]! - y[j]!) * (v - x[j]!)) / (x[j + 1]! - x[j]!);
}

function load(c: LarchRebin) {
  return c.group ? loadOne(fixture(c.file), { group: c.group })[0]! : loadOne(fixture(c.file), { mu: c.mu_expr })[0]!;
}

function options(c: LarchRebin): RebinOptions {
  const o = c.options;
  return { method: o.method, preStep: o.pre_step, xanesStep: o.xanes_step, exafsKstep: o.exafs_kstep, exafs1: o.exafs1 };
}

describe('rebinXafs: Larch rebin_xafs parity', () => {
  it.each(Object.keys(LARCH.cases))('%s: grid, μ and delta_mu as Larch computes them', (name) => {
    const c = LARCH.cases[name]!;
    const s = load(c);
    const r = rebinXafs(s, { ...options(c), e0: c.e0 });
    expect(r.energy.length).toBe(c.npts);
    // the grid is built with Larch's arithmetic (linspace, etok = sqrt(E/KTOE)): identical
    expect(Array.from(r.energy)).toEqual(c.energy);
    let nan = 0;
    for (let i = 0; i < c.npts; i++) {
      const m = c.mu[i]!;
      if (m === null) {
        // Larch's NaN (the grid point outside the 1-2 points of its bin): linear interpolation over all the data
        nan++;
        expect(r.mu[i]).toBeCloseTo(linear(s.energy, s.mu, r.energy[i]!), 14);
        continue;
      }
      if (!(Math.abs(r.mu[i]! - m) <= 1e-14 * Math.abs(m))) expect.fail(`mu[${i}] = ${r.mu[i]}, Larch ${m}`);
      const d = c.delta_mu[i];
      // an empty bin: Larch's std of no points is NaN (null in the JSON)
      if (d === null) expect(r.deltaMu[i]).toBeNaN();
      // μ itself differs from Larch's by an ulp (log); the bins' spread is 1e-4 of μ
      else if (!(Math.abs(r.deltaMu[i]! - d) <= 1e-14 * Math.abs(m))) expect.fail(`deltaMu[${i}] = ${r.deltaMu[i]}, Larch ${d}`);
    }
    expect(r.filledBins).toBe(nan);
  });

  it('finds the e0 Larch uses (find_e0) when none is given', () => {
    for (const c of Object.values(LARCH.cases)) expect(rebinXafs(load(c), options(c)).e0).toBe(c.e0);
  });

  it('puts every input point but the last in exactly one bin (Larch: the last bin ends at n − 1)', () => {
    const c = LARCH.cases.aps10bm_centroid!;
    const s = load(c);
    const r = rebinXafs(s, { e0: c.e0 });
    expect(r.counts.reduce((a, b) => a + b, 0)).toBe(s.energy.length - 1);
    expect(r.emptyBins).toBe(0);
    expect(r.warnings).toEqual([]);
    expect(r.grid).toEqual({ pre1: -166, pre2: -30, preStep: 2, xanesStep: 0.4, xanesStepData: 0.4, exafs1: 15, exafs2: 1044.3783999999996, exafsKstep: 0.05, method: 'centroid' });
    expect(r.grid.exafs2).toBeCloseTo(s.energy[s.energy.length - 1]! - c.e0, 9);
    expect(r.segments.map((x) => [x.name, x.npts])).toEqual([
      ['pre-edge', 68],
      ['xanes', 112],
      ['exafs', 291],
    ]);
  });

  it('reports empty bins (interpolated μ, undefined delta_mu) and the bins Larch leaves NaN', () => {
    const c = LARCH.cases.fe_pindiode!;
    const r = rebinXafs(load(c), { e0: c.e0, preStep: 3 });
    expect(r.emptyBins).toBe(38);
    expect(r.filledBins).toBe(1);
    const src = `${fixture(c.file)}#Fe_foil_500msec_qxafs_PinDiode.001`;
    expect(r.warnings).toEqual([
      `${src}: 1 bin (first at 7080.65 eV) falls outside the 1–2 points Larch's rebin_xafs interpolates between, where Larch gives NaN: μ interpolated linearly over all the data instead`,
      `${src}: 38 of 181 bins hold no data point (first at 7081.30 eV): their μ is interpolated and their delta_mu undefined (null in --json, NaN in files); a coarser --pre-step, --xanes-step or --exafs-kstep avoids them`,
    ]);
  });

  it('raises a --xanes-step below the data step to it, with a warning', () => {
    const c = LARCH.cases.aps10bm_centroid!;
    const r = rebinXafs(load(c), { e0: c.e0, xanesStep: 0.1 });
    expect(r.grid.xanesStep).toBe(0.4);
    expect(r.warnings[0]).toContain('--xanes-step 0.1 eV raised to 0.400 eV');
  });
});

describe('rebinXafs: analytic cases', () => {
  const n = 6000;
  const energy = Float64Array.from({ length: n }, (_, i) => 8800 + i * 0.1);
  const edge = (e: number) => 1 + Math.atan((e - 8979) / 2) / Math.PI;

  it.each(['centroid', 'boxcar'] as const)('a constant μ stays constant with zero spread (%s)', (method) => {
    const r = rebinXafs({ energy, mu: energy.map(() => 0.75) }, { e0: 8979, method });
    r.mu.forEach((v) => expect(v).toBeCloseTo(0.75, 14));
    r.deltaMu.forEach((v) => expect(v).toBeCloseTo(0, 14));
  });

  it('a boxcar bin of a straight line is the line at the bin centre', () => {
    const line = (e: number) => 0.2 + 1e-4 * (e - 8800);
    const r = rebinXafs({ energy, mu: energy.map(line) }, { e0: 8979, method: 'boxcar' });
    const s = { energy, mu: energy.map(line) };
    // reconstruct the bins from the counts: each bin's mean energy maps onto the line
    let j = 0;
    for (let i = 0; i < r.energy.length; i++) {
      const c = r.counts[i]!;
      if (c >= 3) {
        let se = 0;
        for (let k = j; k < j + c; k++) se += s.energy[k]!;
        expect(r.mu[i]).toBeCloseTo(line(se / c), 12);
      }
      j += c;
    }
  });

  it('follows a smooth edge to the bin width', () => {
    const r = rebinXafs({ energy, mu: energy.map(edge) }, { e0: 8979 });
    r.energy.forEach((e, i) => expect(Math.abs(r.mu[i]! - edge(e))).toBeLessThan(0.02));
  });

  it('refuses a grid finer than the data (a segment with more grid points than data points)', () => {
    const s = loadOne(fixture('spectra/cu_metal_rt.xdi'), { mu: 'mutrans' })[0]!;
    const call = () => rebinXafs(s, { exafsKstep: 0.02 });
    expect(call).toThrow(XafsError);
    expect(call).toThrow(
      `${fixture('spectra/cu_metal_rt.xdi')}: the rebin grid is finer than the data: pre-edge 85 grid points for 17 data points, exafs 775 grid points for 316 data points (e0 = 8980.50 eV); pass a larger --pre-step, --exafs-kstep`,
    );
    // Larch's default 2 eV pre-edge grid on a 10 eV step scan
    expect(() => rebinXafs(s)).toThrow(
      `${fixture('spectra/cu_metal_rt.xdi')}: the rebin grid is finer than the data: pre-edge 85 grid points for 17 data points (e0 = 8980.50 eV); pass a larger --pre-step`,
    );
  });

  it('refuses an e0 outside the data and segments out of order', () => {
    const s = { energy, mu: energy.map(edge), source: 's' };
    expect(() => rebinXafs(s, { e0: 7000 })).toThrow('s: e0 = 7000 eV is outside the data (8800.00–9399.90 eV)');
    expect(() => rebinXafs(s, { e0: 8979, pre2: 20 })).toThrow(
      's: the rebin segments must increase: pre1 -178.00 < pre2 20.00 < exafs1 15.00 < exafs2 420.90 eV from e0 = 8979.00 eV is not true; check --e0 and the ranges',
    );
  });
});
