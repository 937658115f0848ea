// `xafs process FILE`: read → pre_edge → autobk → xftf → xftr; text summary, --json or --out.
import { basename } from 'node:path';
import { readSpectrum } from '../io/read.js';
import { processSpectrum, type ProcessOptions, type ProcessResult } from '../process.js';
import type { Io } from './program.js';
import { toJson, writeColumns } from './format.js';

type Opts = Record<string, unknown>;

const n = (o: Opts, key: string) => o[key] as number | undefined;
const s = (o: Opts, key: string) => o[key] as string | undefined;

/** CLI option names (commander camelCase) → API options; undefined means Larch's default. */
export function processOptions(o: Opts): ProcessOptions {
  const drop = <T extends object>(x: T): T => Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as T;
  return {
    preEdge: drop({ e0: n(o, 'e0'), pre1: n(o, 'pre1'), pre2: n(o, 'pre2'), norm1: n(o, 'norm1'), norm2: n(o, 'norm2'), nnorm: n(o, 'nnorm'), nvict: n(o, 'nvict') }),
    autobk: drop({
      rbkg: n(o, 'rbkg'),
      kweight: n(o, 'bkgKweight'),
      kmin: n(o, 'bkgKmin'),
      kmax: n(o, 'bkgKmax'),
      dk: n(o, 'bkgDk'),
      window: s(o, 'bkgWindow'),
      nknots: n(o, 'nknots'),
      nclamp: n(o, 'nclamp'),
      clampLo: n(o, 'clampLo'),
      clampHi: n(o, 'clampHi'),
    }),
    xftf: drop({ kmin: n(o, 'kmin'), kmax: n(o, 'kmax'), dk: n(o, 'dk'), dk2: n(o, 'dk2'), window: s(o, 'window'), kweight: n(o, 'kweight'), rmaxOut: n(o, 'rmaxOut') }),
    xftr: drop({ rmin: n(o, 'rmin'), rmax: n(o, 'rmax'), dr: n(o, 'dr'), dr2: n(o, 'dr2'), window: s(o, 'rwindow'), qmaxOut: n(o, 'qmaxOut') }),
  };
}

export function processJson(file: string, res: ProcessResult) {
  const { pre, bkg, ft, bft } = res;
  return {
    file,
    e0: res.e0,
    edgeStep: res.edgeStep,
    preEdge: pre.preEdge,
    autobk: { kmin: bkg.autobkDetails.kmin, kmax: bkg.autobkDetails.kmax, nknots: bkg.autobkDetails.nspl, irbkg: bkg.autobkDetails.irbkg },
    xftf: { kmin: ft.kmin, kmax: ft.kmax, dk: ft.dk, dk2: ft.dk2, window: ft.window, kweight: ft.kweight },
    energy: res.energy,
    mu: res.mu,
    norm: pre.norm,
    flat: pre.flat,
    dmude: pre.dmude,
    preEdgeLine: pre.preEdgeLine,
    postEdgeCurve: pre.postEdgeCurve,
    bkg: bkg.bkg,
    k: bkg.k,
    chi: bkg.chi,
    kwin: ft.kwin,
    r: ft.r,
    chirMag: ft.chirMag,
    chirRe: ft.chirRe,
    chirIm: ft.chirIm,
    q: bft.q,
    chiqRe: bft.chiqRe,
    chiqIm: bft.chiqIm,
    chiqMag: bft.chiqMag,
    warnings: res.warnings,
  };
}

function peak(r: Float64Array, mag: Float64Array): { r: number; value: number } {
  let im = 0;
  for (let i = 1; i < mag.length; i++) if (mag[i] > mag[im]) im = i;
  return { r: r[im], value: mag[im] };
}

export function summary(file: string, res: ProcessResult): string {
  const { pre, bkg, ft } = res;
  const d = pre.preEdge;
  const p = peak(ft.r, ft.chirMag);
  const f = (x: number, k = 3) => (Number.isInteger(x) ? String(x) : x.toFixed(k));
  return [
    `${file}: ${res.energy.length} points, ${f(res.energy[0], 2)}–${f(res.energy[res.energy.length - 1], 2)} eV`,
    `  e0         ${f(res.e0, 3)} eV`,
    `  edge step  ${res.edgeStep.toPrecision(6)}`,
    `  pre-edge   ${f(d.pre1)} to ${f(d.pre2)} eV   post-edge ${f(d.norm1)} to ${f(d.norm2)} eV (nnorm ${d.nnorm})`,
    `  autobk     k ${f(bkg.autobkDetails.kmin)}–${f(bkg.autobkDetails.kmax)} Å⁻¹, ${bkg.autobkDetails.nspl} knots, χ(k) on ${bkg.k.length} points`,
    `  xftf       k ${f(ft.kmin)}–${f(ft.kmax)} Å⁻¹, ${ft.window} dk ${f(ft.dk)}, k-weight ${ft.kweight}`,
    `  |χ(R)|     peak ${p.value.toPrecision(5)} Å^${-(ft.kweight + 1)} at R = ${p.r.toFixed(3)} Å (no phase correction)`,
    '',
  ].join('\n');
}

export function writeOutputs(dir: string, file: string, res: ProcessResult): string[] {
  const base = basename(file).replace(/\.[^.]*$/, '') || 'spectrum';
  const { pre, bkg, ft, bft } = res;
  const title = [`xafs process ${file}`, `e0 = ${res.e0} eV, edge step = ${res.edgeStep}`];
  const kw = ft.kweight;
  const chikw = Float64Array.from(bkg.chi, (c, i) => c * bkg.k[i] ** kw);
  return [
    writeColumns(dir, `${base}.norm.dat`, title, [
      { name: 'energy', desc: 'eV', values: res.energy },
      { name: 'mu', desc: 'μ(E) as read', values: res.mu },
      { name: 'norm', desc: 'normalized μ(E)', values: pre.norm },
      { name: 'flat', desc: 'flattened normalized μ(E)', values: pre.flat },
      { name: 'dmude', desc: 'dμ/dE, 1/eV', values: pre.dmude },
      { name: 'pre_edge', desc: 'pre-edge line', values: pre.preEdgeLine },
      { name: 'post_edge', desc: 'post-edge curve', values: pre.postEdgeCurve },
      { name: 'bkg', desc: 'AUTOBK background μ0(E)', values: bkg.bkg },
    ]),
    writeColumns(dir, `${base}.chik.dat`, title, [
      { name: 'k', desc: 'Å⁻¹', values: bkg.k },
      { name: 'chi', desc: 'χ(k)', values: bkg.chi },
      { name: `chik${kw}`, desc: `k^${kw}·χ(k), Å^-${kw}`, values: chikw },
      { name: 'kwin', desc: 'FT window', values: ft.kwin },
    ]),
    writeColumns(dir, `${base}.chir.dat`, title, [
      { name: 'r', desc: 'Å', values: ft.r },
      { name: 'chir_mag', desc: `|χ(R)|, Å^-${kw + 1}`, values: ft.chirMag },
      { name: 'chir_re', desc: 'Re χ(R)', values: ft.chirRe },
      { name: 'chir_im', desc: 'Im χ(R)', values: ft.chirIm },
    ]),
    writeColumns(dir, `${base}.chiq.dat`, title, [
      { name: 'q', desc: 'Å⁻¹', values: bft.q },
      { name: 'chiq_re', desc: `Re χ(q) (k^${kw}-weighted, windowed)`, values: bft.chiqRe },
      { name: 'chiq_im', desc: 'Im χ(q)', values: bft.chiqIm },
      { name: 'chiq_mag', desc: '|χ(q)|', values: bft.chiqMag },
    ]),
  ];
}

export function processCommand(file: string, o: Opts, io: Io): void {
  const spectrum = readSpectrum(file, { mu: s(o, 'mu'), energy: s(o, 'energy'), group: s(o, 'group'), sort: o.sort !== false });
  const res = processSpectrum(spectrum, processOptions(o));
  for (const w of res.warnings) io.err(`xafs: warning: ${w}\n`);
  const label = spectrum.source ?? file;
  if (o.out) {
    const written = writeOutputs(String(o.out), label.replace(/#.*/, ''), res);
    if (!o.json) io.err(`wrote ${written.join(', ')}\n`);
  }
  if (o.json) io.out(toJson(processJson(label, res)) + '\n');
  else io.out(summary(label, res));
}
