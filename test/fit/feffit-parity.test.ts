// Parity of the fitting engine with Larch 0.9.58 feffit on fits beyond the four shared reference
// cases: several paths with C3 and deltar = alpha*reff; the same fit in r, k and q space and with
// k-weights [1, 2, 3]; three temperatures sharing an Einstein θ; the Ru dual-atom fit in k space
// and with (inactive) bounds; a fixed S0² taken from a saved foil result. Recipes and Larch answers
// are in fixtures/fitref (made by fixtures/fitref/make_fitref.py; see its README.md).
// Tolerances are the scoreboard's: fitted values within 0.02 of Larch's standard error, standard
// errors within 1 %, N_idp relative 1e-9, r-factor and χ² relative 1e-3, npts exact.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { fitRecipe, type RecipeFit } from '../../src/fit/run.js';
import type { PathReport } from '../../src/fit/feffit.js';
import { fixture } from '../io/helpers.js';

const DIR = fixture('fitref');
const DATA = fixture('fitref/data');

interface LarchValue {
  value: number | null;
  stderr: number | null;
}
interface LarchAnswer {
  params: Record<string, LarchValue & { vary: boolean; expr?: string }>;
  statistics: { nvarys: number; npts: number; n_independent: number; chi_square: number; chi2_reduced: number; rfactor: number };
  datasets: { file: string; e0: number | null; epsilon_k: number; epsilon_r: number; n_idp: number }[];
  paths: ({ feff: string; reff: number } & Record<PathPar, LarchValue>)[];
}
type PathPar = 'degen' | 's02' | 'e0' | 'ei' | 'deltar' | 'sigma2' | 'third' | 'fourth';
interface RecipeJson {
  params: Record<string, { expr?: string }>;
  datasets: { paths: Partial<Record<PathPar, number | string>>[] }[];
}

const CASES: [name: string, what: string][] = [
  ['cu_5path_r', 'Cu metal, 5 paths (2 multiple-scattering), C3 on shell 1, deltar = alpha*reff, r space'],
  ['cu_5path_k', 'the same in k space (kweight 2, no window, residual divided by ε_k)'],
  ['cu_5path_q', 'the same in q space (real part of the back-transform)'],
  ['cu_5path_kw123', 'the same with kweight [1, 2, 3] in r space'],
  ['cu_eins_3t', 'cu.prj 10 K, 50 K, 150 K: three datasets sharing amp, e0, deltar and Einstein θ (+ static σ² offset)'],
  ['ru_dualatom_k', 'Ru dual-atom μ(E) (ifluor/i0), two shells, k space'],
  ['ru_dualatom_bounds', 'Ru dual-atom, r space, min/max on N, σ², e0 (inactive at the best fit)'],
  ['cu150k_s02chain', 'Cu 150 K with S0² fixed from the saved foil result (cu_foil.result.json)'],
];

/** Report field of each path parameter and of its standard error. */
const PATH_FIELDS: Record<PathPar, [keyof PathReport, keyof PathReport]> = {
  degen: ['degen', 'nStderr'],
  s02: ['s02', 's02Stderr'],
  e0: ['e0', 'e0Stderr'],
  ei: ['ei', 'eiStderr'],
  deltar: ['deltar', 'deltarStderr'],
  sigma2: ['sigma2', 'sigma2Stderr'],
  third: ['third', 'thirdStderr'],
  fourth: ['fourth', 'fourthStderr'],
};

function relErr(a: number, b: number): number {
  return Math.abs(a / b - 1);
}

/** |Δvalue| ≤ 0.02·σ_Larch and |σ/σ_Larch − 1| ≤ 0.01, with the numbers in the message. */
function expectParity(what: string, value: number, stderr: number | null, ref: LarchValue): void {
  const d = Math.abs(value - ref.value!) / ref.stderr!;
  expect(d, `${what}: ${value} vs Larch ${ref.value} ± ${ref.stderr} (|Δ|/σ = ${d.toExponential(2)})`).toBeLessThanOrEqual(0.02);
  expect(stderr, `${what}: no standard error`).not.toBeNull();
  const s = relErr(stderr!, ref.stderr!);
  expect(s, `${what}: σ ${stderr} vs Larch ${ref.stderr} (relative ${s.toExponential(2)})`).toBeLessThanOrEqual(0.01);
}

function expectSameValue(what: string, value: number, ref: number): void {
  expect(Math.abs(value - ref), `${what}: ${value} vs Larch ${ref}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref)));
}

test('every recipe in fixtures/fitref has a Larch answer and is a case here', () => {
  const recipes = readdirSync(DIR)
    .filter((f) => f.endsWith('.recipe.json'))
    .map((f) => f.replace(/\.recipe\.json$/, ''))
    .sort();
  expect(recipes).toEqual(CASES.map(([n]) => n).sort());
  for (const n of recipes) expect(readdirSync(DIR)).toContain(`${n}.larch.json`);
});

const SANITY: Record<string, string[]> = {
  cu_5path_k: ['REL_ERROR ss4', 'RFACTOR'],
  ru_dualatom_k: ['E0_SHIFT de0', 'REL_ERROR ss1', 'REL_ERROR s02*n2', 'REL_ERROR ss2', 'RFACTOR'],
};

for (const [name, what] of CASES) {
  describe(`${name}: ${what}`, () => {
    const larch = JSON.parse(readFileSync(`${DIR}/${name}.larch.json`, 'utf8')) as LarchAnswer;
    const recipe = JSON.parse(readFileSync(`${DIR}/${name}.recipe.json`, 'utf8')) as RecipeJson;
    let fit: RecipeFit;
    beforeAll(() => {
      fit = fitRecipe(`${DIR}/${name}.recipe.json`, { dataDir: DATA });
    });

    test('the fit converges without warnings (but the sanity warnings the k-space fits deserve)', () => {
      expect(fit.statistics.converged).toBe(true);
      // k-space fits also fit the unmodelled shells beyond 4.6 Å (Cu) or 3 Å (Ru): R-factor above
      // 0.05 and weakly determined σ² (docs/fit-sanity.md)
      expect(fit.checks.map((c) => `${c.code}${c.param ? ` ${c.param}` : ''}`)).toEqual(SANITY[name] ?? []);
    });

    test('parameters: values within 0.02 σ of Larch, standard errors within 1 % (constraints included)', () => {
      expect(Object.keys(fit.params).sort()).toEqual(Object.keys(larch.params).sort());
      for (const [p, ref] of Object.entries(larch.params)) {
        const ours = fit.params[p]!;
        expect(ours.vary, p).toBe(ref.vary);
        if (ref.stderr) expectParity(p, ours.value, ours.stderr, ref);
        else expectSameValue(p, ours.value, ref.value!); // fixed (Larch: no or zero stderr)
      }
    });

    test('statistics: npts and nvarys exact, N_idp 1e-9, χ², reduced χ² and r-factor 1e-3', () => {
      const s = fit.statistics;
      const r = larch.statistics;
      expect(s.npts).toBe(r.npts);
      expect(s.nvarys).toBe(r.nvarys);
      expect(relErr(s.nIndependent, r.n_independent)).toBeLessThanOrEqual(1e-9);
      expect(relErr(s.chiSquare, r.chi_square), `χ² ${s.chiSquare} vs ${r.chi_square}`).toBeLessThanOrEqual(1e-3);
      expect(relErr(s.chi2Reduced, r.chi2_reduced)).toBeLessThanOrEqual(1e-3);
      expect(relErr(s.rfactor, r.rfactor), `r-factor ${s.rfactor} vs ${r.rfactor}`).toBeLessThanOrEqual(1e-3);
    });

    test('datasets: e0, ε_k, ε_r (relative 1e-9) and N_idp as Larch', () => {
      expect(fit.datasets.length).toBe(larch.datasets.length);
      larch.datasets.forEach((ref, i) => {
        const d = fit.datasets[i]!;
        if (ref.e0 === null) expect(d.e0).toBeNull();
        else expect(Math.abs(d.e0! - ref.e0), `dataset ${i + 1} e0`).toBeLessThan(1e-6);
        expect(relErr(d.epsilonK, ref.epsilon_k), `dataset ${i + 1} ε_k`).toBeLessThanOrEqual(1e-9);
        expect(relErr(d.epsilonR, ref.epsilon_r), `dataset ${i + 1} ε_r`).toBeLessThanOrEqual(1e-9);
        expect(relErr(d.nIdp, ref.n_idp)).toBeLessThanOrEqual(1e-9);
      });
    });

    test('path parameters: values and propagated standard errors as Larch (where Larch propagates correctly)', () => {
      const specs = recipe.datasets.flatMap((d) => d.paths);
      expect(fit.paths.length).toBe(larch.paths.length);
      const reffLast = larch.paths[larch.paths.length - 1]!.reff;
      larch.paths.forEach((ref, i) => {
        const ours = fit.paths[i]!;
        expect(Math.abs(ours.reff - ref.reff)).toBeLessThan(1e-9);
        for (const [par, [vKey, sKey]] of Object.entries(PATH_FIELDS) as [PathPar, [keyof PathReport, keyof PathReport]][]) {
          const what = `path ${i + 1} (${ref.feff}) ${par}`;
          const value = ours[vKey] as number;
          const stderr = ours[sKey] as number | null;
          const r = ref[par];
          const spec = specs[i]![par];
          const expr = typeof spec === 'string' ? spec.trim() : null;
          if (expr !== null && /^\w+\s*\*\s*reff$/.test(expr)) {
            // Larch evaluates reff-dependent path uncertainties with the `reff` left in the fit's
            // symbol table (the last path's), so its σ(c·reff) is σ_c·reff_last for every path;
            // ours is σ_c·reff of the path itself.
            const c = fit.params[expr.split('*')[0]!.trim()]!;
            expect(Math.abs(value - r.value!) / r.stderr!, what).toBeLessThanOrEqual(0.02);
            expect(relErr(stderr!, c.stderr! * ours.reff), `${what}: σ = σ_c·reff`).toBeLessThan(1e-6);
            expect(relErr(r.stderr!, c.stderr! * reffLast), `${what}: Larch σ = σ_c·reff(last path)`).toBeLessThan(0.01);
          } else if (expr !== null && recipe.params[expr]?.expr !== undefined) {
            // a path parameter that names a constrained parameter: Larch's propagation sees the
            // constraint as a constant (σ = 0); ours carries the constraint's own σ
            const c = fit.params[expr]!;
            expect(Math.abs(value - r.value!) / c.stderr!, what).toBeLessThanOrEqual(0.02);
            expect(r.stderr, `${what}: Larch σ`).toBe(0);
            expect(relErr(stderr!, c.stderr!), `${what}: σ = σ(${expr})`).toBeLessThan(1e-9);
          } else if (r.stderr) {
            expectParity(what, value, stderr, r);
          } else {
            expectSameValue(what, value, r.value!);
          }
        }
      });
    });
  });
}
