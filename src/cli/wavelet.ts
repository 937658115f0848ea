// `xafs wavelet FILE`: μ(E) (processed as by xafs process) or χ(k) → wavelet map and maxima;
// a text summary, --json or --out.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XafsError } from '../errors.js';
import { readFile, readSpectrum } from '../io/read.js';
import { processSpectrum } from '../process.js';
import type { ColumnFile } from '../types.js';
import { wavelet, waveletMaxima, type WaveletOptions, type WaveletResult } from '../xafs/wavelet.js';
import { checkExpression, toJson, writeColumns } from './format.js';
import { outputStem, processOptions } from './process.js';
import { version, type Io } from './program.js';

type Opts = Record<string, unknown>;

const CHI_NAME = /^chi(?:_?k)?$/;

interface ChiInput {
  source: string;
  input: 'chi' | 'mu';
  k: Float64Array;
  chi: Float64Array;
  e0?: number;
  warnings: string[];
}

/** A column file with columns k and chi (chi_k, chik), when no --mu/--energy asks for μ(E). */
function chiColumns(file: string, o: Opts): { cols: ColumnFile; k: number; chi: number } | undefined {
  if (o.mu !== undefined || o.energy !== undefined || o.group !== undefined) return undefined;
  const f = readFile(file);
  if (f.format !== 'xdi' && f.format !== 'ascii') return undefined;
  const k = f.columns.findIndex((c) => c.label === 'k');
  const chi = f.columns.findIndex((c) => CHI_NAME.test(c.label));
  return k >= 0 && chi >= 0 ? { cols: f, k, chi } : undefined;
}

function loadChi(file: string, o: Opts): ChiInput {
  const c = chiColumns(file, o);
  if (c) {
    const k = c.cols.columns[c.k].values;
    const chi = c.cols.columns[c.chi].values;
    const line = (i: number) => c.cols.rowLines?.[i] ?? i + 1;
    for (let i = 0; i < k.length; i++) {
      if (!Number.isFinite(k[i]) || !Number.isFinite(chi[i])) {
        throw new XafsError('ENONFINITE', `${file} line ${line(i)}: k or chi is not a number (${k[i]}, ${chi[i]}); fix or delete that line`);
      }
      if (i > 0 && !(k[i] > k[i - 1])) throw new XafsError('EORDER', `${file} line ${line(i)}: k is not increasing (${k[i]} after ${k[i - 1]}); a χ(k) file needs increasing k`);
    }
    return { source: file, input: 'chi', k, chi, warnings: [] };
  }
  checkExpression('--mu', o.mu as string | undefined);
  checkExpression('--energy', o.energy as string | undefined);
  const spectrum = readSpectrum(file, { mu: o.mu as string | undefined, energy: o.energy as string | undefined, group: o.group as string | undefined, sort: o.sort !== false });
  // only normalization and background: --kmin/--kmax/--kweight/--rmax-out are the wavelet's
  const { preEdge, autobk } = processOptions(o);
  const res = processSpectrum(spectrum, { preEdge, autobk });
  // xftf runs inside processSpectrum with its defaults; its kmax note does not concern the wavelet
  const warnings = res.warnings.filter((w) => !w.startsWith('xftf kmax defaults'));
  return { source: spectrum.source ?? file, input: 'mu', k: res.bkg.k, chi: res.bkg.chi, e0: res.e0, warnings };
}

function waveletOptions(o: Opts): WaveletOptions {
  const n = (key: string) => o[key] as number | undefined;
  const w: WaveletOptions = { complex: o.out !== undefined, kind: (o.kind as 'cauchy' | 'morlet' | undefined) ?? 'cauchy', kweight: n('kweight'), rmaxOut: n('rmaxOut') ?? n('rmax'), kmin: n('kmin'), kmax: n('kmax'), eta: n('eta'), sigma: n('sigma') };
  return Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)) as WaveletOptions;
}

/** Rows of the map as arrays (JSON: mag[i] is |W| along k at r[i]). */
function rowsOf(w: WaveletResult): Float64Array[] {
  const nk = w.k.length;
  return Array.from(w.r, (_, i) => w.mag.subarray(i * nk, (i + 1) * nk));
}

const f3 = (x: number) => x.toFixed(3);
const fk = (x: number) => x.toFixed(2);
const sup = (w: number) => String(w).replace(/./g, (ch) => '⁰¹²³⁴⁵⁶⁷⁸⁹⁻·'['0123456789-.'.indexOf(ch)] ?? ch);

/** A maximum on the first or last row of its window is not a peak inside it. */
function edgeWarnings(w: WaveletResult, maxima: ReturnType<typeof waveletMaxima>, windows: boolean): string[] {
  if (!windows) return [];
  const step = w.r[2]! - w.r[1]!;
  return maxima
    .filter((m) => m.r - m.rmin < step / 2 || m.rmax - m.r < step / 2)
    .map((m) => `the maximum in R ${m.rmin}–${m.rmax} Å lies on the window's edge (R = ${f3(m.r)} Å): the peak is outside the window; widen it`);
}

export function waveletCommand(file: string, o: Opts, io: Io): void {
  const opts = waveletOptions(o);
  const input = loadChi(file, o);
  const tag = (e: unknown): never => {
    // the library's messages say what and what to do; the file is known only here
    if (e instanceof XafsError && !e.message.startsWith(input.source)) throw new XafsError(e.code, `${input.source}: ${e.message}`, e.exitCode);
    throw e;
  };
  let w: WaveletResult;
  let maxima: ReturnType<typeof waveletMaxima>;
  const windows = o.rwindow as Array<[number, number]> | undefined;
  try {
    w = wavelet(input.k, input.chi, opts);
    maxima = waveletMaxima(w, windows);
  } catch (e) {
    return tag(e);
  }
  const warnings = [...input.warnings, ...edgeWarnings(w, maxima, windows !== undefined)];
  const kweight = opts.kweight ?? 0;
  const morlet = w.kind === 'morlet' ? { eta: opts.eta ?? 5, sigma: opts.sigma ?? 1 } : {};
  const rmaxOut = w.r[w.r.length - 1]!;
  // render before printing anything, so a failure leaves no half-written output behind
  let text: string;
  if (o.json) {
    text =
      toJson({
        file: input.source,
        input: input.input,
        ...(input.e0 !== undefined ? { e0: input.e0 } : {}),
        kind: w.kind,
        kweight,
        rmaxOut,
        ...morlet,
        k: w.k,
        r: w.r,
        mag: rowsOf(w),
        max: w.max,
        maxima,
        warnings,
      }) + '\n';
  } else {
    const name = w.kind === 'cauchy' ? 'Cauchy wavelet (Larch cauchy_wavelet)' : `Morlet wavelet (η ${morlet.eta}, σ ${morlet.sigma})`;
    const weighted = kweight === 0 ? 'χ(k)' : `k${sup(kweight)}·χ(k)`;
    const lines = [
      `${input.source}: ${name} of ${weighted}${input.e0 !== undefined ? `, e0 ${input.e0} eV` : ''}`,
      `  grid      k ${fk(w.k[0]!)}–${fk(w.k[w.k.length - 1]!)} Å⁻¹ (${w.k.length} points), R 0–${rmaxOut} Å (${w.r.length} rows, step ${(w.r[2]! - w.r[1]!).toFixed(4)} Å)`,
      `  maximum   |W| ${w.max.value.toPrecision(4)} at k = ${fk(w.max.k)} Å⁻¹, R = ${f3(w.max.r)} Å`,
    ];
    if (windows) for (const m of maxima) lines.push(`  R ${m.rmin}–${m.rmax} Å  |W| ${m.value.toPrecision(4)} at k = ${fk(m.k)} Å⁻¹, R = ${f3(m.r)} Å`);
    text = lines.join('\n') + '\n';
  }
  for (const msg of warnings) io.err(`xafs: warning: ${msg}\n`);
  if (o.out) {
    const written = writeMap(String(o.out), input.source, w, kweight);
    io.err(`xafs: wrote ${written.join(', ')}\n`);
  }
  io.out(text);
}

/** NAME.KIND.csv (|W|: first row k, first column R) and NAME.KIND.dat (r, k, |W|, Re W, Im W). */
export function writeMap(dir: string, source: string, w: WaveletResult, kweight: number): string[] {
  const base = `${outputStem(source)}.${w.kind}`;
  const nk = w.k.length;
  const nr = w.r.length;
  const unit = kweight === 0 ? 'no unit' : `Å^-${kweight}`;
  const title = [`xafs ${version()} wavelet ${source}`, `${w.kind} wavelet of k^${kweight}·chi(k); R grid linspace(0, ${w.r[nr - 1]}, ${nr}) (Larch sets r[0] = 1e-19)`];
  const r = new Float64Array(nr * nk);
  const k = new Float64Array(nr * nk);
  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nk; j++) {
      r[i * nk + j] = i === 0 ? 0 : w.r[i]!;
      k[i * nk + j] = w.k[j]!;
    }
  }
  const dat = writeColumns(dir, `${base}.dat`, title, [
    { name: 'r', desc: 'Å', values: r },
    { name: 'k', desc: 'Å⁻¹', values: k },
    { name: 'mag', desc: `|W|, ${unit}`, values: w.mag },
    { name: 're', desc: `Re W, ${unit}`, values: w.re ?? new Float64Array(nr * nk) },
    { name: 'im', desc: `Im W, ${unit}`, values: w.im ?? new Float64Array(nr * nk) },
  ]);
  // (writeColumns has made the folder)
  const lines = ['r\\k,' + Array.from(w.k, (x) => String(+x.toFixed(10))).join(',')];
  for (let i = 0; i < nr; i++) {
    const row = w.mag.subarray(i * nk, (i + 1) * nk);
    lines.push(`${i === 0 ? 0 : +w.r[i]!.toFixed(12)},` + Array.from(row, (x) => x.toPrecision(10)).join(','));
  }
  const csv = join(dir, `${base}.csv`);
  try {
    writeFileSync(csv, lines.join('\n') + '\n');
  } catch (e) {
    throw new XafsError('EOPTION', `--out ${dir}: cannot write ${base}.csv (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass --out a folder you can write to`);
  }
  return [csv, dat];
}
