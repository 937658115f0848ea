/**
 * `xafs report`: one self-contained HTML file (no scripts, no external files: figures inline as
 * SVG) for a fit, a processed spectrum or a batch, with the tables a paper needs, the recipe
 * used, and the versions of xafs and Node and the date.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { XafsError } from '../errors.js';
import { pm, pmTotal, type fitJson } from '../fit/report.js';
import type { TotalStderr } from '../fit/feffit.js';
import { readSpectrum } from '../io/read.js';
import { processSpectrum, type ProcessOptions, type ProcessResult } from '../process.js';
import { chikFigure, chirFigure, fitFigure, xanesFigure, type FitSpace } from './figures.js';
import { loadAllFitArrays, trendsOfTable } from './make.js';
import { numericColumn, readResultsTable, type ResultsTable } from './table.js';

export interface ReportOptions {
  /** @default from the input */
  title?: string;
  /** Spectrum files: the μ(E) expression. */
  mu?: string;
  /** Spectrum files: k-weight of χ(k) and of the transform. @default 2 */
  kweight?: number;
  /** Spectrum files: the processing chain (Larch's defaults otherwise, as `xafs process`). */
  process?: ProcessOptions;
  /** The date written in the report. @default now */
  date?: Date;
  /** Fits: add |χ(R)| phase-corrected by the first path's scattering phase. @default false */
  phaseCorrected?: boolean;
  warn?: (message: string) => void;
}

export type ReportKind = 'fit' | 'spectrum' | 'batch';

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function num(v: unknown, digits = 5): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

function table(head: string[], rows: string[][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

let figureCount = 0;

/** A figure at 1.5× its print size on screen (the SVG scales; its viewBox keeps the proportions). */
function figure(svg: string, caption: string): string {
  const w = Number(/^<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1] ?? 0);
  // ids (clip paths, gradients) made unique in the page: figures may come from separate renders
  const n = ++figureCount;
  const scoped = svg.replace(/id="([^"]+)"/g, `id="f${n}-$1"`).replace(/url\(#([^)]+)\)/g, `url(#f${n}-$1)`);
  const sized = w > 0 ? scoped.replace(/^<svg /, `<svg style="width:${Math.round(w * 1.5)}px;max-width:100%;height:auto" `) : scoped;
  return `<figure>${sized}<figcaption>${esc(caption)}</figcaption></figure>`;
}

export function xafsVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

const CSS = `
body{font-family:"DejaVu Sans","Liberation Sans",Arial,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#111;line-height:1.4}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.6rem;border-bottom:1px solid #ccc}
.meta{color:#555;font-size:.85rem}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}figcaption{font-size:.8rem;color:#333;max-width:40rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;display:block;overflow-x:auto;max-width:100%}th,td{border:1px solid #ccc;padding:.15rem .5rem;text-align:right;white-space:nowrap}
.fail td{white-space:normal}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
pre{background:#f6f6f6;padding:.6rem;overflow-x:auto;font-size:.8rem}
.warn{color:#8a4b00}.fail{color:#a00000}
@media print{figure{break-inside:avoid}table{display:table;font-size:.6rem}th,td{white-space:normal;padding:.1rem .25rem}}
`;

function page(title: string, input: string, kind: ReportKind, body: string, date: Date): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="generator" content="xafs ${esc(xafsVersion())}"><style>${CSS}</style></head>
<body data-report="${kind}">
<h1>${esc(title)}</h1>
<p class="meta">${esc(input)} · xafs ${esc(xafsVersion())} · Node ${esc(process.version)} · ${esc(date.toISOString().replace('T', ' ').slice(0, 19))} UTC</p>
${body}
</body></html>
`;
}

/** What INPUT is: a fit (--out folder or --json result), a batch folder, or a spectrum. */
export function reportKind(input: string): ReportKind {
  if (!existsSync(input)) throw new XafsError('ENOENT', `file not found: '${input}'`);
  if (statSync(input).isDirectory()) {
    if (existsSync(join(input, 'results.csv'))) return 'batch';
    if (existsSync(join(input, 'result.json')) || readdirSync(input).some((f) => /\.fit_[rkq]\.dat$/.test(f))) return 'fit';
    throw new XafsError('EFORMAT', `${input} is neither an xafs fit --out folder (result.json, NAME.fit_r.dat) nor an xafs batch --out folder (results.csv): pass one of them`);
  }
  if (/\.json$/i.test(input)) {
    const j = JSON.parse(readFileSync(input, 'utf8')) as Record<string, unknown>;
    if (j.params && j.statistics) return 'fit';
    if (j.energy && j.norm) return 'spectrum';
    throw new XafsError('EFORMAT', `${input} is neither an xafs fit --json result (params, statistics) nor an xafs process --json output (energy, norm)`);
  }
  if (/\.csv$/i.test(input)) return 'batch';
  return 'spectrum';
}

type JsonDataset = ReturnType<typeof fitJson>['datasets'][number];

interface FitJson {
  params: Record<string, { value: number; stderr: number | null; stderrTotal?: number | null; init?: number; vary?: boolean; expr?: string; from?: string }>;
  correlations: Record<string, number>;
  statistics: Record<string, number | boolean>;
  /** Results written before the sanity checks have no chiSquare or transform per dataset. */
  datasets: (Omit<JsonDataset, 'chiSquare' | 'transform'> & Partial<Pick<JsonDataset, 'chiSquare' | 'transform'>>)[];
  paths: { label: string; feff: string; dataset?: number; n: number; nStderr: number | null; s02: number; r: number; rStderr: number | null; sigma2: number; sigma2Stderr: number | null; e0: number; e0Stderr: number | null; third?: number; thirdStderr?: number | null; stderrTotal?: TotalStderr }[];
  /** Objects {code, message} since the sanity checks (docs/fit-sanity.md); strings before. */
  warnings?: (string | { code: string; message: string })[];
  recipe?: unknown;
}

function fitTables(j: FitJson): string {
  const s = j.statistics;
  const out: string[] = [];
  out.push('<h2>Statistics</h2>');
  out.push(
    table(
      ['variables', 'independent points', 'points', 'R-factor', 'χ²', 'reduced χ²', 'AIC', 'BIC'],
      [[String(s.nvarys), num(s.nIndependent), String(s.npts), num(s.rfactor, 4), num(s.chiSquare), num(s.chi2Reduced), num(s.aic), num(s.bic)]],
    ),
  );
  const multi = j.datasets.length > 1;
  out.push(
    table(
      [...(multi ? ['#'] : []), 'dataset', 'E₀ (eV)', 'k range (Å⁻¹)', 'k-weight', 'window, dk (Å⁻¹)', 'R range (Å)', 'N_idp', 'R-factor', 'χ²', 'ε_k', 'ε_R'],
      j.datasets.map((d, i) => {
        const t = d.transform;
        return [
          ...(multi ? [String(i + 1)] : []),
          basename(d.file),
          num(d.e0, 7),
          t ? `${t.kmin}–${t.kmax}` : '—',
          t ? t.kweight.join(', ') : '—',
          t ? `${t.window}, ${t.dk}` : '—',
          t ? `${t.rmin}–${t.rmax}` : '—',
          num(d.nIdp),
          num(d.rfactor, 4),
          d.chiSquare !== undefined ? num(d.chiSquare) : '—',
          num(d.epsilonK, 3),
          num(d.epsilonR, 3),
        ];
      }),
      'datasets',
    ),
  );
  out.push('<h2>Paths</h2>');
  out.push(
    table(
      [...(multi ? ['dataset'] : []), 'path', 'feff', 'N', 'R (Å)', 'σ² (Å²)', 'ΔE₀ (eV)'],
      j.paths.map((p) => [...(multi ? [String(p.dataset ?? '—')] : []), p.label, basename(p.feff), pmTotal(p.n, p.nStderr, p.stderrTotal?.n), pmTotal(p.r, p.rStderr, p.stderrTotal?.r), pmTotal(p.sigma2, p.sigma2Stderr, p.stderrTotal?.sigma2), pmTotal(p.e0, p.e0Stderr, p.stderrTotal?.e0)]),
      'paths',
    ),
  );
  out.push('<h2>Parameters</h2>');
  out.push(
    table(
      ['parameter', 'value', 'initial', ''],
      Object.entries(j.params).map(([name, p]) => [name, pmTotal(p.value, p.stderr, p.stderrTotal), num(p.init), p.vary ? 'varied' : p.expr ? `= ${p.expr}` : p.from ? `from ${p.from}` : 'fixed']),
      'params',
    ),
  );
  const corr = Object.entries(j.correlations ?? {});
  if (corr.length) out.push('<h2>Correlations</h2>', table(['pair', 'r'], corr.map(([k, v]) => [k.replace(',', ' – '), v.toFixed(3)])));
  if (j.warnings?.length) {
    const li = j.warnings.map((w) => (typeof w === 'string' ? `<li>${esc(w)}</li>` : `<li><code>${esc(w.code)}</code> ${esc(w.message)}</li>`));
    out.push('<h2>Warnings</h2>', `<ul class="warn">${li.join('')}</ul>`);
  }
  return out.join('\n');
}

async function fitReport(input: string, o: ReportOptions): Promise<{ title: string; body: string }> {
  const dir = statSync(input).isDirectory() ? input : null;
  const jsonPath = dir ? join(dir, 'result.json') : input;
  const parts: string[] = [];
  if (dir) {
    const figs: string[] = [];
    // every dataset's figures, in R, k and q (and |χ(R)| phase-corrected by the first path when asked)
    const kinds: [FitSpace, boolean][] = [['r', false], ...(o.phaseCorrected ? ([['r', true]] as [FitSpace, boolean][]) : []), ['k', false], ['q', false]];
    for (const [space, pc] of kinds) {
      if (!readdirSync(dir).some((f) => f.endsWith(`.fit_${space}.dat`))) continue;
      for (const f of loadAllFitArrays(dir, space, pc)) {
        const what = pc ? '|χ(R)| phase-corrected by the first path' : space === 'r' ? '|χ(R)| and Re[χ(R)]' : space === 'k' ? `k${f.kweight === 1 ? '' : f.kweight}·χ(k)`.replace('k2', 'k²').replace('k3', 'k³') : 'Re[χ(q)]';
        const extras = [f.paths && f.paths.length > 1 ? 'each path alone in grey' : '', f.kwin ? 'the k window dashed blue' : ''].filter((x) => x);
        figs.push(figure(await fitFigure(f), `${f.name}: ${what}, data (black) and best fit (orange)${extras.length ? `, ${extras.join(', ')}` : ''}, residual below${f.window ? `; fit range shaded (${f.window[0]}–${f.window[1]} ${space === 'r' ? 'Å' : 'Å⁻¹'})` : ''}.`));
      }
    }
    if (figs.length) parts.push('<h2>Fit</h2>', ...figs);
  }
  if (!existsSync(jsonPath)) throw new XafsError('ENOENT', `${input} holds no result.json: pass the folder that xafs fit RECIPE --out DIR wrote`);
  const j = JSON.parse(readFileSync(jsonPath, 'utf8')) as FitJson;
  if (!dir) parts.push('<p class="warn">No figures: this result holds no arrays (xafs fit --json). Run <code>xafs fit RECIPE --out DIR</code> and report DIR for the fit in R, k and q.</p>');
  parts.push(fitTables(j));
  if (j.recipe) parts.push('<h2>Recipe</h2>', `<pre>${esc(JSON.stringify(j.recipe, null, 2))}</pre>`);
  const title = (j.recipe as { title?: string } | undefined)?.title ?? `EXAFS fit of ${j.datasets.map((d) => basename(d.file)).join(', ')}`;
  return { title, body: parts.join('\n') };
}

async function spectrumReport(input: string, o: ReportOptions): Promise<{ title: string; body: string }> {
  const kw = o.kweight ?? 2;
  let name = basename(input).replace(/\.[^.]*$/, '');
  let data: { energy: ArrayLike<number>; norm: ArrayLike<number>; e0: number; edgeStep: number; k: ArrayLike<number>; chi: ArrayLike<number>; r: ArrayLike<number>; chirMag: ArrayLike<number>; kweight: number; settings: string[][]; warnings: string[] };
  if (/\.json$/i.test(input)) {
    const j = JSON.parse(readFileSync(input, 'utf8')) as Record<string, unknown> & { xftf?: Record<string, unknown>; preEdge?: Record<string, unknown> };
    for (const key of ['energy', 'norm', 'k', 'chi', 'r', 'chirMag']) {
      if (!Array.isArray(j[key])) throw new XafsError('ETOOFEW', `${input} has no '${key}' array: pass the output of xafs process FILE --json`);
    }
    if (typeof j.file === 'string') name = basename(j.file).replace(/\.[^.]*$/, '');
    data = {
      energy: j.energy as number[],
      norm: j.norm as number[],
      e0: j.e0 as number,
      edgeStep: j.edgeStep as number,
      k: j.k as number[],
      chi: j.chi as number[],
      r: j.r as number[],
      chirMag: j.chirMag as number[],
      kweight: (j.xftf?.kweight as number | undefined) ?? 0,
      settings: [
        ...Object.entries(j.preEdge ?? {}).filter(([, v]) => typeof v === 'number').map(([k, v]) => [`pre_edge ${k}`, num(v)]),
        ...Object.entries(j.xftf ?? {}).map(([k, v]) => [`xftf ${k}`, typeof v === 'number' ? num(v) : String(v)]),
      ],
      warnings: (j.warnings as string[] | undefined) ?? [],
    };
  } else {
    const s = readSpectrum(input, { mu: o.mu });
    const res: ProcessResult = processSpectrum(s, { ...o.process, xftf: { ...o.process?.xftf, kweight: kw } });
    const d = res.pre.preEdge;
    data = {
      energy: res.energy,
      norm: res.pre.norm,
      e0: res.e0,
      edgeStep: res.edgeStep,
      k: res.bkg.k,
      chi: res.bkg.chi,
      r: res.ft.r,
      chirMag: res.ft.chirMag,
      kweight: res.ft.kweight,
      settings: [
        ['pre-edge range (eV from E₀)', `${num(d.pre1)} to ${num(d.pre2)}`],
        ['post-edge range (eV from E₀)', `${num(d.norm1)} to ${num(d.norm2)} (nnorm ${d.nnorm})`],
        ['AUTOBK', `rbkg ${num(o.process?.autobk?.rbkg ?? 1)} Å, k ${num(res.bkg.autobkDetails.kmin)}–${num(res.bkg.autobkDetails.kmax)} Å⁻¹, ${res.bkg.autobkDetails.nspl} knots`],
        ['xftf', `${res.ft.window}, k ${num(res.ft.kmin)}–${num(res.ft.kmax)} Å⁻¹, dk ${num(res.ft.dk)}, k-weight ${res.ft.kweight}`],
      ],
      warnings: res.warnings,
    };
  }
  const parts: string[] = ['<h2>Spectrum</h2>'];
  parts.push(table(['quantity', 'value'], [['E₀ (eV)', num(data.e0, 7)], ['edge step', num(data.edgeStep)], ...data.settings]));
  parts.push('<h2>Figures</h2>');
  parts.push(figure(await xanesFigure([{ name, energy: data.energy, y: data.norm, e0: data.e0 }], { inset: true }), `${name}: normalized XANES; inset, the edge region.`));
  parts.push(figure(await chikFigure([{ name, k: data.k, chi: data.chi }], { kweight: kw }), `${name}: k${kw === 1 ? '' : kw}·χ(k)`.replace('k2', 'k²').replace('k3', 'k³') + '.'));
  parts.push(figure(await chirFigure([{ name, r: data.r, chirMag: data.chirMag }], { kweight: data.kweight }), `${name}: |χ(R)| of the k-weight ${data.kweight} transform (no phase correction).`));
  if (data.warnings.length) parts.push('<h2>Warnings</h2>', `<ul class="warn">${data.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  return { title: `XAFS of ${name}`, body: parts.join('\n') };
}

/** value ± stderr cells of a results table, the stderr columns folded into their value. */
function batchRows(t: ResultsTable): { head: string[]; rows: string[][] } {
  const cols = t.columns.filter((c) => !/_stderr$/.test(c) && c !== 'message' && c !== 'status');
  const rows = t.rows.map((r) =>
    cols.map((c) => {
      const v = Number(r[c]);
      if (r[c] === '' || r[c] === undefined || !Number.isFinite(v) || c === 'index') return r[c] ?? '';
      const e = Number(r[`${c}_stderr`]);
      return t.columns.includes(`${c}_stderr`) && Number.isFinite(e) && r[`${c}_stderr`] !== '' ? pm(v, e) : num(v);
    }),
  );
  return { head: cols, rows };
}

async function batchReport(input: string, o: ReportOptions): Promise<{ title: string; body: string }> {
  const dir = statSync(input).isDirectory() ? input : join(input, '..');
  const t = readResultsTable(statSync(input).isDirectory() ? join(input, 'results.csv') : input);
  const failed = t.columns.includes('status') ? t.rows.filter((r) => r.status !== 'ok' && r.status !== '') : [];
  const parts: string[] = ['<h2>Summary</h2>'];
  parts.push(table(['spectra', 'ok', 'failed'], [[String(t.rows.length), String(t.rows.length - failed.length), String(failed.length)]]));
  if (t.rows.length - failed.length > 0) {
    try {
      const svg = await trendsOfTable(t, { width: 'double' });
      parts.push('<h2>Trends</h2>', figure(svg, 'Against the spectrum index; error bars are one standard error.'));
    } catch (e) {
      if (!(e instanceof XafsError)) throw e;
      parts.push(`<p class="warn">No trends figure: ${esc(e.message)}</p>`);
    }
  }
  const { head, rows } = batchRows(t);
  parts.push('<h2>Results</h2>', table(head, rows, 'results'));
  if (failed.length) parts.push('<h2>Failures</h2>', table(['index', 'source', 'message'], failed.map((r) => [r.index ?? '', r.source ?? '', r.message ?? '']), 'fail'));
  const rp = join(dir, 'recipe.json');
  if (existsSync(rp)) {
    const text = readFileSync(rp, 'utf8');
    let pretty = text;
    try {
      pretty = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // shown as written
    }
    parts.push('<h2>Recipe</h2>', `<pre>${esc(pretty)}</pre>`);
  }
  void numericColumn;
  void o;
  return { title: `Batch: ${basename(dir === '.' ? process.cwd() : dir)}`, body: parts.join('\n') };
}

/** The report of INPUT as one HTML document. */
export async function buildReport(input: string, o: ReportOptions = {}): Promise<string> {
  const kind = reportKind(input);
  const r = kind === 'fit' ? await fitReport(input, o) : kind === 'batch' ? await batchReport(input, o) : await spectrumReport(input, o);
  return page(o.title ?? r.title, input, kind, r.body, o.date ?? new Date());
}
