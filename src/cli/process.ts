// `xafs process FILE`: read → pre_edge → autobk → xftf → xftr; text summary, --json or --out.
import { basename } from 'node:path';
import { XafsError } from '../errors.js';
import { readSpectrum } from '../io/read.js';
import { processSpectrum, XANES_K_LIMIT, type ProcessOptions, type ProcessResult } from '../process.js';
import { version, type Io } from './program.js';
import { checkExpression, toJson, writeColumns } from './format.js';

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
    ...(bkg.deltaBkg && { deltaBkg: bkg.deltaBkg }),
    k: bkg.k,
    chi: bkg.chi,
    ...(bkg.deltaChi && { deltaChi: bkg.deltaChi }),
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
    `  ranges     pre-edge ${f(d.pre1)} to ${f(d.pre2)} eV, post-edge ${f(d.norm1)} to ${f(d.norm2)} eV from e0 (nnorm ${d.nnorm})`,
    `  autobk     k ${f(bkg.autobkDetails.kmin)}–${f(bkg.autobkDetails.kmax)} Å⁻¹, ${bkg.autobkDetails.nspl} knots, χ(k) on ${bkg.k.length} points${bkg.autobkDetails.kmax < XANES_K_LIMIT ? ' (a XANES scan: no EXAFS below k 5 Å⁻¹)' : ''}`,
    `  xftf       k ${f(ft.kmin)}–${f(ft.kmax)} Å⁻¹, ${ft.window} dk ${f(ft.dk)}, k-weight ${ft.kweight}`,
    `  |χ(R)|     peak ${p.value.toPrecision(5)} Å^${-(ft.kweight + 1)} at R = ${p.r.toFixed(3)} Å (no phase correction)`,
    '',
  ].join('\n');
}

/**
 * Output file stem: the file name without its extension; for an Athena group (`cu.prj#cu010k.dat`)
 * the group label is appended, so groups of one project written to one folder do not collide.
 */
export function outputStem(label: string): string {
  const [path, group] = label.split(/#(.*)/s);
  const stem = basename(path!).replace(/\.[^.]*$/, '') || 'spectrum';
  return group ? `${stem}_${group.replace(/[^\w.-]+/g, '_')}` : stem;
}

export function writeOutputs(dir: string, file: string, res: ProcessResult): string[] {
  const base = outputStem(file);
  const { pre, bkg, ft, bft } = res;
  const title = [
    `xafs ${version()} process ${file}`,
    `e0 = ${res.e0} eV, edge step = ${res.edgeStep}`,
    `xftf: ${ft.window} window, k ${ft.kmin}–${ft.kmax} Å⁻¹, dk ${ft.dk}, dk2 ${ft.dk2}, k-weight ${ft.kweight}`,
  ];
  const kw = ft.kweight;
  const per = (p: number) => (p === 0 ? 'no unit' : `Å^-${p}`);
  const chikw = Float64Array.from(bkg.chi, (c, i) => c * bkg.k[i]! ** kw);
  return [
    writeColumns(dir, `${base}.norm.dat`, title, [
      { name: 'energy', desc: 'eV', values: res.energy },
      { name: 'mu', desc: 'μ(E) as read (absorbance, no unit)', values: res.mu },
      { name: 'norm', desc: 'normalized μ(E), no unit', values: pre.norm },
      { name: 'flat', desc: 'flattened normalized μ(E), no unit', values: pre.flat },
      { name: 'dmude', desc: 'dμ/dE, 1/eV', values: pre.dmude },
      { name: 'pre_edge', desc: 'pre-edge line, μ units', values: pre.preEdgeLine },
      { name: 'post_edge', desc: 'post-edge curve, μ units', values: pre.postEdgeCurve },
      { name: 'bkg', desc: 'AUTOBK background μ0(E), μ units', values: bkg.bkg },
      ...(bkg.deltaBkg ? [{ name: 'delta_bkg', desc: 'uncertainty of μ0(E) (AUTOBK, 1σ), μ units', values: bkg.deltaBkg }] : []),
    ]),
    writeColumns(dir, `${base}.chik.dat`, title, [
      { name: 'k', desc: 'Å⁻¹', values: bkg.k },
      { name: 'chi', desc: 'χ(k), no unit', values: bkg.chi },
      { name: `chik${kw}`, desc: `k^${kw}·χ(k), ${per(kw)}`, values: chikw },
      { name: 'kwin', desc: `FT window (${ft.window}), no unit`, values: ft.kwin },
      ...(bkg.deltaChi ? [{ name: 'delta_chi', desc: 'uncertainty of χ(k) (AUTOBK, 1σ), raw μ units as Larch', values: bkg.deltaChi }] : []),
    ]),
    writeColumns(dir, `${base}.chir.dat`, title, [
      { name: 'r', desc: 'Å', values: ft.r },
      { name: 'chir_mag', desc: `|χ(R)|, ${per(kw + 1)}`, values: ft.chirMag },
      { name: 'chir_re', desc: `Re χ(R), ${per(kw + 1)}`, values: ft.chirRe },
      { name: 'chir_im', desc: `Im χ(R), ${per(kw + 1)}`, values: ft.chirIm },
    ]),
    writeColumns(dir, `${base}.chiq.dat`, title, [
      { name: 'q', desc: 'Å⁻¹', values: bft.q },
      { name: 'chiq_re', desc: `Re χ(q) (k^${kw}-weighted, windowed), ${per(kw)}`, values: bft.chiqRe },
      { name: 'chiq_im', desc: `Im χ(q), ${per(kw)}`, values: bft.chiqIm },
      { name: 'chiq_mag', desc: `|χ(q)|, ${per(kw)}`, values: bft.chiqMag },
    ]),
  ];
}


export function processCommand(file: string, o: Opts, io: Io): void {
  checkExpression('--mu', s(o, 'mu'));
  checkExpression('--energy', s(o, 'energy'));
  const spectrum = readSpectrum(file, { mu: s(o, 'mu'), energy: s(o, 'energy'), group: s(o, 'group'), sort: o.sort !== false });
  let res: ProcessResult;
  try {
    res = processSpectrum(spectrum, processOptions(o));
  } catch (e) {
    // what the reader noticed (energy column guessed, keV converted, ...) often explains the failure
    for (const w of spectrum.warnings ?? []) io.err(`xafs: warning: ${w}\n`);
    throw e;
  }
  const label = spectrum.source ?? file;
  // render before printing anything, so a failure leaves no half-written output behind
  const text = o.json ? toJson(processJson(label, res)) + '\n' : summary(label, res);
  for (const w of res.warnings) io.err(`xafs: warning: ${w}\n`);
  if (o.out) {
    const written = writeOutputs(String(o.out), label, res);
    io.err(`xafs: wrote ${written.join(', ')}\n`);
  }
  io.out(text);
}
