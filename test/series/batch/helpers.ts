// Small series for the batch tests, built from fixtures/series (200 known mixtures of FeO and
// Fe2O3): as one multi-column file, or as one file per spectrum, with bad files when asked.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERIES = join(ROOT, 'fixtures/series');
export const BIN = join(ROOT, 'dist/cli/main.js');

/** energy and the 200 μ columns of fe_series.dat */
export function seriesColumns(): { energy: string[]; mu: string[][] } {
  const rows = readFileSync(join(SERIES, 'fe_series.dat'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/));
  const energy = rows.map((r) => r[0]!);
  const mu = rows[0]!.slice(1).map((_, j) => rows.map((r) => r[j + 1]!));
  return { energy, mu };
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `xafs-batch-${tag}-`));
}

/** A multi-column file with n spectra (the 200 of the fixture, repeated as needed). */
export function writeColumns(dir: string, n: number, name = 'series.dat'): string {
  const { energy, mu } = seriesColumns();
  const cols = Array.from({ length: n }, (_, j) => mu[j % mu.length]!);
  const head = `# series of ${n} spectra\n# energy ${cols.map((_, j) => `s${String(j).padStart(5, '0')}`).join(' ')}\n`;
  const body = energy.map((e, i) => `${e} ${cols.map((c) => c[i]).join(' ')}`).join('\n');
  const path = join(dir, name);
  writeFileSync(path, head + body + '\n');
  return path;
}

/** One file per spectrum (spectra/fe_NNNN.dat with columns energy, mu); `bad` maps index → 'corrupt' | 'noedge'. */
export function writeFiles(dir: string, n: number, bad: Record<number, 'corrupt' | 'noedge'> = {}): string {
  const { energy, mu } = seriesColumns();
  const sub = join(dir, 'spectra');
  mkdirSync(sub, { recursive: true });
  for (let j = 0; j < n; j++) {
    const path = join(sub, `fe_${String(j).padStart(4, '0')}.dat`);
    if (bad[j] === 'corrupt') {
      writeFileSync(path, '\u0000\u0001garbage that is no spectrum\n@@@\n');
      continue;
    }
    const m = bad[j] === 'noedge' ? energy.map((_, i) => (0.5 + 1e-4 * i).toFixed(6)) : mu[j % mu.length]!;
    writeFileSync(path, `# spectrum ${j}\n# energy mu\n${energy.map((e, i) => `${e} ${m[i]}`).join('\n')}\n`);
  }
  return sub;
}

/** The bundled recipe's analyses over other inputs (references by absolute path). */
export function writeRecipe(dir: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}, name = 'recipe.json'): string {
  const recipe = {
    inputs,
    edge: { methods: ['deriv-fit', 'half'] },
    valence: { method: 'half', references: [{ file: join(SERIES, 'fe_ref_FeO.xdi'), valence: 2 }, { file: join(SERIES, 'fe_ref_Fe2O3.xdi'), valence: 3 }] },
    lcf: { standards: [{ file: join(SERIES, 'fe_ref_FeO.xdi'), name: 'FeO' }, { file: join(SERIES, 'fe_ref_Fe2O3.xdi'), name: 'Fe2O3' }], emin: -20, emax: 60 },
    ...extra,
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(recipe, null, 2));
  return path;
}

export const read = (path: string) => readFileSync(path);
