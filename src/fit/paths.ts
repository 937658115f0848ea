/**
 * The paths of a FEFF run (`xafs paths FEFFDIR`): every feffNNNN.dat with its label, legs,
 * degeneracy, reff and importance. FEFF8L here writes no files.dat, so importance is computed:
 * the curved-wave amplitude Σ_k degen·|F(k)|·exp(−2 reff/λ(k))/(k·reff²) over the path's table,
 * as a percentage of the largest path (FEFF's files.dat "amp ratio" is the same idea).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XafsError } from '../errors.js';
import { readFeffDat } from '../io/feffdat.js';
import { elementSymbol } from './masses.js';

export interface PathListEntry {
  index: number;
  file: string;
  label: string;
  nleg: number;
  degen: number;
  reff: number;
  importance: number;
}

export function listFeffPaths(dir: string): PathListEntry[] {
  if (!existsSync(dir)) throw new XafsError('ENOENT', `folder not found: '${dir}'; give the folder FEFF ran in (with feff0001.dat, ...)`);
  if (!statSync(dir).isDirectory()) throw new XafsError('EOPTION', `'${dir}' is a file; give the folder FEFF ran in (with feff0001.dat, ...)`);
  const files = readdirSync(dir)
    .filter((f) => /^feff\d{4}\.dat$/i.test(f))
    .sort();
  if (files.length === 0) throw new XafsError('ENOENT', `${dir} holds no feffNNNN.dat files: run FEFF there first (xafs feff, or feff8l/feff6l)`);
  const entries = files.map((f) => {
    const d = readFeffDat(join(dir, f));
    let amp = 0;
    for (let i = 0; i < d.k.length; i++) {
      const k = d.k[i];
      if (k <= 0) continue;
      amp += (d.degen * d.amp[i] * Math.exp((-2 * d.reff) / d.lam[i])) / (k * d.reff * d.reff);
    }
    const atoms = d.geom.map((g) => elementSymbol(g.iz));
    return { index: Number(f.slice(4, 8)), file: f, label: atoms.join('-'), nleg: d.nleg, degen: d.degen, reff: d.reff, importance: amp };
  });
  const max = Math.max(...entries.map((e) => e.importance));
  return entries.map((e) => ({ ...e, importance: (100 * e.importance) / max }));
}
