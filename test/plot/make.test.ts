// Figure data built from inputs as the analysis commands build them.
import { describe, expect, it } from 'vitest';
import { lcfPlotData, plotFigure } from '../../src/plot/index.js';
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
    expect(svg).toContain('>E at half edge step (eV)</text>');
    const samples = [...svg.matchAll(/aria-label="E at half edge step \(eV\): [\d.]+; valence: ([\d.]+); s: samples"/g)].map((m) => Number(m[1]));
    // fe_series_truth.json: valence 2.506 at index 100, 2.990 at 190 (the calibration's answer within 0.05)
    expect(samples).toHaveLength(2);
    expect(samples[0]).toBeCloseTo(2.506, 1);
    expect(samples[1]).toBeCloseTo(2.99, 1);
    expect(svg.match(/s: references"/g)).toHaveLength(2);
  });
});
