/**
 * feff.inp text from a cluster. One unique potential per element (the absorber ipot 0, the others
 * numbered by first appearance outwards), the absorber at the origin, atoms sorted by distance.
 *
 * Card differences between the two programs of Debian's feff85exafs:
 * - feff8l (FEFF 8.5L: rdinp, pot, xsph, pathfinder, genfmt, ff2x from one feff.inp) takes EDGE and
 *   S02, RPATH, CONTROL and PRINT with six module flags, EXCHANGE;
 * - feff6l (FEFF 6L.02) refuses EDGE, S02 and RPATH ("Unknown keyword ... Fatal Error at RDINP"): it
 *   takes HOLE (hole number and S0²), RMAX, and four-flag CONTROL/PRINT, and only K and L edges
 *   (HOLE 5-9, the M edges, stop in SETGAM).
 * The feff8l cards are those of the project's reference run (fixtures/feff/RuN2CuN3_Ru_feff8):
 * non-SCF potentials, Hedin–Lundqvist exchange, paths.dat written, no FMS.
 */
import { XafsError } from '../errors.js';
import { atomicNumber, elementSymbol as symbolOf } from './elements.js';
import { EDGE_HOLES, type Cluster } from './structure.js';

export type FeffProgram = 'feff8l' | 'feff6l';

/** What feff.inp is written with; every field resolved (see FeffCommonOptions for meanings). */
export interface FeffInpOptions {
  edge: string;
  s02: number;
  rmax: number;
  nleg: number;
  title: string;
  program: FeffProgram;
}

/** FEFF's limit on unique potentials, the absorber's included: ipot 0..11 in feff8l, 0..7 in feff6l ("Unique potential 8 not allowed"). */
export const MAX_POTENTIALS: Readonly<Record<FeffProgram, number>> = { feff8l: 12, feff6l: 8 };

/** Resolved edge name ('k' → 'K'), or XafsError EOPTION listing the edges FEFF knows. */
export function checkEdge(edge: string): string {
  const e = edge.trim().toUpperCase();
  if (!(e in EDGE_HOLES)) throw new XafsError('EOPTION', `unknown edge '${edge}': use one of ${Object.keys(EDGE_HOLES).join(', ')}`);
  return e;
}

const f = (x: number, w: number, d: number): string => (x.toFixed(d) === `-${(0).toFixed(d)}` ? (0).toFixed(d) : x.toFixed(d)).padStart(w);

/** The feff.inp text for `cluster` (atoms[0] the absorber at the origin). */
export function writeFeffInp(cluster: Cluster, o: FeffInpOptions): string {
  const edge = checkEdge(o.edge);
  if (o.program === 'feff6l' && EDGE_HOLES[edge]! > 4) {
    // feff6l's core-hole widths stop at L3: HOLE 5..9 end in "Fatal Error: at SETGAM-2"
    throw new XafsError('EOPTION', `feff6l computes K, L1, L2 and L3 edges only, not ${edge}: use feff8l (--feff 8)`);
  }
  const abs = cluster.atoms[0]!;
  const ipotOf = new Map<string, number>();
  const pots: { ipot: number; z: number; element: string }[] = [{ ipot: 0, z: atomicNumber(abs.element, ''), element: abs.element }];
  for (const a of cluster.atoms.slice(1)) {
    if (!ipotOf.has(a.element)) {
      ipotOf.set(a.element, pots.length);
      pots.push({ ipot: pots.length, z: atomicNumber(a.element, ''), element: a.element });
    }
  }
  if (pots.length > MAX_POTENTIALS[o.program]) {
    throw new XafsError(
      'EOPTION',
      `${cluster.source}: ${pots.length} unique potentials (${pots.map((p) => p.element).join(', ')}) but ${o.program} takes at most ${MAX_POTENTIALS[o.program]}: reduce rmax or remove minor elements${o.program === 'feff6l' ? ' (feff8l takes 12)' : ''}`,
    );
  }
  const title = o.title.replace(/[\r\n]+/g, ' ').slice(0, 70);
  const lines: string[] = [`TITLE ${title}`];
  if (o.program === 'feff8l') {
    lines.push(`EDGE      ${edge}`, `S02       ${o.s02}`, 'CONTROL   1      1     1     1     1      1', 'PRINT     1      0     0     0     0      3', 'EXCHANGE  0', `RPATH     ${o.rmax}`);
  } else {
    lines.push(`HOLE      ${EDGE_HOLES[edge]}  ${o.s02}`, 'CONTROL   1      1     1     1', 'PRINT     1      0     0     0', `RMAX      ${o.rmax}`);
  }
  lines.push(`NLEG      ${o.nleg}`, 'POTENTIALS', '*  ipot   Z  element');
  for (const p of pots) lines.push(`${String(p.ipot).padStart(5)} ${String(p.z).padStart(4)}   ${p.element}`);
  lines.push('ATOMS');
  cluster.atoms.forEach((a, i) => {
    const ipot = i === 0 ? 0 : ipotOf.get(a.element)!;
    lines.push(`${f(a.x, 11, 6)} ${f(a.y, 11, 6)} ${f(a.z, 11, 6)} ${String(ipot).padStart(3)}  ${a.element.padEnd(3)}${f(a.r, 10, 5)}`);
  });
  lines.push('END', '');
  return lines.join('\n');
}

/**
 * The absorber and edge an existing feff.inp declares (ipot 0 of POTENTIALS; EDGE or HOLE), for
 * the run's summary. Undefined fields when the file does not say (FEFF's defaults then apply).
 */
export function describeFeffInp(text: string): { absorber?: string; edge?: string } {
  const out: { absorber?: string; edge?: string } = {};
  const lines = text.split(/\r?\n/);
  let inPot = false;
  for (const raw of lines) {
    const line = raw.replace(/[*!%].*$/, '').trim();
    if (!line) continue;
    const w = line.split(/\s+/);
    const card = w[0]!.toUpperCase();
    if (/^[A-Z]/.test(card)) {
      inPot = card.startsWith('POT');
      if (card === 'EDGE' && w[1]) out.edge = w[1].toUpperCase();
      if (card === 'HOLE' && w[1]) out.edge = Object.keys(EDGE_HOLES).find((k) => EDGE_HOLES[k] === Number(w[1]));
      continue;
    }
    if (inPot && w[0] === '0' && w[1]) {
      const z = Number(w[1]);
      if (Number.isInteger(z) && z >= 1 && z <= 98) out.absorber = symbolOf(z);
    }
  }
  return out;
}
