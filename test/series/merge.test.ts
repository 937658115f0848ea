// Merging repeated scans: Larch 0.9.58 merge_groups numbers (fixtures/series/reduce/larch_merge.json,
// made by make_reduce_reference.py) and analytic cases.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XafsError } from '../../src/errors.js';
import { mergeGroups } from '../../src/series/index.js';
import { loadOne } from '../../src/xanes/inputs.js';
import { fixture } from '../cli/helpers.js';

interface LarchMerge {
  file: string;
  groups: string[];
  options: { kind?: 'linear' | 'cubic' };
  npts: number;
  energy: number[];
  mu: number[];
  mu_std: number[];
}
const LARCH = JSON.parse(readFileSync(fixture('series/reduce/larch_merge.json'), 'utf8')) as { cases: Record<string, LarchMerge> };

/** |got − want| ≤ tol·max(|want|, floor) everywhere; reports the worst point. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, floor: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!) / Math.max(Math.abs(want[i]!), floor);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  if (!(worst <= tol)) expect.fail(`${what}[${at}] = ${got[at]}, Larch ${want[at]} (relative ${worst} > ${tol})`);
}

const smooth = (e: number) => 1 + Math.atan((e - 7112) / 2) / Math.PI + 0.1 * Math.sin(e / 7);

describe('mergeGroups: Larch merge_groups parity', () => {
  it.each(Object.keys(LARCH.cases))('%s: energy, mu and mu_std as Larch computes them', (name) => {
    const c = LARCH.cases[name]!;
    const all = loadOne(fixture(c.file));
    const scans = c.groups.map((g) => all.find((s) => s.name === g)!);
    const r = mergeGroups(scans, { kind: c.options.kind });
    expect(r.energy.length).toBe(c.npts);
    expect(Array.from(r.energy)).toEqual(c.energy);
    expectClose(r.mu, c.mu, 1e-14, 1e-300, 'mu');
    // the spread is a difference of nearly equal numbers: compare against the μ scale
    expectClose(r.muStd, c.mu_std, 1e-14, 1, 'mu_std');
    expect(r.kind).toBe(c.options.kind ?? 'cubic');
    expect(r.fallback).toBe(false);
  });

  it("keeps Larch's trim: the high end cut at the shortest scan (its last point excluded), the low end extrapolated", () => {
    const c = LARCH.cases.fe_qxafs_step!;
    const all = loadOne(fixture(c.file));
    const r = mergeGroups(c.groups.map((g) => all.find((s) => s.name === g)!));
    // master: the QXAFS scan (494 points, 7011.51–7655.14 eV); the step scan starts at 7012.00 eV
    expect(r.trimmed).toEqual({ low: 0, high: 1 });
    expect(r.extrapolated.map((x) => [x.below, x.above])).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(r.warnings).toEqual([
      `${fixture(c.file)}#Fe_foil_500msec_stepscan.001: 1 below its start (7012.00 eV) of the merged grid (7011.51–7651.48 eV) extrapolated, as Larch merge_groups does`,
    ]);
  });
});

describe('mergeGroups: analytic cases', () => {
  const grid = (start: number, step: number, n: number) => Float64Array.from({ length: n }, (_, i) => start + i * step);
  const scan = (energy: Float64Array, f: (e: number) => number, source?: string) => ({ energy, mu: energy.map(f), source });

  it('two identical scans give the scan itself and exactly zero std', () => {
    const e = grid(7000, 0.5, 400);
    const r = mergeGroups([scan(e, smooth), scan(e, smooth)]);
    expect(Array.from(r.mu)).toEqual(Array.from(e.slice(0, 399), smooth));
    expect(r.muStd.every((v) => v === 0)).toBe(true);
  });

  it('five identical scans give zero std (to rounding)', () => {
    const e = grid(7000, 0.5, 400);
    const r = mergeGroups(Array.from({ length: 5 }, () => scan(e, smooth)));
    for (const v of r.muStd) expect(v).toBeLessThan(1e-15);
  });

  it('scans δ apart give the midpoint and std δ/2', () => {
    const e = grid(7000, 0.5, 300);
    const r = mergeGroups([scan(e, smooth), scan(e, (x) => smooth(x) + 0.01)]);
    r.mu.forEach((v, i) => expect(v).toBeCloseTo(smooth(e[i]!) + 0.005, 14));
    r.muStd.forEach((v) => expect(v).toBeCloseTo(0.005, 14));
  });

  it('scans on different grids of one smooth function agree to the interpolation error', () => {
    const a = grid(7000, 0.5, 400);
    const b = grid(6995.13, 0.37, 560);
    const r = mergeGroups([scan(a, smooth), scan(b, smooth)]);
    r.mu.forEach((v, i) => expect(Math.abs(v - smooth(r.energy[i]!))).toBeLessThan(1e-5));
    expect(Math.max(...r.muStd)).toBeLessThan(1e-5);
  });

  it('uses the master scan given', () => {
    const a = grid(7000, 0.5, 400);
    const b = grid(6995.13, 0.37, 560);
    const r = mergeGroups([scan(a, smooth), scan(b, smooth)], { master: 1 });
    expect(r.master).toBe(1);
    expect(r.energy[0]).toBe(b[0]);
    // the low end is not trimmed: 14 points of b lie below a's start and are extrapolated from a
    expect(r.extrapolated[0]!.below).toBe(14);
  });

  it("falls back to linear interpolation by Larch's rule (max diff of the merge > 50·max diff of the master μ)", () => {
    // a falling master μ has max(diff) < 0, so any rising step of the merge trips Larch's test
    const e = grid(7000, 0.5, 200);
    const falling = (x: number) => 2 - (x - 7000) / 100;
    const rising = (x: number) => (x - 7000) / 100;
    const r = mergeGroups([scan(e, falling), scan(e, rising), scan(e, rising)]);
    const lin = mergeGroups([scan(e, falling), scan(e, rising), scan(e, rising)], { kind: 'linear' });
    expect(r.fallback).toBe(true);
    expect(r.kind).toBe('linear');
    expect(Array.from(r.mu)).toEqual(Array.from(lin.mu));
  });

  it('merges scans with repeated energies (separated as remove_dups does)', () => {
    const aps = loadOne(fixture('beamlines/APS10BM_2019.dat'), { mu: 'ln(io/it)' })[0]!;
    const r = mergeGroups([aps, aps]);
    expect(r.energy.length).toBe(aps.energy.length - 1);
    expect(r.muStd.every((v) => v === 0)).toBe(true);
  });

  it('refuses scans that do not overlap', () => {
    const a = scan(grid(7000, 1, 100), smooth, 'a.dat');
    const b = scan(grid(7200, 1, 100), smooth, 'b.dat');
    const call = () => mergeGroups([a, b]);
    expect(call).toThrow(XafsError);
    expect(call).toThrow('the scans do not overlap: a.dat ends at 7099.00 eV but b.dat starts at 7200.00 eV; merge repeated scans of the same edge');
  });

  it('refuses a single scan', () => {
    expect(() => mergeGroups([scan(grid(7000, 1, 100), smooth, 'a.dat')])).toThrow('merge needs at least 2 scans, got 1 (a.dat)');
  });
});
