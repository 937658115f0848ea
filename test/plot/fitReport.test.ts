// Fit reports a paper can use (docs/fit-sanity.md "Reports"): a three-dataset fit's --out folder
// (fixtures/fitref cu_eins_3t: Cu at 10, 50, 150 K, two paths each) gives every dataset's figures,
// per-path contributions that add up to the fit, the phase-corrected |χ(R)| with its peak at the
// fitted distance, and HTML/text tables with the transform, χ² per dataset and a dataset column.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, loadAllFitArrays, loadFitArrays } from '../../src/plot/index.js';
import { readColumns } from '../../src/io/read.js';
import { fixture, xafs } from '../cli/helpers.js';

let tmp = '';
let dir = '';
let text = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'xafs-fitreport-'));
  dir = join(tmp, 'eins');
  const r = await xafs('fit', fixture('fitref/cu_eins_3t.recipe.json'), '--data-dir', fixture('fitref/data'), '--out', dir);
  expect(r.code).toBe(0);
  text = r.out;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fit outputs and figures', () => {
  it('the text table: a dataset column, feff file names (not paths), χ² per dataset', () => {
    expect(text).toContain('dataset  path   feff             N   N·S0²  R (Å)');
    expect(text).toMatch(/\n3 +Cu-Cu +cu_feff0002\.dat +6 /);
    expect(text).not.toContain('/fixtures/fitref/data/cu_feff0001.dat');
    expect(text).toMatch(/N_idp 14\.242 +R-factor 0\.02011 +χ² 1483\.8/);
    // the per-dataset χ² add up to the fit's
    const chis = [...text.matchAll(/R-factor [\d.]+ +χ² ([\d.]+) +ε_k/g)].map((m) => Number(m[1]));
    const total = Number(/\n +R-factor [\d.]+ +χ² ([\d.]+) +reduced/.exec(text)![1]);
    expect(Math.abs(chis.reduce((a, b) => a + b, 0) / total - 1)).toBeLessThan(1e-3);
  });

  it('per-path contributions in --out add up to the best fit (k space), labelled in the figures', () => {
    const f = readColumns(join(dir, 'cu_2.fit_k.dat'));
    const col = (n: string) => f.columns.find((c) => c.label === n)!.values;
    const fit = col('chik2_fit');
    const sum = col('chik2_path3').map((v, i) => v + col('chik2_path4')[i]!);
    let worst = 0;
    let top = 0;
    for (let i = 0; i < fit.length; i++) {
      worst = Math.max(worst, Math.abs(sum[i]! - fit[i]!));
      top = Math.max(top, Math.abs(fit[i]!));
    }
    expect(worst / top).toBeLessThan(1e-9);
    const k = loadFitArrays(join(dir, 'cu_2.fit_k.dat'));
    expect(k.paths!.map((p) => p.name)).toEqual(['path 3 (Cu-Cu)', 'path 4 (Cu-Cu)']);
    expect(k.kwin!.length).toBeGreaterThan(0);
  });

  it('every dataset: three figures each in R, k and q', () => {
    for (const space of ['r', 'k', 'q'] as const) expect(loadAllFitArrays(dir, space).map((a) => a.name)).toEqual(['cu_1', 'cu_2', 'cu_3']);
  });

  it('phase-corrected |χ(R)| (by the first path) peaks at the fitted distance, 0.3 Å above the uncorrected peak', () => {
    const res = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as { paths: { r: number }[] };
    const peak = (a: { x: ArrayLike<number>; data: ArrayLike<number> }) => {
      let best = 0;
      for (let i = 0; i < a.x.length; i++) if (a.x[i]! < 3 && a.data[i]! > a.data[best]!) best = i;
      return a.x[best]!;
    };
    const pc = loadFitArrays(dir, 'r', undefined, { dataset: 1, phaseCorrected: true });
    const plain = loadFitArrays(dir, 'r', undefined, { dataset: 1 });
    // the R grid steps 0.0307 Å
    expect(Math.abs(peak(pc) - res.paths[0]!.r)).toBeLessThan(0.035);
    expect(peak(pc) - peak(plain)).toBeGreaterThan(0.2);
  });
});

describe('HTML report of a multi-dataset fit', () => {
  it('all nine figures, the transform of each dataset, χ², and the dataset of each path', async () => {
    const html = await buildReport(dir, { date: new Date(0) });
    expect(html.match(/<figure/g)!.length).toBe(9);
    expect(html).toContain('<th>k range (Å⁻¹)</th><th>k-weight</th><th>window, dk (Å⁻¹)</th><th>R range (Å)</th>');
    expect(html).toContain('<td>3–16</td><td>2</td><td>kaiser, 4</td><td>1.7–3.3</td>');
    expect(html).toContain('<th>dataset</th><th>path</th><th>feff</th>');
    const withPc = await buildReport(dir, { date: new Date(0), phaseCorrected: true });
    expect(withPc.match(/<figure/g)!.length).toBe(12);
    expect(withPc).toContain('phase-corrected by the first path');
  });
});
