// `xafs fit-shell SAMPLE --absorber EL --shell EL ...`: a thin wrapper over src/feff/fitShell.ts
// (fitShell builds and runs the recipe; this file parses options, writes files and formats).
import { basename, dirname, join, resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { XafsError } from '../errors.js';
import { fitShell, defaultRecipeFile, type FitShellOptions, type FitShellResult } from '../feff/fitShell.js';
import { fitJson, pm } from '../fit/report.js';
import type { TransformOptions, FitSpace } from '../fit/transform.js';
import { ExitStatus, type Io } from './program.js';
import { toJson } from './format.js';
import { writeFitOutputs } from './fit.js';

/** The command's flags: FitShellOptions' own fields as they are, the transform's flat. */
export interface FitShellCliOptions extends Pick<FitShellOptions, 'absorber' | 'edge' | 's02' | 's02From' | 'foil' | 'feff' | 'mu' | 'energy'> {
  shell: string[];
  kmin?: number;
  kmax?: number;
  kweight?: number[];
  dk?: number;
  window?: string;
  rmin?: number;
  rmax?: number;
  fitSpace?: string;
  rbkg?: number;
  recipeOut?: string;
  out?: string;
  json?: boolean;
}

export async function fitShellCommand(sample: string, o: FitShellCliOptions, io: Io): Promise<void> {
  const transform: TransformOptions = {};
  if (o.kmin !== undefined) transform.kmin = o.kmin;
  if (o.kmax !== undefined) transform.kmax = o.kmax;
  if (o.kweight !== undefined) transform.kweight = o.kweight.length === 1 ? o.kweight[0]! : o.kweight;
  if (o.dk !== undefined) transform.dk = o.dk;
  if (o.window !== undefined) transform.window = o.window;
  if (o.rmin !== undefined) transform.rmin = o.rmin;
  if (o.rmax !== undefined) transform.rmax = o.rmax;
  if (o.fitSpace !== undefined) transform.fitspace = o.fitSpace as FitSpace;
  const recipeFile = resolve(o.recipeOut ?? defaultRecipeFile(resolve(sample), o.out));
  const warnings: string[] = [];
  const res = await fitShell(sample, {
    absorber: o.absorber,
    shells: o.shell ?? [],
    edge: o.edge,
    s02: o.s02,
    s02From: o.s02From,
    foil: o.foil === true,
    feff: o.feff === true,
    mu: o.mu,
    energy: o.energy,
    transform,
    autobk: o.rbkg !== undefined ? { rbkg: o.rbkg } : undefined,
    recipeFile,
    warn: (m) => warnings.push(m),
  });
  for (const n of res.notes) io.err(`xafs: note: ${n}\n`);
  for (const w of warnings) io.err(`xafs: warning: ${w}\n`);

  const written: string[] = [];
  try {
    mkdirSync(dirname(recipeFile), { recursive: true });
    writeFileSync(recipeFile, recipeText(res));
    written.push(recipeFile);
  } catch (e) {
    // the fit is done: an unwritable default location (a read-only data folder) costs the recipe
    // file, not the result; an explicit --recipe-out that cannot be written is an error
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    if (o.recipeOut !== undefined) throw new XafsError('EOPTION', `cannot write the recipe to ${recipeFile} (${why}): pass --recipe-out with a writable path`);
    io.err(`xafs: warning: could not write the recipe beside the sample (${recipeFile}: ${why}); pass --recipe-out FILE to keep it\n`);
  }
  const json = fitJson(res.fit);
  if (o.out) written.push(...writeArrays(res, String(o.out), json));
  if (written.length > 0) io.err(`wrote ${written.join(', ')}\n`);
  if (o.json) io.out(toJson(json) + '\n');
  else io.out(formatShellTable(res, sample));
  if (!res.fit.statistics.converged) throw new ExitStatus(1);
}

/** The recipe as an editable file: title first, one line per parameter, per transform and per path. */
export function recipeText(res: FitShellResult): string {
  const { title, params, datasets } = res.recipe;
  const flat = (o: object): string => `{${Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`;
  const lines = ['{', `  "title": ${JSON.stringify(title)},`, '  "params": {'];
  const names = Object.keys(params);
  names.forEach((n, i) => lines.push(`    ${JSON.stringify(n)}: ${flat(params[n] as object)}${i < names.length - 1 ? ',' : ''}`));
  lines.push('  },', '  "datasets": [');
  datasets.forEach((d, i) => {
    const { paths, ...rest } = d;
    lines.push('    {');
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) lines.push(`      ${JSON.stringify(k)}: ${typeof v === 'object' && v !== null ? flat(v) : JSON.stringify(v)},`);
    lines.push('      "paths": [');
    paths.forEach((p, j) => lines.push(`        ${flat(p)}${j < paths.length - 1 ? ',' : ''}`));
    lines.push('      ]', `    }${i < datasets.length - 1 ? ',' : ''}`);
  });
  lines.push('  ]', '}');
  return lines.join('\n') + '\n';
}

/** The table papers publish: one row per shell, then S0², R-factor and the ranges. */
export function formatShellTable(res: FitShellResult, sample: string): string {
  const s = res.fit.statistics;
  const d = res.fit.datasets[0]!;
  const t = d.transform;
  const head = ['shell', 'CN', 'R (Å)', 'σ² (Å²)', 'ΔE0 (eV)'];
  const rows = [head, ...res.rows.map((r) => [r.shell, res.s02.fitted ? `${r.n} (fixed)` : pm(r.n, r.nStderr), pm(r.r, r.rStderr), pm(r.sigma2, r.sigma2Stderr), pm(r.e0, r.e0Stderr)])];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('   ').trimEnd());
  const s02 = res.s02.from ? `${pm(res.s02.value, res.s02.stderr)} (from ${res.s02.from})` : res.s02.fitted ? `${pm(res.s02.value, res.s02.stderr)} (fitted; N fixed)` : `${res.s02.value} (fixed)`;
  const space = { r: 'R', k: 'k', q: 'q' }[t.fitspace];
  const num = (x: number, digits: number) => Number(x.toPrecision(digits)).toString();
  return [
    `xafs fit-shell ${sample}: ${res.absorber} ${res.edge} edge, paths from ${res.pathSource}`,
    '',
    ...table,
    '',
    `S0²        ${s02}`,
    `R-factor   ${num(s.rfactor, 3)}   (reduced χ² ${num(s.chi2Reduced, 4)}, ${s.nvarys} variables, ${num(s.nIndependent, 4)} independent points)`,
    `k range    ${t.kmin}–${t.kmax} Å⁻¹ (k-weight ${t.kweights.join(',')}, ${t.window} dk ${t.dk})`,
    `R range    ${t.rmin}–${t.rmax} Å (fit in ${space} space)`,
    ...(d.e0 !== null ? [`E0         ${num(d.e0, 7)} eV (ΔE0 is relative to it)`] : []),
    ...(s.converged ? [] : ['', 'THE FIT DID NOT CONVERGE: the values above are where it stopped, with no error bars']),
    // the table is what gets copied into papers: its warnings travel with it
    ...(res.fit.checks.length ? ['', 'warnings:', ...res.fit.checks.map((c) => `  [${c.code}] ${c.message}`)] : []),
    '',
  ].join('\n');
}

function writeArrays(res: FitShellResult, dir: string, json: unknown): string[] {
  if (res.fit.arrays.length === 0) throw new XafsError('EINTERNAL', 'fit-shell: the fit returned no arrays', 3);
  return writeFitOutputs(dir, res.fit, json, (_, file) => `xafs fit-shell ${basename(file)}: best fit (${res.rows.map((r) => r.shell).join(', ')})`);
}
