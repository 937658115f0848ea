/**
 * Element symbols ↔ atomic numbers for the structure readers. Symbols are matched without regard
 * to case ('CU', 'cu' → Cu); CIF type symbols carry charges or digits ('Cu2+', 'O1-', 'Fe3') that
 * are stripped first. The symbol table is src/fit/masses.ts's (xraydb, Z = 1..98).
 */
import { XafsError } from '../errors.js';
import { elementSymbol } from '../fit/masses.js';

const BY_SYMBOL = new Map<string, number>();
for (let z = 1; z <= 98; z++) BY_SYMBOL.set(elementSymbol(z).toLowerCase(), z);

/** Atomic number of an element symbol, or undefined when it is not one (H..Cf). */
export function lookupElement(symbol: string): number | undefined {
  return BY_SYMBOL.get(symbol.trim().toLowerCase());
}

/**
 * Atomic number of `symbol`; throws XafsError EFORMAT `unknown element 'Xx' <where>` naming the
 * place (file and line) the caller passes.
 */
export function atomicNumber(symbol: string, where: string): number {
  const z = lookupElement(symbol);
  if (z === undefined) {
    throw new XafsError('EFORMAT', `unknown element '${symbol}'${where ? ` ${where}` : ''}: use an element symbol from H to Cf (Fe, Cu, O, ...)`);
  }
  return z;
}

/** The canonical spelling ('CU' → 'Cu'); throws like atomicNumber. */
export function canonicalElement(symbol: string, where: string): string {
  return elementSymbol(atomicNumber(symbol, where));
}

/**
 * The element of a CIF `_atom_site_type_symbol` or label: leading letters, charge and digits
 * stripped ('Cu2+' → 'Cu', 'O1' → 'O', 'OW1' → 'O'). Two-letter prefixes win when they are an
 * element ('Co1' → 'Co', not 'C'); the result is checked by the caller with atomicNumber.
 */
export function elementOfLabel(label: string): string {
  const m = /^([A-Za-z]{1,2})/.exec(label.trim());
  if (!m) return label;
  const two = m[1]!;
  if (two.length === 2 && lookupElement(two) !== undefined) return elementSymbol(lookupElement(two)!);
  const one = two[0]!;
  if (lookupElement(one) !== undefined) return elementSymbol(lookupElement(one)!);
  return two;
}

export { elementSymbol };
