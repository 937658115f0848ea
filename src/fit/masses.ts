/**
 * Standard atomic masses (amu) and element symbols for Z = 1..98, as xraydb gives them: the
 * masses Larch 0.9.58 (FeffDatFile, sigma2_eins, sigma2_debye) takes for the atoms of a path.
 * Data, not code: generated once with xraydb 4.4.7 (python3-xraydb) by
 * `/usr/bin/python3 fixtures/fit/make_reference.py --masses` (atomic_symbol(z), atomic_mass(z)).
 */
import { XafsError } from '../errors.js';

const SYMBOLS = 'H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf'.split(' ');

// prettier-ignore
const MASSES = [
  1.0078, 4.0026, 6.94, 9.0122, 10.81, 12.011, 14.007, 15.999, 18.9984, 20.1797,
  22.9898, 24.305, 26.9815, 28.085, 30.9738, 32.06, 35.453, 39.948, 39.0983, 40.078,
  44.9559, 47.867, 50.9415, 51.996, 54.938, 55.845, 58.9332, 58.6934, 63.546, 65.38,
  69.72, 72.63, 74.9216, 78.971, 79.904, 83.798, 85.4678, 87.62, 88.9058, 91.224,
  92.9064, 95.95, 97.907, 101.07, 102.906, 106.42, 107.868, 112.414, 114.818, 118.71,
  121.76, 127.6, 126.905, 131.293, 132.905, 137.327, 138.905, 140.116, 140.908, 144.242,
  145.0, 150.36, 151.96, 157.25, 158.925, 162.5, 164.93, 167.259, 168.934, 173.045,
  174.967, 178.49, 180.948, 183.84, 186.207, 190.23, 192.217, 195.084, 196.967, 200.592,
  204.383, 207.2, 208.98, 209.0, 210.0, 222.0, 223.0, 226.0, 227.0, 232.038,
  231.036, 238.029, 237.048, 239.052, 243.0, 247.0, 247.0, 251.0,
];

function checkZ(z: number): void {
  if (!Number.isInteger(z) || z < 1 || z > MASSES.length) {
    throw new XafsError('EOPTION', `atomic number ${z} is outside 1..${MASSES.length}: expected an element from H to Cf`);
  }
}

/** Standard atomic mass (amu) of element z (1..98), xraydb's value. */
export function atomicMass(z: number): number {
  checkZ(z);
  return MASSES[z - 1]!;
}

/** Element symbol of atomic number z (1..98): 'H', 'He', ... 'Cf'. */
export function elementSymbol(z: number): string {
  checkZ(z);
  return SYMBOLS[z - 1]!;
}
