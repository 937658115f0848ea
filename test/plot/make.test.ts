// Figure data built from inputs as the analysis commands build them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lcfPlotData, plotFigure } from '../../src/plot/index.js';
import { readValuesFile } from '../../src/plot/table.js';
import { fixture } from '../cli/helpers.js';

describe('lcfPlotData', () => {
  // fe3_series.dat column m00 is 0.537 FeO + 0.235 Fe2O3 + 0.228 Fe foil (fe3_series_truth.json)
  const inputs = [`${fixture('xanes/lcf/fe3_series.dat')}#m00`];
  const standards = [`${fixture('series/fe_ref_FeO.xdi')}=FeO`, `${fixture('series/fe_ref_Fe2O3.xdi')}=Fe2O3`, `${fixture('xanes/lcf/fe3_ref_foil.xdi')}=foil`];
  const sumOf = (d: ReturnType<typeof lcfPlotData>) => Float64Array.from(d.x, (_, i) => d.components.reduce((s, c) => s + c.y[i]!, 0));

  it('the weighted standards are the synthetic mixture and add up to the fit', () => {
    const d = lcfPlotData(inputs, { standards });
    expect(d.components.map((c) => c.name)).toEqual(['0.54 × FeO', '0.23 × Fe2O3', '0.23 × foil']);
    const sum = sumOf(d);
    // own normalization of the drawn standards vs the sample's in the fit: well below a line width
    expect(Math.max(...sum.map((v, i) => Math.abs(v - d.yfit[i]!)))).toBeLessThan(0.004);
    // and exactly when the fit itself uses each standard's own normalization
    const own = lcfPlotData(inputs, { standards }, 'own');
    const sumOwn = sumOf(own);
    expect(Math.max(...sumOwn.map((v, i) => Math.abs(v - own.yfit[i]!)))).toBeLessThan(1e-9);
  });
});

describe('plotFigure', () => {
  it('pca of three-standard mixtures: three significant components marked in both panels', async () => {
    const svg = await plotFigure('pca', [fixture('xanes/lcf/fe3_series.dat')]);
    const sig = svg.match(/aria-label="component: \d+; y: [^;]+; sig: significant"/g) ?? [];
    expect(sig).toHaveLength(6);
    expect(svg).toContain('>fraction of variance</text>');
    expect(svg).toContain('>IND</text>');
  });

  it('valence: the references as squares, each sample a point on the line at its calibrated valence', async () => {
    const svg = await plotFigure('valence', [`${fixture('series/fe_series.dat')}#s0100`, `${fixture('series/fe_series.dat')}#s0190`], {
      refs: [
        { file: fixture('series/fe_ref_FeO.xdi'), valence: 2 },
        { file: fixture('series/fe_ref_Fe2O3.xdi'), valence: 3 },
      ],
    });
    expect(svg).toContain('>E at half edge step, main rise (eV)</text>');
    const samples = [...svg.matchAll(/aria-label="E at half edge step, main rise \(eV\): [\d.]+; valence: ([\d.]+); s: samples"/g)].map((m) => Number(m[1]));
    // fe_series_truth.json: valence 2.506 at index 100, 2.990 at 190 (the calibration's answer within 0.05)
    expect(samples).toHaveLength(2);
    expect(samples[0]).toBeCloseTo(2.506, 1);
    expect(samples[1]).toBeCloseTo(2.99, 1);
    expect(svg.match(/s: references"/g)).toHaveLength(2);
  });
});

describe('values per spectrum from a separate file (potential, time ...)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-values-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const keys = [
    { index: 0, source: 'series.dat#s0' },
    { index: 1, source: 'series.dat#s1' },
    { index: 3, source: 'series.dat#s3' },
  ];

  it('rows matched by index, by source (whole or after #), or in order; the header is the title', () => {
    expect(readValuesFile(file('i.csv', 'index,potential (V vs RHE)\n3,0.8\n1,0.4\n0,0.2\n2,0.6\n'), keys)).toEqual({ title: 'potential (V vs RHE)', values: [0.2, 0.4, 0.8] });
    expect(readValuesFile(file('s.csv', 'source,time_s\ns3,30\ns1,10\nseries.dat#s0,0\n'), keys).values).toEqual([0, 10, 30]);
    // one value per line under a header with spaces; # comments skipped
    expect(readValuesFile(file('o.dat', '# beamtime 2026\npotential (V)\n0.1\n0.3\n0.5\n'), keys)).toEqual({ title: 'potential (V)', values: [0.1, 0.3, 0.5] });
    expect(readValuesFile(file('two.csv', 'index,potential,time\n0,1,10\n1,2,20\n3,3,30\n'), keys, 'time').values).toEqual([10, 20, 30]);
  });

  it('a missing row, a wrong count, a non-number, an ambiguous column: the message names the file and what to give', () => {
    const miss = file('m.csv', 'index,potential\n0,0.2\n1,0.4\n');
    expect(() => readValuesFile(miss, keys)).toThrow(`${miss} has no row with index 3 (series.dat#s3): give a value for every spectrum`);
    const short = file('c.csv', 'potential\n0.2\n0.4\n');
    expect(() => readValuesFile(short, keys)).toThrow(`${short} has 2 rows but there are 3 spectra: give one row per spectrum in their order, or add an index column`);
    const bad = file('b.csv', 'index,potential\n0,0.2\n1,high\n3,0.8\n');
    expect(() => readValuesFile(bad, keys)).toThrow(`${bad}: row 3, column 'potential': 'high' is not a number`);
    const two = file('t.csv', 'index,potential,time\n0,1,10\n');
    expect(() => readValuesFile(two, keys)).toThrow(`${two} has 2 value columns (potential, time): name the one to use with --x`);
  });
});

describe('figure details a referee checks', () => {
  it('deriv: each edge energy in the legend (close edges share a dashed rule)', async () => {
    const svg = await plotFigure('deriv', [fixture('series/fe_ref_FeO.xdi'), fixture('series/fe_ref_Fe2O3.xdi')], { method: 'deriv' });
    expect(svg).toMatch(/>fe_ref_FeO, 71\d\d\.\d eV<\/text>/);
    expect(svg).toMatch(/>fe_ref_Fe2O3, 71\d\d\.\d eV<\/text>/);
  });

  it('chir of a χ(k) file (columns k, chi) and of μ(E) together, k³: |χ(R)| in Å⁻⁴', async () => {
    const svg = await plotFigure('chir', [fixture('fits/cu_dualatom.chi'), fixture('spectra/cu_metal_rt.xdi')], { mu: [undefined, 'ln(i0/itrans)'], kweight: 3, process: { xftf: { kmin: 3, kmax: 12, window: 'hanning' } } });
    expect(svg).toContain('>|χ(R)| (Å⁻⁴)</text>');
    expect(svg).toContain('>cu_dualatom</text>');
    expect(svg).toContain('>cu_metal_rt</text>');
  });

  it('stack with values: each value written at its curve with one number of decimals, the colour bar stays a gradient', async () => {
    const series = fixture('series/fe_series.dat');
    const svg = await plotFigure('stack', [`${series}#s0000`, `${series}#s0100`, `${series}#s0199`], { values: [0.2, 0.7, 1.195], valuesTitle: 'potential (V)' });
    for (const v of ['0.200', '0.700', '1.195']) expect(svg).toContain(`>${v}</text>`);
    expect(svg).toContain('>potential (V)</text>');
    expect(svg).toContain('linearGradient');
    const none = await plotFigure('stack', [`${series}#s0000`, `${series}#s0100`, `${series}#s0199`], { values: [0.2, 0.7, 1.195], labels: false });
    expect(none).not.toContain('>1.195</text>');
  });
});
