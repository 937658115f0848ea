// `xafs fit RECIPE` and `xafs paths FEFFDIR`: thin wrappers over src/fit.
import { basename, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fitRecipe, type RecipeFit } from '../fit/run.js';
import { fitJson, formatFitReport } from '../fit/report.js';
import { listFeffPaths } from '../fit/paths.js';
import { ExitStatus, type Io } from './program.js';
import { toJson, writeColumns } from './format.js';

export function fitCommand(recipe: string, o: Record<string, unknown>, io: Io): void {
  const res = fitRecipe(recipe, { dataDir: o.dataDir as string | undefined, force: o.force === true, starts: o.starts as number | undefined, warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  const json = fitJson(res);
  if (o.out) {
    const written = writeFitOutputs(String(o.out), res, json, (i, file) => `xafs fit ${recipe}: dataset ${i + 1} (${file})`);
    io.err(`wrote ${written.join(', ')}\n`);
  }
  if (o.json) io.out(toJson(json) + '\n');
  else io.out(formatFitReport(res, `xafs fit ${recipe}`));
  // a fit that did not converge ran but failed: its values are printed (without error bars), exit 1
  if (!res.statistics.converged) throw new ExitStatus(1);
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
    const contrib = res.contributions[i]!;
    const pathCol = (p: { path: number; label: string }) => `path${p.path}`;
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
        ...contrib.paths.map((p) => ({ name: `chik${kw}_${pathCol(p)}`, desc: `k^${kw}·χ(k) of path ${p.path} (${p.label}) alone`, values: p.chi.map((v, j) => v * a.k[j]! ** kw) })),
      ]),
      writeColumns(dir, `${base}.fit_r.dat`, title, [
        { name: 'r', desc: 'Å', values: a.r },
        { name: 'chir_mag_data', desc: `|χ(R)| data, Å^-${kw + 1}`, values: a.dataChirMag },
        { name: 'chir_mag_fit', desc: `|χ(R)| best fit, Å^-${kw + 1}`, values: a.modelChirMag },
        { name: 'chir_re_data', desc: 'Re χ(R) data', values: a.dataChirRe },
        { name: 'chir_re_fit', desc: 'Re χ(R) best fit', values: a.modelChirRe },
        { name: 'chir_im_data', desc: 'Im χ(R) data', values: a.dataChirIm },
        { name: 'chir_im_fit', desc: 'Im χ(R) best fit', values: a.modelChirIm },
        { name: 'chir_pc_data', desc: `|χ(R)| data, phase-corrected by path ${contrib.paths[0]!.path} (${contrib.phaseCorrected.by})`, values: contrib.phaseCorrected.dataChirMag },
        { name: 'chir_pc_fit', desc: `|χ(R)| best fit, phase-corrected by path ${contrib.paths[0]!.path} (${contrib.phaseCorrected.by})`, values: contrib.phaseCorrected.modelChirMag },
        ...contrib.paths.map((p) => ({ name: `chir_mag_${pathCol(p)}`, desc: `|χ(R)| of path ${p.path} (${p.label}) alone`, values: p.chirMag })),
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
