/**
 * FEFF path files (feffNNNN.dat, FEFF6 and FEFF8) as Larch 0.9.58 FeffDatFile reads them
 * (docs/docs/conventions.md §4.1): a header with potentials and the Fermi-level line, a path
 * block after the `----` line, then the 7-column table after the `k real[2*phc] ... real[p]@#`
 * line.
 */
import { XafsError } from '../errors.js';
import type { FeffAtom, FeffDat, FeffPotential } from '../types.js';
import { pyFloat, pySplit, pyStrip, sourceText, type TextSource } from './text.js';

const SYMBOLS = (
  'H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr ' +
  'Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb ' +
  'Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr'
).split(' ');

/** True when text looks like a feff.dat: a `----` path separator and the `k ... real[p]@#` table header. */
export function isFeffDatText(text: string): boolean {
  return /^\s*#?\s*k\s.*real\[p\]@#\s*$/m.test(text) && /^\s*#?\s*-{4,}/m.test(text);
}

/**
 * Read a feff.dat path file. Header values keep Feff's units (rnorman and the potentials' radii
 * in bohr, energies in eV, reff in Å). Derived arrays as Larch: pha = real[2*phc] + phase[feff],
 * amp = mag[feff]·red factor, lam = lambda, rep = real[p].
 * Throws XafsError EFEFF naming the file and line for a malformed file, ENOENT when missing.
 *
 * Departure: Larch drops the last character of every line assuming a newline (pitfall 27), so
 * a file without a final newline loses a digit of its last number; we strip line ends instead.
 */
export function readFeffDat(input: string | TextSource): FeffDat {
  const { text, path } = sourceText(input);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();

  const fail = (lineNo: number, what: string): never => {
    throw new XafsError('EFEFF', `${path} line ${lineNo}: ${what}; is this a complete feffNNNN.dat from FEFF? rerun FEFF or restore the file`);
  };
  const num = (word: string | undefined, lineNo: number, what: string): number => {
    const v = word === undefined ? null : pyFloat(word);
    if (v === null) fail(lineNo, `expected a number for ${what}, found '${word ?? ''}'`);
    return v as number;
  };
  const int = (word: string | undefined, lineNo: number, what: string): number => {
    const v = num(word, lineNo, what);
    if (!Number.isInteger(v)) fail(lineNo, `expected an integer for ${what}, found '${word}'`);
    return v;
  };

  if (lines.length === 0 || text.trim() === '') {
    throw new XafsError('EFEFF', `${path} is empty; expected a FEFF path file (feffNNNN.dat)`);
  }

  let title = '';
  let version = '';
  const potentials: FeffPotential[] = [];
  const geom: FeffAtom[] = [];
  let gamCh: number | null = null;
  let exch = '';
  let mu: number | null = null;
  let kf: number | null = null;
  let vint: number | null = null;
  let rsInt: number | null = null;
  let nleg = NaN;
  let degen = NaN;
  let reff = NaN;
  let rnorman = NaN;
  let edge = NaN;
  const table: number[][] = [[], [], [], [], [], [], []];
  let mode: 'header' | 'path' | 'arrays' = 'header';
  let pathLine = 0;
  let sawPath = false;
  let sawArrays = false;

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    if (line.startsWith('#')) line = line.slice(1);
    line = pyStrip(line);
    if (lineNo === 1) {
      // Larch: title = first 64 characters of the stripped line, version = the rest
      title = pyStrip(line.slice(0, 64));
      version = pyStrip(line.slice(64));
      continue;
    }
    if (line.startsWith('k') && line.endsWith('real[p]@#')) {
      mode = 'arrays';
      sawArrays = true;
      continue;
    } else if (line.slice(2, 10).includes('----')) {
      mode = 'path';
      sawPath = true;
      continue;
    }
    if (mode === 'header') {
      if (line.startsWith('Abs') || line.startsWith('Pot')) {
        const words = pySplit(line.replace(/=/g, ' '));
        words.shift();
        let ipot = 0;
        if (line.startsWith('Pot')) ipot = int(words.shift(), lineNo, 'the potential index');
        potentials.push({
          ipot,
          iz: int(words[1], lineNo, 'Z'),
          rmt: num(words[3], lineNo, 'Rmt'),
          rnm: num(words[5], lineNo, 'Rnm'),
        });
      } else if (line.startsWith('Gam_ch')) {
        // Larch splits 'Gam_ch=1.761E+00 H-L exch' on the first two spaces
        let words = line.replace(/=/g, ' ').split(' ');
        if (pyFloat(words[1] ?? '') === null) words = pySplit(line.replace(/=/g, ' ')); // 'Gam_ch= 1.7' spacing
        gamCh = num(words[1], lineNo, 'Gam_ch');
        exch = words.slice(2).join(' ');
      } else if (line.startsWith('Mu')) {
        const words = pySplit(line.replace(/=/g, ' '));
        mu = num(words[1], lineNo, 'Mu');
        kf = num(words[3], lineNo, 'kf');
        vint = num(words[5], lineNo, 'Vint');
        rsInt = num(words[7], lineNo, 'Rs_int');
      }
    } else if (mode === 'path') {
      pathLine++;
      if (pathLine === 1) {
        const w = pySplit(line);
        if (w.length < 5) fail(lineNo, `expected 'nleg, deg, reff, rnrmav(bohr), edge' (5 numbers), found '${line}'`);
        nleg = int(w[0], lineNo, 'nleg');
        degen = num(w[1], lineNo, 'degeneracy');
        reff = num(w[2], lineNo, 'reff');
        rnorman = num(w[3], lineNo, 'rnrmav');
        edge = num(w[4], lineNo, 'edge');
      } else if (pathLine > 2 && line.length > 0) {
        const w = pySplit(line);
        if (w.length < 5) fail(lineNo, `expected an atom 'x y z ipot iz [label]', found '${line}'`);
        const iz = int(w[4], lineNo, 'iz');
        geom.push({
          x: num(w[0], lineNo, 'x'),
          y: num(w[1], lineNo, 'y'),
          z: num(w[2], lineNo, 'z'),
          ipot: int(w[3], lineNo, 'ipot'),
          iz,
          label: w[5] ?? SYMBOLS[iz - 1] ?? `Z${iz}`,
        });
      }
    } else {
      const w = pySplit(line);
      if (w.length === 0) continue;
      const values = w.map((x) => pyFloat(x));
      const bad = values.findIndex((v) => v === null);
      if (bad >= 0) fail(lineNo, `'${w[bad]}' in the k table is not a number`);
      // Larch keeps only rows of exactly 7 numbers and skips others silently; a short row means a
      // cut-off file, which we refuse rather than fit with a missing point.
      if (w.length !== 7) {
        fail(lineNo, `a row of the k table has ${w.length} numbers, expected 7 (k, real[2*phc], mag, phase, red factor, lambda, real[p])`);
      }
      for (let c = 0; c < 7; c++) table[c]!.push(values[c]!);
    }
  }

  const last = lines.length;
  if (!sawPath) fail(last, `no '-----' line before the path block (nleg, deg, reff, ...)`);
  if (Number.isNaN(nleg)) fail(last, `no path line 'nleg, deg, reff, rnrmav(bohr), edge'`);
  if (!sawArrays) fail(last, `no table header 'k real[2*phc] mag[feff] phase[feff] red factor lambda real[p]@#'`);
  if (table[0]!.length < 2) fail(last, `the k table has ${table[0]!.length} rows`);

  const [k, real2phc, magFeff, phaseFeff, redFactor, lambda, realP] = table.map((c) => Float64Array.from(c)) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const n = k.length;
  const pha = new Float64Array(n);
  const amp = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    pha[i] = real2phc[i]! + phaseFeff[i]!;
    amp[i] = magFeff[i]! * redFactor[i]!;
  }
  return {
    format: 'feffdat',
    path,
    title,
    version,
    potentials,
    gamCh,
    exch,
    mu,
    kf,
    vint,
    rsInt,
    nleg,
    degen,
    reff,
    rnorman,
    edge,
    geom,
    k,
    real2phc,
    magFeff,
    phaseFeff,
    redFactor,
    lambda,
    realP,
    pha,
    amp,
    lam: lambda.slice(),
    rep: realP.slice(),
  };
}
