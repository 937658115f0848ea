// `xafs lcf`, `xafs pca`, `xafs mcr` in-process: the contract's JSON fields, the truth of the
// synthetic series (fixtures/series, fixtures/xanes/lcf/fe3_*), Larch 0.9.58's numbers for
// cyanobacteria.prj (Appendix A), text output, and every bad input with its message and exit 2.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoStack, expectRefused, fixture, tempDir, xafs, type Temp } from './helpers.js';

const SERIES = fixture('series/fe_series.dat');
const FEO = fixture('series/fe_ref_FeO.xdi');
const FE2O3 = fixture('series/fe_ref_Fe2O3.xdi');
const SERIES3 = fixture('xanes/lcf/fe3_series.dat');
const FOIL = fixture('xanes/lcf/fe3_ref_foil.xdi');
const PRJ = fixture('athena/cyanobacteria.prj');
const APPENDIX = ['--pre1', '-150', '--pre2', '-30', '--nnorm', '1', '--norm1', '150', '--norm2', '850'];
const STDS2 = ['--standard', `${FEO}=FeO`, '--standard', `${FE2O3}=Fe2O3`];

type Truth = { spectra: { fractions: Record<string, number> }[] };
const truth2: Truth = JSON.parse(readFileSync(fixture('series/fe_series_truth.json'), 'utf8'));
const truth3: Truth = JSON.parse(readFileSync(fixture('xanes/lcf/fe3_series_truth.json'), 'utf8'));

type Value = { value: number; stderr: number | null };
type Sample = { source: string; name: string; weights: Record<string, Value>; fractions: Record<string, Value>; sum: number; rfactor: number; chi2Reduced: number; combinations?: { standards: string[]; chi2Reduced: number }[] };

function json<T = Record<string, unknown>>(r: { code: number; out: string; err: string }): T {
  expect(r.err, r.err).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as T;
}

let tmp: Temp;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.remove());

describe('xafs lcf', () => {
  it('the Fe series: the contract fields, and every fraction within 0.01 of the truth', async () => {
    const doc = json<{ samples: Sample[]; standards: { name: string }[] }>(await xafs('lcf', SERIES, ...STDS2, '--sum-to-one', '--eshift', 'common', '--json'));
    expect(doc.standards.map((s) => s.name)).toEqual(['FeO', 'Fe2O3']);
    expect(doc.samples).toHaveLength(200);
    doc.samples.forEach((s, i) => {
      expect(s.source).toBe(`${SERIES}#s${String(i).padStart(4, '0')}`);
      expect(Object.keys(s.weights)).toEqual(['FeO', 'Fe2O3']);
      for (const w of Object.values(s.weights)) {
        expect(typeof w.value).toBe('number');
        expect(typeof w.stderr).toBe('number');
      }
      expect(s.sum).toBeCloseTo(1, 12);
      expect(s.rfactor).toBeGreaterThan(0);
      expect(s.chi2Reduced).toBeGreaterThan(0);
      for (const [n, f] of Object.entries(truth2.spectra[i]!.fractions)) {
        expect(Math.abs(s.fractions[n]!.value - f), `${s.name} ${n}`).toBeLessThan(0.01);
        expect(Math.abs(s.weights[n]!.value - f), `${s.name} ${n}`).toBeLessThan(0.01);
      }
    });
  });

  it('the three-reference series with a shift per standard: every fraction within 0.01', async () => {
    const doc = json<{ samples: Sample[] }>(await xafs('lcf', SERIES3, ...STDS2, '--standard', FOIL, '--sum-to-one', '--eshift', '--json'));
    expect(doc.samples).toHaveLength(40);
    doc.samples.forEach((s, i) => {
      const t = truth3.spectra[i]!.fractions;
      expect(Math.abs(s.fractions.FeO!.value - t.FeO!)).toBeLessThan(0.01);
      expect(Math.abs(s.fractions.Fe2O3!.value - t.Fe2O3!)).toBeLessThan(0.01);
      // a standard named by its file name
      expect(Math.abs(s.fractions.fe3_ref_foil!.value - t.Fe_foil!)).toBeLessThan(0.01);
    });
  });

  it('--combinations ranks every subset; the text table shows weights, sum, R-factor and χ²ν', async () => {
    const doc = json<{ samples: Sample[] }>(await xafs('lcf', `${SERIES3}#m05`, ...STDS2, '--standard', `${FOIL}=foil`, '--sum-to-one', '--eshift', 'common', '--combinations', '2', '--json'));
    const c = doc.samples[0]!.combinations!;
    expect(c).toHaveLength(6);
    expect(c.map((x) => x.chi2Reduced)).toEqual([...c.map((x) => x.chi2Reduced)].sort((a, b) => a - b));
    expect(doc.samples[0]!.chi2Reduced).toBe(c[0]!.chi2Reduced);
    const text = await xafs('lcf', `${SERIES}#s0100`, ...STDS2, '--sum-to-one', '--eshift', 'common');
    expect(text.code).toBe(0);
    expect(text.err).toBe('');
    const lines = text.out.split('\n');
    expect(lines[0]).toMatch(/^sample\s+FeO\s+Fe2O3\s+sum\s+R-factor\s+χ²ν$/);
    expect(lines[1]).toMatch(/^s0100\s+0\.\d{3} ± 0\.\d{3}\s+0\.\d{3} ± 0\.\d{3}\s+1\.000\s/);
    expect(text.out).toContain('LCF of norm over e0 −40 to +110 eV; weights ≥ 0 (NNLS), summing to one, one common energy shift; ± one standard error.');
  });

  it('--larch reproduces lincombo_fit on cyanobacteria.prj (Appendix A)', async () => {
    const doc = json<{ mode: string; samples: (Sample & { npts: number; nvarys: number; weightsLstsq: Record<string, number> })[] }>(
      await xafs('lcf', `${PRJ}#720`, '--standard', `${PRJ}#Au foil`, '--standard', `${PRJ}#Au3 Cl aq`, '--standard', `${PRJ}#Au hydroxide`, '--larch', '--xmin', '11870', '--xmax', '12030', ...APPENDIX, '--json'),
    );
    expect(doc.mode).toBe('larch');
    const s = doc.samples[0]!;
    expect(['Au foil', 'Au3 Cl aq', 'Au hydroxide'].map((n) => Number(s.weights[n]!.value.toFixed(8)))).toEqual([0.76332296, 0.17122112, 0.06545592]);
    expect(s.npts).toBe(160);
    expect(s.nvarys).toBe(2);
    expect(Number(s.chi2Reduced.toPrecision(8))).toBe(6.8389124e-5);
    expect(Number(s.rfactor.toPrecision(7))).toBe(1.303852e-4);
  });

  it('--larch --combinations is lincombo_fitall: 11 fits over 4 standards with bounds [0, 1]', async () => {
    const stds = ['Au foil', 'Au3 Cl aq', 'Au hydroxide', 'Au sulphide'].flatMap((n) => ['--standard', `${PRJ}#${n}`]);
    const doc = json<{ samples: Sample[] }>(await xafs('lcf', `${PRJ}#720`, ...stds, '--larch', '--combinations', '4', '--weight-min', '0', '--weight-max', '1', '--xmin', '11870', '--xmax', '12030', ...APPENDIX, '--json'));
    const s = doc.samples[0]!;
    expect(s.combinations).toHaveLength(11);
    expect(Number(s.chi2Reduced.toPrecision(4))).toBe(2.907e-5);
    expect(s.combinations![0]!.standards).toHaveLength(4);
  });

  describe('bad input', () => {
    it('a standard that does not cover the fit range: exit 2, its name and range', async () => {
      const text = readFileSync(FEO, 'utf8').split('\n');
      const head = text.filter((l) => l.startsWith('#'));
      const rows = text.filter((l) => l.trim() !== '' && !l.startsWith('#')).slice(0, 300);
      const cut = tmp.write('feo_cut.xdi', [...head, ...rows].join('\n') + '\n');
      expectRefused(
        await xafs('lcf', `${SERIES}#s0000`, '--standard', `${cut}=FeO_cut`, '--standard', `${FE2O3}=Fe2O3`),
        `xafs: standard 'FeO_cut' (${cut}) covers 7000–7149.5 eV but the fit range of ${SERIES}#s0000 is 7083–7233 eV: narrow the range (--emin/--emax) or use a standard measured over it\n`,
      );
    });

    it('collinear standards: exit 2, naming them', async () => {
      expectRefused(
        await xafs('lcf', `${SERIES}#s0000`, ...STDS2, '--standard', `${FEO}=FeO_again`),
        "xafs: standards 'FeO' and 'FeO_again' are collinear over 7083–7233 eV (one is a multiple of the other): their weights cannot be separated; drop one of them\n",
      );
    });

    it('an empty selection of points: exit 2', async () => {
      expectRefused(
        await xafs('lcf', `${SERIES}#s0000`, ...STDS2, '--emin', '500', '--emax', '600'),
        `xafs: ${SERIES}#s0000: no data points in the fit range 7623–7723 eV (e0 = 7123 eV, 500 to 600 eV); the data cover 7000–7499.5 eV\n`,
      );
    });

    it('no standard, options of the other mode, a bad choice: exit 2', async () => {
      expectRefused(await xafs('lcf', `${SERIES}#s0000`), 'xafs: no standards: give at least one --standard FILE[=NAME]\n');
      expectRefused(await xafs('lcf', `${SERIES}#s0000`, ...STDS2, '--weight-min', '0'), 'xafs: --weight-min/--weight-max apply to --larch fits (the default fit keeps every weight ≥ 0)\n');
      expectRefused(await xafs('lcf', `${SERIES}#s0000`, ...STDS2, '--kmin', '3'), 'xafs: --kmin/--kmax apply to --space chi; in energy spaces use --emin/--emax (relative to e0) or --xmin/--xmax\n');
      const r = await xafs('lcf', `${SERIES}#s0000`, ...STDS2, '--eshift', 'sideways');
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain("xafs: option '--eshift [mode]' argument 'sideways' is invalid. Allowed choices are each, common, none.");
      expectNoStack(r.err);
    });

    it('a name for a project of many spectra: exit 2 with the remedy', async () => {
      const r = await xafs('lcf', `${SERIES}#s0000`, '--standard', `${PRJ}=gold`);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^xafs: --standard '.*cyanobacteria\.prj=gold': .*cyanobacteria\.prj holds 17 spectra: '0\.12', .*; name one: --standard '.*cyanobacteria\.prj#NAME=gold'\n$/);
    });
  });
});

describe('xafs pca', () => {
  it('the Fe series: 2 significant components, Larch nsig, SPOIL per target', async () => {
    const doc = json<{ eigenvalues: number[]; ind: number[]; nsig: number; ncomponents: number; npts: number; targets: { name: string; spoil: number }[]; spectra: { rms: number }[] }>(
      await xafs('pca', SERIES, '--emin', '-40', '--emax', '110', '--target', `${FEO}=FeO`, '--target', `${FOIL}=foil`, '--json'),
    );
    expect(doc.npts).toBe(301);
    expect(doc.eigenvalues).toHaveLength(200);
    expect(doc.nsig).toBe(34);
    expect(doc.ncomponents).toBe(2);
    expect(doc.spectra).toHaveLength(200);
    expect(doc.targets.map((t) => t.name)).toEqual(['FeO', 'foil']);
    expect(doc.targets[0]!.spoil).toBeLessThan(3);
    expect(doc.targets[1]!.spoil).toBeGreaterThan(6);
  });

  it('cyanobacteria standards: Appendix A eigenvalues and IND; the text report', async () => {
    const stds = ['Au foil', 'Au3 Cl aq', 'Au hydroxide', 'Au sulphide', 'Au thiocyanide', 'Au thiosulphate aq'].map((n) => `${PRJ}#${n}`);
    const doc = json<{ eigenvalues: number[]; ind: number[]; nsig: number; npts: number }>(await xafs('pca', ...stds, '--xmin', '11870', '--xmax', '12030', ...APPENDIX, '--json'));
    expect(doc.npts).toBe(159);
    [121.990199, 27.3013468, 6.66180928, 2.9254905, 0.121153926].forEach((v, i) => expect(Math.abs(doc.eigenvalues[i]! / v - 1)).toBeLessThan(1e-6));
    expect(doc.nsig).toBe(2);
    const text = await xafs('pca', ...stds, '--xmin', '11870', '--xmax', '12030', ...APPENDIX);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')[0]).toBe('PCA of 6 spectra (norm) over 11869.98–12027.37 eV, 159 points');
    expect(text.out).toContain('Larch nsig = argmin(IND) = 2');
  });

  it('too few spectra: exit 2', async () => {
    expectRefused(await xafs('pca', `${SERIES}#s0000`, `${SERIES}#s0001`), 'xafs: PCA needs at least 3 spectra (got 2)\n');
  });
});

describe('xafs mcr', () => {
  it('the Fe series: 2 components from PCA, closure, lack of fit and explained variance', async () => {
    const doc = json<{ ncomponents: number; componentsFrom: string; lackOfFit: number; explainedVariance: number; concentrations: { source: string; values: number[] }[]; spectra: number[][]; x: number[] }>(
      await xafs('mcr', SERIES, '--emin', '-40', '--emax', '110', '--json'),
    );
    expect(doc.ncomponents).toBe(2);
    expect(doc.componentsFrom).toBe('pca');
    expect(doc.lackOfFit).toBeLessThan(0.3);
    expect(doc.explainedVariance).toBeGreaterThan(99.999);
    expect(doc.concentrations).toHaveLength(200);
    expect(doc.spectra).toHaveLength(2);
    expect(doc.spectra[0]).toHaveLength(doc.x.length);
    doc.concentrations.forEach((c, i) => {
      expect(c.values[0]! + c.values[1]!).toBeCloseTo(1, 12);
      expect(Math.abs(c.values[0]! - truth2.spectra[i]!.fractions.FeO!)).toBeLessThan(0.05);
    });
  });

  it('text output names the start and the statistics; bad input exits 2', async () => {
    const r = await xafs('mcr', SERIES3, '--components', '3', '--emin', '-40', '--emax', '110');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MCR-ALS, 3 components \(as asked\), started from the purest spectra \(SIMPLISMA\): c1 = m\d\d, c2 = m\d\d, c3 = m\d\d\n/);
    expect(r.out).toMatch(/lack of fit 0\.\d{4} %, explained variance 99\.\d{5} %, \d+ iterations\n$/);
    expectRefused(await xafs('mcr', `${SERIES}#s0000`), 'xafs: MCR-ALS needs at least 2 spectra (got 1)\n');
  });
});
