// `xafs fit RECIPE` and `xafs paths FEFFDIR`: thin wrappers over src/fit.
import { basename, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fitRecipe, type RecipeFit } from '../fit/run.js';
import { fitJson, formatFitReport, pm } from '../fit/report.js';
import { profileParams } from '../fit/profile.js';
import { chi2Map } from '../fit/map.js';
import { listFeffPaths } from '../fit/paths.js';
import type { Io } from './program.js';
import { toJson, writeColumns } from './format.js';

export async function fitCommand(recipe: string, o: Record<string, unknown>, io: Io): Promise<void> {
  const res = fitRecipe(recipe, { dataDir: o.dataDir as string | undefined, force: o.force === true, warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  const json: Record<string, unknown> = fitJson(res);
  const extra = await fitExtras(res, o, io);
  Object.assign(json, extra.json);
  if (o.out) {
    const written = writeFitOutputs(String(o.out), res, json, (i, file) => `xafs fit ${recipe}: dataset ${i + 1} (${file})`);
    io.err(`wrote ${written.join(', ')}\n`);
  }
  if (o.json) io.out(toJson(json) + '\n');
  else io.out(formatFitReport(res, `xafs fit ${recipe}`) + extra.text);
}

/** --profile NAME[,NAME] and --map A,B [--map-steps N]: refits around the best fit (src/fit/profile.ts, map.ts). */
async function fitExtras(res: RecipeFit, o: Record<string, unknown>, io: Io): Promise<{ json: Record<string, unknown>; text: string }> {
  const json: Record<string, unknown> = {};
  const text: string[] = [];
  const names = (v: unknown) => String(v).split(',').map((n) => n.trim()).filter(Boolean);
  if (o.profile !== undefined) {
    const profiles = profileParams(res, names(o.profile));
    json.profiles = profiles;
    text.push('', 'profile confidence intervals (others refitted; Δχ²/χ²_ν = 1 and 4):');
    const f = (v: number | null) => (v === null ? '—' : Number(v.toPrecision(5)).toString());
    const rows = [['parameter', 'best ± σ (covariance)', '1σ interval', '2σ interval', 'refits', 'evaluations']];
    for (const p of profiles) rows.push([p.name, pm(p.best, p.stderr), `[${f(p.sigma1.lower)}, ${f(p.sigma1.upper)}]`, `[${f(p.sigma2.lower)}, ${f(p.sigma2.upper)}]`, String(p.refits), String(p.nfev)]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    text.push(...rows.map((r) => '  ' + r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()));
  }
  if (o.map !== undefined) {
    const steps = o.mapSteps === undefined ? undefined : Number(o.mapSteps);
    const m = chi2Map(res, names(o.map), { steps });
    const dir = o.out ? String(o.out) : '.';
    mkdirSync(dir, { recursive: true });
    const stem = `chi2map_${m.names[0]}_${m.names[1]}`;
    const rowsX: number[] = [];
    const rowsY: number[] = [];
    m.y.forEach((y) => m.x.forEach((x) => (rowsX.push(x), rowsY.push(y))));
    const grid = writeColumns(dir, `${stem}.dat`, [`xafs fit --map ${m.names.join(',')}: ${m.x.length}×${m.y.length} grid, best ${m.names[0]} = ${m.best[0]}, ${m.names[1]} = ${m.best[1]}`, `${m.refits} refits, ${m.nfev} evaluations`], [
      { name: m.names[0], desc: 'fixed value', values: Float64Array.from(rowsX) },
      { name: m.names[1], desc: 'fixed value', values: Float64Array.from(rowsY) },
      { name: 'chi_square', desc: 'χ² with the others refitted', values: Float64Array.from(m.chiSquare) },
      { name: 'dchi2', desc: 'Δχ²/χ²_ν of the best fit (1: 1σ, 4: 2σ)', values: Float64Array.from(m.dchi2) },
    ]);
    const svg = join(dir, `${stem}.svg`);
    const { chi2MapFigure } = await import('../plot/chi2MapFigure.js'); // vega loads only for a map
    writeFileSync(svg, await chi2MapFigure(m, { title: `χ² map: ${m.names[0]} – ${m.names[1]}` }));
    io.err(`wrote ${grid}, ${svg}\n`);
    json.map = { names: m.names, best: m.best, stderr: m.stderr, steps: m.x.length, min: m.min, refits: m.refits, nfev: m.nfev, grid, figure: svg };
    text.push('', `χ² map ${m.names.join(' – ')}: ${m.x.length}×${m.y.length} grid (±3σ), ${m.refits} refits, ${m.nfev} evaluations; smallest χ² at ${m.names[0]} = ${Number(m.min.x.toPrecision(5))}, ${m.names[1]} = ${Number(m.min.y.toPrecision(5))}; wrote ${grid}, ${svg}`);
  }
  return { json, text: text.length ? text.join('\n') + '\n' : '' };
}

/**
 * `--out DIR` of a fit: per dataset NAME.fit_k.dat, NAME.fit_r.dat, NAME.fit_q.dat (data and best
 * fit, k-weighted with the first k-weight) and result.json; returns the paths written. Shared by
 * `xafs fit` and `xafs fit-shell`; `heading(i, file)` is the first title line of dataset i.
 */
export function writeFitOutputs(dir: string, res: RecipeFit, json: unknown, heading: (i: number, file: string) => string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  res.arrays.forEach((a, i) => {
    const d = res.datasets[i]!;
    const base = `${basename(d.file).replace(/\.[^.]*$/, '')}${res.arrays.length > 1 ? `_${i + 1}` : ''}`;
    const kw = d.transform.kweights[0]!;
    const title = [heading(i, d.file), `R-factor ${d.rfactor}; transform k ${d.transform.kmin}-${d.transform.kmax} Å⁻¹, k-weight ${kw}, ${d.transform.window} dk ${d.transform.dk}`];
    written.push(
      writeColumns(dir, `${base}.fit_k.dat`, title, [
        { name: 'k', desc: 'Å⁻¹', values: a.k },
        { name: 'chi_data', desc: 'χ(k) data', values: a.data },
        { name: 'chi_fit', desc: 'χ(k) best fit', values: a.model },
        { name: `chik${kw}_data`, desc: `k^${kw}·χ(k) data, Å^-${kw}`, values: a.data.map((v, j) => v * a.k[j] ** kw) },
        { name: `chik${kw}_fit`, desc: `k^${kw}·χ(k) best fit, Å^-${kw}`, values: a.model.map((v, j) => v * a.k[j] ** kw) },
        { name: 'kwin', desc: 'k window', values: a.kwin },
      ]),
      writeColumns(dir, `${base}.fit_r.dat`, title, [
        { name: 'r', desc: 'Å', values: a.r },
        { name: 'chir_mag_data', desc: `|χ(R)| data, Å^-${kw + 1}`, values: a.dataChirMag },
        { name: 'chir_mag_fit', desc: `|χ(R)| best fit, Å^-${kw + 1}`, values: a.modelChirMag },
        { name: 'chir_re_data', desc: 'Re χ(R) data', values: a.dataChirRe },
        { name: 'chir_re_fit', desc: 'Re χ(R) best fit', values: a.modelChirRe },
        { name: 'chir_im_data', desc: 'Im χ(R) data', values: a.dataChirIm },
        { name: 'chir_im_fit', desc: 'Im χ(R) best fit', values: a.modelChirIm },
      ]),
      writeColumns(dir, `${base}.fit_q.dat`, title, [
        { name: 'q', desc: 'Å⁻¹', values: a.q },
        { name: 'chiq_re_data', desc: `Re χ(q) data (k^${kw}-weighted, windowed)`, values: a.dataChiqRe },
        { name: 'chiq_re_fit', desc: 'Re χ(q) best fit', values: a.modelChiqRe },
      ]),
    );
  });
  const resultPath = join(dir, 'result.json');
  writeFileSync(resultPath, toJson(json) + '\n');
  written.push(resultPath);
  return written;
}

export function pathsCommand(dir: string, o: { json?: boolean }, io: Io): void {
  const paths = listFeffPaths(dir);
  if (o.json) {
    io.out(toJson({ folder: dir, paths }) + '\n');
    return;
  }
  const rows = [['index', 'label', 'nleg', 'degen', 'reff (Å)', 'importance (%)'], ...paths.map((p) => [String(p.index), p.label, String(p.nleg), String(p.degen), p.reff.toFixed(4), p.importance.toFixed(1)])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  io.out(rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n');
}
