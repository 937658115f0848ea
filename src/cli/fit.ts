// `xafs fit RECIPE` and `xafs paths FEFFDIR`: thin wrappers over src/fit.
import { basename, join } from 'node:path';
import { makeDir, writeFailure, writeFileAtomic } from '../node/atomicWrite.js';
import { fitRecipe, type RecipeFit } from '../fit/run.js';
import { fitJson, formatFitReport, pm } from '../fit/report.js';
import { profileParams } from '../fit/profile.js';
import { chi2Map } from '../fit/map.js';
import { listFeffPaths } from '../fit/paths.js';
import { ExitStatus, type Io } from './program.js';
import { XafsError } from '../errors.js';
import { samplePosterior, type PosteriorOptions, type PosteriorResult } from '../fit/posterior.js';
import { monteCarloRecipe, type MonteCarloResult } from '../fit/montecarlo.js';
import { toJson, writeColumns } from './format.js';

export async function fitCommand(recipe: string, o: Record<string, unknown>, io: Io): Promise<void> {
  const warn = (m: string) => io.err(`xafs: warning: ${m}\n`);
  const dataDir = o.dataDir as string | undefined;
  const postOnly = ['walkers', 'steps', 'burn', 'thin'].filter((k) => o[k] !== undefined);
  if (!o.posterior && postOnly.length) throw new XafsError('EOPTION', `${postOnly.map((k) => `--${k}`).join(', ')} set the posterior sampler: add --posterior`);
  if (o.mc === undefined && o.mcSigma !== undefined) throw new XafsError('EOPTION', '--mc-sigma sets the Monte Carlo noise: add --mc N');
  if (!o.posterior && o.mc === undefined && o.seed !== undefined) throw new XafsError('EOPTION', '--seed seeds --posterior and --mc: add one of them');
  // --posterior samples inside the fit, while its residual (WASM datasets) is alive
  let posterior: PosteriorResult | undefined;
  const postOpts = o.posterior ? posteriorOptions(o) : undefined;
  const res = fitRecipe(recipe, {
    dataDir,
    force: o.force === true,
    starts: o.starts as number | undefined,
    warn,
    onProblem: postOpts && ((p) => (posterior = samplePosterior(p, postOpts))),
  });
  const mc = o.mc !== undefined ? monteCarloRecipe(recipe, res, { replicas: o.mc as number, seed: o.seed as number | undefined, sigma: o.mcSigma as number | undefined, dataDir, force: o.force === true }) : undefined;
  for (const w of [...(posterior?.warnings ?? []).map((m) => `posterior: ${m}`), ...(mc?.warnings ?? []).map((m) => `Monte Carlo: ${m}`)]) warn(w);
  const json: Record<string, unknown> = { ...fitJson(res), ...(posterior ? { posterior } : {}), ...(mc ? { monteCarlo: mc } : {}) };
  const extra = await fitExtras(res, o, io);
  Object.assign(json, extra.json);
  if (o.out) {
    const written = writeFitOutputs(String(o.out), res, json, (i, file) => `xafs fit ${recipe}: dataset ${i + 1} (${file})`);
    if (posterior) written.push(...(await writePosteriorOutputs(String(o.out), res, posterior)));
    io.err(`wrote ${written.join(', ')}\n`);
  }
  if (o.json) io.out(toJson(json) + '\n');
  else {
    io.out(formatFitReport(res, `xafs fit ${recipe}`) + extra.text);
    if (posterior) io.out('\n' + formatPosterior(posterior));
    if (mc) io.out('\n' + formatMonteCarlo(mc));
  }
  // a fit that did not converge ran but failed: its values are printed (without error bars), exit 1
  if (!res.statistics.converged) throw new ExitStatus(1);
}

function posteriorOptions(o: Record<string, unknown>): PosteriorOptions {
  return { walkers: o.walkers as number | undefined, steps: o.steps as number | undefined, burn: o.burn as number | undefined, thin: o.thin as number | undefined, seed: o.seed as number | undefined };
}

const sig = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(3)).toString());
const val = (v: number, err: number) => {
  const dec = err > 0 && Number.isFinite(err) ? Math.max(0, Math.min(10, 2 - Math.floor(Math.log10(err)))) : 4;
  return v.toFixed(dec);
};

function intervalTable(head: string[], rows: string[][]): string[] {
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  return all.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

/** The posterior table: median, −/+68 %, 95 % interval, and the covariance error for comparison. */
export function formatPosterior(p: PosteriorResult): string {
  const out = [
    `posterior: ${p.walkers} walkers × ${p.steps} steps (burn-in ${p.burn}, thin ${p.thin}, seed ${p.seed}), ${p.evaluations} evaluations, ${p.samples} samples`,
    `           acceptance ${p.acceptance.toFixed(3)}, autocorrelation time τ ≤ ${p.tauMax !== null ? p.tauMax.toFixed(1) : '? (chains too short to measure it)'} steps`,
  ];
  const rows = Object.entries(p.params).map(([name, q]) => {
    const e = Math.min(q.minus68, q.plus68);
    return [name + (q.derived ? ' (expr)' : ''), val(q.median, e), `−${val(q.minus68, e)}`, `+${val(q.plus68, e)}`, `[${val(q.lo95, e)}, ${val(q.hi95, e)}]`, val(q.best, e), sig(q.stderr), q.tau === undefined ? '' : q.tau === null ? '?' : q.tau.toFixed(1)];
  });
  out.push(...intervalTable(['parameter', 'median', '−68 %', '+68 %', '95 % interval', 'best fit', '± covariance', 'τ'], rows));
  const corr = Object.entries(p.correlations);
  if (corr.length) {
    out.push('', 'posterior correlations (|r| ≥ 0.1):');
    for (const [pair, r] of corr) out.push(`  ${pair.replace(',', ' – ').padEnd(24)} ${r.toFixed(3)}`);
  }
  return out.join('\n') + '\n';
}

export function formatMonteCarlo(m: MonteCarloResult): string {
  const out = [
    `Monte Carlo: ${m.succeeded} of ${m.replicas} replicas (seed ${m.seed}), ${m.evaluations} evaluations; noise of μ(E): ${m.noise.map((n) => `${sig(n.sigma)}${n.estimated ? ' (estimated)' : ''}`).join(', ')}`,
  ];
  const rows = Object.entries(m.params).map(([name, q]) => [name, val(q.median, q.std), sig(q.std), `−${val(q.minus68, q.std)}`, `+${val(q.plus68, q.std)}`, `[${val(q.lo95, q.std)}, ${val(q.hi95, q.std)}]`, val(q.best, q.std), sig(q.stderr)]);
  out.push(...intervalTable(['parameter', 'median', 'spread (sd)', '−68 %', '+68 %', '95 % interval', 'best fit', '± covariance'], rows));
  return out.join('\n') + '\n';
}

/**
 * The corner plot's parameters: every varied one when there are at most 6, else those that set
 * the first paths' amplitude (degen, s02), e0 and deltar, up to 6.
 */
function cornerParams(res: RecipeFit, names: string[]): string[] {
  const vary = names.filter((n) => res.params[n]?.vary);
  if (vary.length <= 6) return vary;
  const picked: string[] = [];
  for (const d of res.recipe.datasets) {
    for (const p of d.paths) {
      for (const key of ['degen', 's02', 'e0', 'deltar'] as const) {
        const v = p[key];
        const ids = typeof v === 'string' ? (v.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) : [];
        for (const id of ids) if (vary.includes(id) && !picked.includes(id) && picked.length < 6) picked.push(id);
      }
    }
  }
  return picked.length >= 2 ? picked : vary.slice(0, 6);
}

/** `--out DIR` with --posterior: posterior_chain.csv (retained samples, 7 digits) and posterior_corner.svg/.png. */
async function writePosteriorOutputs(dir: string, res: RecipeFit, p: PosteriorResult): Promise<string[]> {
  const { names, samples, logp } = p.chain;
  const nc = names.length;
  // compact: 7 significant digits, and at most ~20000 rows (every stride-th kept step, all walkers)
  const kept = logp.length / p.walkers;
  const stride = Math.max(1, Math.ceil((kept * p.walkers) / 20000));
  const lines = [
    `# xafs fit --posterior: ${p.walkers} walkers, steps ${p.burn + 1}-${p.steps} every ${p.thin * stride}, seed ${p.seed}; rows: step-major, walker-minor`,
    ['logp', ...names].join(','),
  ];
  for (let s = 0; s < logp.length; s++) {
    if (Math.floor(s / p.walkers) % stride !== 0) continue;
    const row = [Number(logp[s].toPrecision(7))];
    for (let c = 0; c < nc; c++) row.push(Number(samples[s * nc + c].toPrecision(7)));
    lines.push(row.join(','));
  }
  const chainPath = join(dir, 'posterior_chain.csv');
  writeFileAtomic(chainPath, lines.join('\n') + '\n');
  const { cornerFigure } = await import('../plot/cornerFigure.js');
  const { toPng } = await import('../plot/render.js');
  const best = names.map((n) => p.params[n].best);
  const svg = await cornerFigure({ names, samples, best }, { params: cornerParams(res, names), title: 'posterior (median, 68 % interval dashed, best fit in orange)' });
  const svgPath = join(dir, 'posterior_corner.svg');
  const pngPath = join(dir, 'posterior_corner.png');
  writeFileAtomic(svgPath, svg);
  writeFileAtomic(pngPath, toPng(svg));
  return [chainPath, svgPath, pngPath];
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
    makeDir(dir);
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
    writeFileAtomic(svg, await chi2MapFigure(m, { title: `χ² map: ${m.names[0]} – ${m.names[1]}` }));
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
  try {
    makeDir(dir);
  } catch (e) {
    throw writeFailure(e, dir, { action: 'creating', remedy: 'pass --out a folder you can write to' });
  }
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
  writeFileAtomic(resultPath, toJson(json) + '\n', { remedy: 'free some space or pass --out a folder you can write to' });
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
