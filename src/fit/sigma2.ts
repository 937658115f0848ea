/**
 * σ² models of a scattering path (docs/conventions.md §4.9): Einstein and correlated Debye, as
 * Larch 0.9.58 evaluates sigma2_eins(t, theta) and sigma2_debye(t, theta) inside path expressions.
 * Temperatures in K, results in Å².
 */
import { EINS_FACTOR } from '../constants.js';
import type { FeffPath } from './types.js';

/**
 * Einstein model: EINS_FACTOR/(θ·μ·tanh(θ/2t)) with μ = path.reducedMass = 1/Σ 1/max(0.1, m_i)
 * over every atom of the path, absorber included. t and θ are floored at 1e-5 K as in Larch.
 * (Larch's docstring says coth(2t/θ); the code, reproduced here, is coth(θ/2t).)
 */
export function sigma2Eins(t: number, theta: number, path: FeffPath): number {
  const th = Math.max(theta, 1e-5);
  const tk = Math.max(t, 1e-5);
  return EINS_FACTOR / (th * path.reducedMass * Math.tanh(th / (2.0 * tk)));
}

/**
 * Feff6 sigms.f constants, kept at their feff6 values as Larch does:
 * CONH = (3/2)·ħ²/(k_B·amu)·1e20 (Å²·K·amu), CONR = (9π/2)^(1/3)/bohr (Å⁻¹ per bohr⁻¹).
 */
const CONH = 72.7630804732553;
const CONR = 4.5693349700844;

/** sigms.f debfun: (sin(w·rx)/rx)·coth(w·tx/2), w·coth(w·tx/2) at rx = 0, 2/tx at w = 0. */
function debfun(w: number, rx: number, tx: number): number {
  if (!(w > 1e-20)) return 2.0 / tx;
  const base = rx > 0 ? Math.sin(w * rx) / rx : w;
  const emwt = Math.exp(-Math.min(w * tx, 50.0));
  return base * ((1 + emwt) / (1 - emwt));
}

/**
 * sigms.f debint: ∫₀¹ debfun dw by the trapezoid rule with successive halving, one Richardson
 * step (4T_new − T_old)/3 after each, stopping at a relative change below 1e-9 or after 12
 * halvings. The first comparison is against the plain 2-point trapezoid, as in the original.
 */
function debint(rx: number, tx: number): number {
  let itn = 1;
  let step = 1.0;
  let result = 0.0;
  let bn = (debfun(0.0, rx, tx) + debfun(1.0, rx, tx)) / 2.0;
  let bo = bn;
  for (let iter = 0; iter < 12; iter++) {
    step = step / 2;
    let sum = 0;
    for (let i = 0; i < itn; i++) sum += debfun(step * (2 * i + 1), rx, tx);
    itn = 2 * itn;
    const bnp1 = step * sum + bn / 2.0;
    result = (4 * bnp1 - bn) / 3.0;
    if (Math.abs((result - bo) / result) < 1e-9) break;
    bn = bnp1;
    bo = result;
  }
  return result;
}

/**
 * Correlated Debye model (feff6 sigms.f; Larch's pure-Python port sigma2_correldebye_py, which
 * is what runs where the compiled feff6 library is missing, as in Debian's Larch 0.9.58):
 * σ² = ½ Σ_{i0} Σ_{j0≥i0} s·(r_i0 − r_i1)·(r_j0 − r_j1)·[C(i0,j0) + C(i1,j1) − C(i0,j1) − C(i1,j0)]
 * /(|r_i0 − r_i1|·|r_j0 − r_j1|), i1 = i0+1, j1 = j0+1 (cyclic), s = ½ on the diagonal, with
 * C(r; m_a, m_b) = CONH·I(CONR·r/rnorman, θ/T)/(θ·√(m_a m_b)) and rnorman in bohr as feff.dat
 * gives it. t and θ are floored at 1e-5 K.
 */
export function sigma2Debye(t: number, theta: number, path: FeffPath): number {
  const th = Math.max(theta, 1e-5);
  const tk = Math.max(t, 1e-5);
  const rs = path.rnorman;
  const tx = th / tk;
  const atoms = path.atoms;
  const n = atoms.length;
  // the integral depends on the distance only: paths repeat distances (0 on the diagonal)
  const cache = new Map<number, number>();
  const corr = (a: number, b: number): number => {
    const A = atoms[a]!;
    const B = atoms[b]!;
    const rij = Math.sqrt((A.x - B.x) ** 2 + (A.y - B.y) ** 2 + (A.z - B.z) ** 2);
    const rx = (CONR * rij) / rs;
    let I = cache.get(rx);
    if (I === undefined) {
      I = debint(rx, tx);
      cache.set(rx, I);
    }
    return (CONH * I) / (th * Math.sqrt(A.mass * B.mass));
  };
  const dist = (a: number, b: number): number => {
    const A = atoms[a]!;
    const B = atoms[b]!;
    return Math.sqrt((A.x - B.x) ** 2 + (A.y - B.y) ** 2 + (A.z - B.z) ** 2);
  };
  let sig2 = 0.0;
  for (let i0 = 0; i0 < n; i0++) {
    const i1 = (i0 + 1) % n;
    for (let j0 = i0; j0 < n; j0++) {
      const j1 = (j0 + 1) % n;
      const I0 = atoms[i0]!;
      const I1 = atoms[i1]!;
      const J0 = atoms[j0]!;
      const J1 = atoms[j1]!;
      const ridotj = (I0.x - I1.x) * (J0.x - J1.x) + (I0.y - I1.y) * (J0.y - J1.y) + (I0.z - I1.z) * (J0.z - J1.z);
      const c = corr(i0, j0) + corr(i1, j1) - corr(i0, j1) - corr(i1, j0);
      let sig2ij = (ridotj * c) / (dist(i0, i1) * dist(j0, j1));
      if (j0 === i0) sig2ij /= 2.0;
      sig2 += sig2ij;
    }
  }
  return sig2 / 2.0;
}
