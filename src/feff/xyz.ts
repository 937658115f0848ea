/**
 * XYZ files: the atom count on line 1, a comment on line 2, then one atom a line
 * (`element x y z`, Å; the element may be a symbol or an atomic number; extra columns ignored).
 * A reader: no numerics beyond parsing.
 */
import { XafsError } from '../errors.js';
import { sourceText, type TextSource } from '../io/text.js';
import { elementSymbol, lookupElement } from './elements.js';
import { checkClusterSize, checkStructureBytes, type ClusterAtom } from './structure.js';

export interface XyzFile {
  comment: string;
  /** Atoms in file order; `label` is 'line N'. */
  atoms: ClusterAtom[];
}

/**
 * Reads an XYZ file. The atom count on line 1 is checked against what FEFF takes
 * (MAX_CLUSTER_ATOMS) before any atom is read, and a file path against MAX_STRUCTURE_BYTES before
 * it is read.
 */
export function readXyz(input: string | TextSource): XyzFile {
  if (typeof input === 'string') checkStructureBytes(input, 'XYZ file');
  const { text, path } = sourceText(input);
  const nl = text.indexOf('\n');
  const first = (nl < 0 ? text : text.slice(0, nl)).trim();
  const count = Number(first);
  if (!Number.isInteger(count) || count < 1) {
    throw new XafsError('EFORMAT', `${path} line 1: expected the number of atoms (XYZ format), found '${first.slice(0, 80)}'`);
  }
  checkClusterSize(count, `${path} line 1`, 'cut the XYZ file to the absorber and the atoms within a few Å more than rmax of it (rmax ≤ 12 Å)');
  const lines = text.split(/\r?\n/, count + 2);
  const atoms: ClusterAtom[] = [];
  for (let i = 2; i < 2 + count; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line === undefined || line.trim() === '') {
      throw new XafsError('EFORMAT', `${path} line ${lineNo}: expected atom ${i - 1} of ${count} ('element x y z'), found ${lines.slice(i).every((l) => l.trim() === '') ? 'the end of the file' : 'an empty line'}; fix the atom count on line 1`);
    }
    const w = line.trim().split(/\s+/);
    if (w.length < 4) throw new XafsError('EFORMAT', `${path} line ${lineNo}: expected 'element x y z', found '${line.trim()}'`);
    let el = w[0]!;
    if (/^\d+$/.test(el)) {
      const z = Number(el);
      if (z < 1 || z > 98) throw new XafsError('EFORMAT', `unknown element '${el}' in ${path} line ${lineNo}: use an element symbol from H to Cf (Fe, Cu, O, ...)`);
      el = elementSymbol(z);
    } else if (lookupElement(el) === undefined) {
      throw new XafsError('EFORMAT', `unknown element '${el}' in ${path} line ${lineNo}: use an element symbol from H to Cf (Fe, Cu, O, ...)`);
    } else {
      el = elementSymbol(lookupElement(el)!);
    }
    const xyz = w.slice(1, 4).map(Number);
    const bad = xyz.findIndex((v, j) => !Number.isFinite(v) || w[j + 1]!.trim() === '');
    if (bad >= 0) throw new XafsError('EFORMAT', `${path} line ${lineNo}: coordinate ${'xyz'[bad]} '${w[bad + 1]}' is not a number`);
    atoms.push({ element: el, x: xyz[0]!, y: xyz[1]!, z: xyz[2]!, label: `line ${lineNo}` });
  }
  return { comment: (lines[1] ?? '').trim(), atoms };
}
