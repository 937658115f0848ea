// The xafs command line, driven in-process through run(argv, io): results on stdout (one JSON
// document with --json), diagnostics on stderr, exit 0 / 2 / 3 (docs/cli.md). Numbers are
// checked against Larch 0.9.58 (fixtures/xafs, fixtures/reference) or against the JSON itself
// for the --out round trip.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/program.js';
import {
  CU,
  HEADER,
  columnText,
  cuEnergy,
  cuRows,
  expectArrayClose,
  expectNoStack,
  expectRefused,
  fixture,
  lineOfRow,
  literal,
  readGoldCsv,
  readOutFile,
  relL2,
  tempDir,
  xafs,
  type Ran,
  type Temp,
} from './helpers.js';

/** Larch 0.9.58 pre_edge on cu_metal_rt.xdi (μ = mutrans): fixtures/xafs/cu_autobk_defaults.json. */
const LARCH_E0 = 8980.5;
const LARCH_EDGE_STEP = 2.8372324962792717;
const KMAX_WARNING = (file: string, kEnd: string) =>
  `xafs: warning: xftf kmax defaults to 20 Å⁻¹ but χ(k) ends at ${kEnd} Å⁻¹: the transform is cut at the data end without a taper; pass --kmax\n`;
const USAGE = '(run with --help for usage)\n';

type ProcessJson = Record<string, unknown> & {
  file: string;
  e0: number;
  edgeStep: number;
  preEdge: Record<string, unknown>;
} & Record<'energy' | 'mu' | 'norm' | 'flat' | 'dmude' | 'bkg' | 'k' | 'chi' | 'kwin' | 'r' | 'chirMag' | 'chirRe' | 'chirIm' | 'q' | 'chiqRe' | 'chiqIm' | 'chiqMag', number[]>;

/** stdout must be exactly one JSON document and a newline: no logs before or after it. */
function parseOnlyJson(r: Ran): ProcessJson {
  expect(r.out.endsWith('\n')).toBe(true);
  const doc = JSON.parse(r.out) as ProcessJson;
  expect(JSON.stringify(doc) + '\n').toBe(r.out);
  return doc;
}

const ENERGY_GRID = ['energy', 'mu', 'norm', 'flat', 'dmude', 'bkg'] as const;
const K_GRID = ['k', 'chi', 'kwin'] as const;
const R_GRID = ['r', 'chirMag', 'chirRe', 'chirIm'] as const;
const Q_GRID = ['q', 'chiqRe', 'chiqIm', 'chiqMag'] as const;

function expectNumberArray(doc: ProcessJson, name: string): number[] {
  const a = doc[name] as unknown;
  expect(Array.isArray(a), `${name} is an array`).toBe(true);
  for (const v of a as unknown[]) if (typeof v !== 'number' || !Number.isFinite(v)) expect.fail(`${name} holds ${String(v)}`);
  return a as number[];
}

describe('xafs process FILE --json on cu_metal_rt.xdi', () => {
  let mutrans: Ran;
  let lnRatio: Ran;
  beforeAll(async () => {
    mutrans = await xafs('process', CU, '--mu', 'mutrans', '--json');
    lnRatio = await xafs('process', CU, '--mu', 'ln(i0/itrans)', '--kmax', '15', '--json');
  });

  it('exits 0 with exactly one JSON document on stdout', () => {
    expect(mutrans.code).toBe(0);
    parseOnlyJson(mutrans);
    expect(lnRatio.code).toBe(0);
    parseOnlyJson(lnRatio);
  });

  it('has every field of the contract, numbers where numbers are expected', () => {
    for (const r of [mutrans, lnRatio]) {
      const doc = parseOnlyJson(r);
      expect(doc.file).toBe(CU);
      expect(typeof doc.e0).toBe('number');
      expect(typeof doc.edgeStep).toBe('number');
      const pe = doc.preEdge;
      for (const key of ['pre1', 'pre2', 'norm1', 'norm2', 'nnorm', 'nvict', 'slope', 'offset']) {
        expect(typeof pe[key], `preEdge.${key}`).toBe('number');
        expect(Number.isFinite(pe[key] as number)).toBe(true);
      }
      expect(Array.isArray(pe.normCoefs)).toBe(true);
      expect((pe.normCoefs as unknown[]).every((c) => typeof c === 'number')).toBe(true);
      for (const name of [...ENERGY_GRID, ...K_GRID, ...R_GRID, ...Q_GRID]) expectNumberArray(doc, name);
    }
  });

  it('e0 = 8980.5 eV and edge step = 2.8372324962792717 (Larch 0.9.58) within 1e-9 relative, for mutrans and for ln(i0/itrans)', () => {
    for (const r of [mutrans, lnRatio]) {
      const doc = parseOnlyJson(r);
      expect(doc.e0).toBe(LARCH_E0);
      expect(Math.abs(doc.edgeStep - LARCH_EDGE_STEP) / LARCH_EDGE_STEP).toBeLessThan(1e-9);
    }
  });

  it("derives Larch's default ranges: pre −190…−65 eV, post 150…1165 eV, nnorm 2 (three normCoefs), nvict 0", () => {
    const pe = parseOnlyJson(mutrans).preEdge;
    expect({ pre1: pe.pre1, pre2: pe.pre2, norm1: pe.norm1, norm2: pe.norm2, nnorm: pe.nnorm, nvict: pe.nvict }).toEqual({
      pre1: -190,
      pre2: -65,
      norm1: 150,
      norm2: 1165,
      nnorm: 2,
      nvict: 0,
    });
    expect(pe.normCoefs).toHaveLength(3);
  });

  it('arrays share their grids: 408 energies, 350 k points (0…17.45 Å⁻¹), 326 R points, 601 q points (0…30 Å⁻¹)', () => {
    const doc = parseOnlyJson(mutrans);
    for (const name of ENERGY_GRID) expect(doc[name], name).toHaveLength(408);
    for (const name of K_GRID) expect(doc[name], name).toHaveLength(350);
    for (const name of R_GRID) expect(doc[name], name).toHaveLength(326);
    for (const name of Q_GRID) expect(doc[name], name).toHaveLength(601);
    expect(doc.k[349]).toBeCloseTo(17.45, 10);
    expect(doc.q[600]).toBe(30);
  });

  it('energy and mu are the file’s energy and mutrans columns, unchanged', () => {
    const doc = parseOnlyJson(mutrans);
    expect(doc.energy).toEqual(cuEnergy);
    expect(doc.mu).toEqual(cuRows.map((l) => Number(l.trim().split(/\s+/)[3])));
  });

  it('stderr carries only the warning that the default kmax (20 Å⁻¹) is beyond the data; with --kmax 15 it is empty', () => {
    expect(mutrans.err).toBe(KMAX_WARNING(CU, '17.45'));
    expect(lnRatio.err).toBe('');
  });
});

describe('xafs process reproduces Larch 0.9.58 χ(k) and χ(R) through the CLI options', () => {
  // fixtures/xafs/cu_k.csv and cu_r.csv: pre_edge() defaults; autobk(rbkg=1, kweight=2);
  // xftf(kmin=3, kmax=15, dk=2, kweight=2, window='hanning')
  const options = ['--mu', 'mutrans', '--rbkg', '1', '--bkg-kweight', '2', '--kmin', '3', '--kmax', '15', '--dk', '2', '--kweight', '2', '--window', 'hanning'];
  let doc: ProcessJson;
  let text: Ran;
  beforeAll(async () => {
    doc = parseOnlyJson(await xafs('process', CU, ...options, '--json'));
    text = await xafs('process', CU, ...options);
  });

  it('χ(k) and |χ(R)| within 1e-6 (relative L2) of cu_k.csv and cu_r.csv; the window within 1e-12', () => {
    const goldK = readGoldCsv('cu_k.csv');
    const goldR = readGoldCsv('cu_r.csv');
    expect(relL2(doc.chi, goldK.chi!)).toBeLessThan(1e-6);
    expect(relL2(doc.chirMag, goldR.chir_mag!)).toBeLessThan(1e-6);
    expect(Math.max(...doc.kwin.map((w, i) => Math.abs(w - goldK.kwin![i]!)))).toBeLessThan(1e-12);
  });

  it('the text summary reports the |χ(R)| peak of Larch: 3.7298 Å⁻³ at R = 2.240 Å', () => {
    expect(text.code).toBe(0);
    expect(text.out).toContain('|χ(R)|     peak 3.7298 Å^-3 at R = 2.240 Å (no phase correction)');
  });
});

describe('xafs process FILE without --json: a short summary', () => {
  it('names the file and gives e0, edge step, the pre/post-edge ranges, the k ranges and the |χ(R)| peak with units', async () => {
    const r = await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toBe(
      [
        `${CU}: 408 points, 8779–10145.86 eV`,
        '  e0         8980.500 eV',
        '  edge step  2.83723',
        '  ranges     pre-edge -190 to -65 eV, post-edge 150 to 1165 eV from e0 (nnorm 2)',
        '  autobk     k 0–17.489 Å⁻¹, 12 knots, χ(k) on 350 points',
        '  xftf       k 0–15 Å⁻¹, kaiser dk 1, k-weight 0',
        '  |χ(R)|     peak 0.10140 Å^-1 at R = 2.209 Å (no phase correction)',
        '',
      ].join('\n'),
    );
  });

  it('processes an Athena group and names it file#group', async () => {
    const prj = fixture('athena/cu.prj');
    const r = await xafs('process', prj, '--group', 'cu050k.dat', '--kmax', '15');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out.split('\n')[0]).toBe(`${prj}#cu050k.dat: 620 points, 8782.35–11362.54 eV`);
    expect(r.out).toContain('  e0         8977.580 eV\n');
  });
});

describe('options the chain adjusts are reported on stderr, and the run succeeds', () => {
  it('pre-edge ranges beyond the scan: each adjusted value named', async () => {
    const r = await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--pre1', '-500', '--norm2', '3000', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      'xafs: warning: pre_edge did not use the ranges as given: --pre1 -500 → -201.5 eV, --norm2 3000 → 1165.36 eV ' +
        '(Larch keeps them inside the scan, swaps a reversed range, counts a negative --norm2 back from the end and keeps nnorm in 0-5)\n',
    );
    const doc = parseOnlyJson(r);
    expect(doc.preEdge.pre1).toBe(cuEnergy[0]! - LARCH_E0);
    expect(doc.preEdge.norm2).toBeCloseTo(cuEnergy[407]! - LARCH_E0, 9);
  });

  it('--bkg-kmax beyond the data: the spline ends at the last point, with a warning', async () => {
    const r = await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--bkg-kmax', '30');
    expect(r.code).toBe(0);
    expect(r.err).toBe('xafs: warning: --bkg-kmax 30 Å⁻¹ is beyond the data: the background spline ends at the last point, k = 17.49 Å⁻¹\n');
    expect(r.out).toContain('  autobk     k 0–17.489 Å⁻¹, 12 knots, χ(k) on 350 points\n');
  });
});

describe('xafs process FILE --out DIR', () => {
  let tmp: Temp;
  let doc: ProcessJson;
  let r: Ran;
  const outDir = () => join(tmp.dir, 'out');
  beforeAll(async () => {
    tmp = tempDir();
    r = await xafs('process', CU, '--mu', 'mutrans', '--kmin', '3', '--kmax', '15', '--kweight', '2', '--out', outDir(), '--json');
    doc = parseOnlyJson(r);
  });
  afterAll(() => tmp.remove());

  const files = ['norm', 'chik', 'chir', 'chiq'].map((s) => `cu_metal_rt.${s}.dat`);

  it('writes the four files and says so on stderr (stdout keeps only the JSON)', () => {
    expect(r.code).toBe(0);
    for (const f of files) expect(existsSync(join(outDir(), f)), f).toBe(true);
    expect(r.err).toBe(`xafs: wrote ${files.map((f) => join(outDir(), f)).join(', ')}\n`);
  });

  it("headers ('#') name every column with its units or 'no unit'", () => {
    const cols = Object.fromEntries(files.map((f) => [f, readOutFile(join(outDir(), f)).columns]));
    expect(cols['cu_metal_rt.norm.dat']).toEqual([
      { name: 'energy', desc: 'eV' },
      { name: 'mu', desc: 'μ(E) as read (absorbance, no unit)' },
      { name: 'norm', desc: 'normalized μ(E), no unit' },
      { name: 'flat', desc: 'flattened normalized μ(E), no unit' },
      { name: 'dmude', desc: 'dμ/dE, 1/eV' },
      { name: 'pre_edge', desc: 'pre-edge line, μ units' },
      { name: 'post_edge', desc: 'post-edge curve, μ units' },
      { name: 'bkg', desc: 'AUTOBK background μ0(E), μ units' },
      { name: 'delta_bkg', desc: 'uncertainty of μ0(E) (AUTOBK, 1σ), μ units' },
    ]);
    expect(cols['cu_metal_rt.chik.dat']).toEqual([
      { name: 'k', desc: 'Å⁻¹' },
      { name: 'chi', desc: 'χ(k), no unit' },
      { name: 'chik2', desc: 'k^2·χ(k), Å^-2' },
      { name: 'kwin', desc: 'FT window (kaiser), no unit' },
      { name: 'delta_chi', desc: 'uncertainty of χ(k) (AUTOBK, 1σ), raw μ units as Larch' },
    ]);
    expect(cols['cu_metal_rt.chir.dat']).toEqual([
      { name: 'r', desc: 'Å' },
      { name: 'chir_mag', desc: '|χ(R)|, Å^-3' },
      { name: 'chir_re', desc: 'Re χ(R), Å^-3' },
      { name: 'chir_im', desc: 'Im χ(R), Å^-3' },
    ]);
    expect(cols['cu_metal_rt.chiq.dat']).toEqual([
      { name: 'q', desc: 'Å⁻¹' },
      { name: 'chiq_re', desc: 'Re χ(q) (k^2-weighted, windowed), Å^-2' },
      { name: 'chiq_im', desc: 'Im χ(q), Å^-2' },
      { name: 'chiq_mag', desc: '|χ(q)|, Å^-2' },
    ]);
    const head = readOutFile(join(outDir(), files[0]!)).header;
    expect(head[1]).toBe(`# e0 = 8980.5 eV, edge step = ${doc.edgeStep}`);
    expect(head[2]).toBe('# xftf: kaiser window, k 3–15 Å⁻¹, dk 1, dk2 1, k-weight 2');
  });

  it('the numbers equal the JSON arrays (10 significant digits: within 1e-9 relative)', () => {
    const check = (file: string, arrays: number[][], names: string[]) => {
      const { rows } = readOutFile(join(outDir(), file));
      expect(rows.length, `${file} rows`).toBe(arrays[0]!.length);
      arrays.forEach((a, j) =>
        expectArrayClose(
          rows.map((row) => row[j]!),
          a,
          1e-9,
          `${file} ${names[j]}`,
        ),
      );
    };
    const json = doc as unknown as Record<string, number[]>;
    check('cu_metal_rt.norm.dat', ['energy', 'mu', 'norm', 'flat', 'dmude', 'preEdgeLine', 'postEdgeCurve', 'bkg', 'deltaBkg'].map((n) => json[n]!), ['energy', 'mu', 'norm', 'flat', 'dmude', 'preEdgeLine', 'postEdgeCurve', 'bkg', 'deltaBkg']);
    const chik2 = doc.chi.map((c, i) => c * doc.k[i]! ** 2);
    check('cu_metal_rt.chik.dat', [doc.k, doc.chi, chik2, doc.kwin, json.deltaChi!], ['k', 'chi', 'k²χ', 'kwin', 'deltaChi']);
    check('cu_metal_rt.chir.dat', [doc.r, doc.chirMag, doc.chirRe, doc.chirIm], ['r', 'chirMag', 'chirRe', 'chirIm']);
    check('cu_metal_rt.chiq.dat', [doc.q, doc.chiqRe, doc.chiqIm, doc.chiqMag], ['q', 'chiqRe', 'chiqIm', 'chiqMag']);
  });

  it('names the files of an Athena group after the project and the group, so groups do not overwrite each other', async () => {
    const r2 = await xafs('process', fixture('athena/cu.prj'), '--group', 'cu150k.dat', '--kmax', '15', '--out', outDir());
    expect(r2.code).toBe(0);
    expect(existsSync(join(outDir(), 'cu_cu150k.dat.chir.dat'))).toBe(true);
  });

  it('refuses a folder it cannot create (a file is in the way): exit 2, no output', async () => {
    const blocker = tmp.write('blocker', 'not a folder');
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--out', blocker),
      `xafs: --out ${blocker}: cannot create the folder (a file of that name is in the way); pass --out a folder you can write to\n`,
    );
  });
});

describe('xafs read FILE --json', () => {
  it('an XDI file: {format, labels, columns: [{label, values}], metadata}', async () => {
    const r = await xafs('read', CU, '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out);
    expect(JSON.stringify(doc) + '\n').toBe(r.out);
    expect(doc.format).toBe('xdi');
    expect(doc.labels).toEqual(['energy', 'i0', 'itrans', 'mutrans']);
    expect(doc.columns.map((c: { label: string }) => c.label)).toEqual(doc.labels);
    for (const c of doc.columns) expect(c.values).toHaveLength(408);
    expect(doc.columns[0].values).toEqual(cuEnergy);
    expect(doc.metadata['mono.d_spacing']).toBe('3.13553');
    expect(doc.metadata['scan.element']).toBe('Cu');
    expect(doc).not.toHaveProperty('rowLines');
  });

  it('a beamline file (APS 12-BM): the labels and row count of Larch read_ascii (fixtures/reference/columns.json)', async () => {
    const ref = JSON.parse(readFileSync(fixture('reference/columns.json'), 'utf8'))['APS12BM_2019.dat'];
    const r = await xafs('read', fixture('beamlines/APS12BM_2019.dat'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.format).toBe('ascii');
    expect(doc.labels).toEqual(ref.labels);
    expect(doc.columns).toHaveLength(ref.ncols);
    for (const c of doc.columns) expect(c.values).toHaveLength(ref.nrows);
    expect(doc.columns.map((c: { values: number[] }) => c.values[0])).toEqual(ref.first_row);
    expect(typeof doc.metadata).toBe('object');
  });

  it('an Athena project: {format: "athena", groups: [{label, energy, mu, params}]} as Larch read_athena sees it (fixtures/reference/athena.json)', async () => {
    const ref = JSON.parse(readFileSync(fixture('reference/athena.json'), 'utf8'))['cu.prj'].groups as Record<string, { label: string; npts: number; energy_first: number; energy_last: number }>;
    const r = await xafs('read', fixture('athena/cu.prj'), '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out);
    expect(doc.format).toBe('athena');
    expect(doc.groups.map((g: { label: string }) => g.label)).toEqual(Object.values(ref).map((g) => g.label));
    for (const [i, want] of Object.values(ref).entries()) {
      const g = doc.groups[i];
      expect(g.energy).toHaveLength(want.npts);
      expect(g.mu).toHaveLength(want.npts);
      expect(g.energy[0]).toBe(want.energy_first);
      expect(g.energy[want.npts - 1]).toBe(want.energy_last);
      expect(typeof g.params).toBe('object');
    }
    // the stored processing parameters, as Athena names them
    expect(doc.groups[0].params.bkg_e0).toBe(8977.58);
    expect(doc.groups[0].params.bkg_rbkg).toBe(1);
  });

  it('without --json: the format and one line per column or group', async () => {
    const r = await xafs('read', fixture('athena/cu.prj'));
    expect(r.code).toBe(0);
    expect(r.out.split('\n').slice(0, 3)).toEqual([`${fixture('athena/cu.prj')}: athena`, '  3 groups', `  ${'cu010k.dat'.padEnd(32)} 612 points, 8786.20–11362.47 eV`]);
  });
});

describe('bad input: a clear message on stderr, exit 2, nothing on stdout, no stack trace', () => {
  let tmp: Temp;
  const p: Record<string, string> = {};
  const e100 = cuEnergy[100]!;
  const e101 = cuEnergy[101]!;
  beforeAll(() => {
    tmp = tempDir();
    const rows = cuRows.map((l) => l.trim());
    const withCell = (i: number, col: number, value: string) =>
      rows.map((l, j) => (j === i ? l.split(/\s+/).map((w, c) => (c === col ? value : w)).join('  ') : l));
    p.binary = tmp.write('scan.bin', new Uint8Array([0, 1, 2, 3, 255, 0, 7, 9]));
    p.words = tmp.write('notes.txt', 'hello world\nthis is not data\nat all\n');
    p.fakePrj = tmp.write('fake.prj', 'hello\n');
    // columns from which no μ can be guessed (no mu* name, no i0 with a transmission or fluorescence detector)
    p.noMu = tmp.write('no_mu.dat', columnText(['# no mu here', '# energy ch1 ch2'], rows.map((l) => l.split(/\s+/).slice(0, 3).join('  '))));
    p.cell = tmp.write('cell.dat', columnText(HEADER, withCell(50, 2, 'abc')));
    p.nanMu = tmp.write('nan_mu.dat', columnText(HEADER, withCell(60, 3, 'nan')));
    p.infE = tmp.write('inf_energy.dat', columnText(HEADER, withCell(60, 0, 'inf')));
    const swapped = [...rows];
    [swapped[100], swapped[101]] = [swapped[101]!, swapped[100]!];
    p.unsorted = tmp.write('unsorted.dat', columnText(HEADER, swapped));
    p.dup = tmp.write('dup.dat', columnText(HEADER, [...rows.slice(0, 151), rows[150]!, ...rows.slice(151)]));
    p.triple = tmp.write('triple.dat', columnText(HEADER, [...rows.slice(0, 151), rows[150]!, rows[150]!, ...rows.slice(151)]));
    p.five = tmp.write('five.dat', columnText(HEADER, rows.slice(0, 5)));
    const grid = Array.from({ length: 200 }, (_, i) => 8800 + 10 * i);
    p.flat = tmp.write('flat.dat', columnText(['# a flat line', '# energy mu'], grid.map((e) => `${e} 1.0`)));
    p.ramp = tmp.write('ramp.dat', columnText(['# a ramp', '# energy mu'], grid.map((e, i) => `${e} ${0.001 * i}`)));
    p.zero = tmp.write('zero.dat', columnText(['# all zero', '# energy mu'], grid.map((e) => `${e} 0`)));
  });
  afterAll(() => tmp.remove());

  it('a missing file', async () => {
    const missing = join(tmp.dir, 'nosuch.xdi');
    expectRefused(await xafs('process', missing), `xafs: file not found: '${missing}'; check the name and the folder\n`);
    expectRefused(await xafs('read', missing, '--json'), `xafs: file not found: '${missing}'; check the name and the folder\n`);
  });

  it('a folder instead of a file', async () => {
    expectRefused(await xafs('process', tmp.dir), `xafs: '${tmp.dir}' is a folder, not a data file; name a file inside it\n`);
  });

  it('an unknown format: binary, text without numbers, a .prj that is not an Athena project', async () => {
    expectRefused(await xafs('process', p.binary!), `xafs: ${p.binary} is a binary file, not text; export the scan as a text column file, XDI or Athena project\n`);
    expectRefused(
      await xafs('read', p.words!),
      `xafs: ${p.words}: no block of numbers found; a column file needs rows of numbers (one point per line) below its header\n`,
    );
    expectRefused(
      await xafs('process', p.fakePrj!),
      `xafs: ${p.fakePrj} has the .prj extension but is not an Athena project (no 'Athena project file --' header); re-save it from Athena\n`,
    );
  });

  it('a FEFF path file given to process', async () => {
    const feff = fixture('fits/feffcu01.dat');
    expectRefused(await xafs('process', feff), `xafs: ${feff} is a FEFF path file (feff.dat), not a spectrum; use it as a path in a fit recipe\n`);
  });

  it('no mu column and no --mu: lists the columns that exist and says to pass --mu', async () => {
    expectRefused(
      await xafs('process', p.noMu!),
      `xafs: ${p.noMu}: no mu column (looked for mu, xmu, mutrans, mufluor); the columns are: energy, ch1, ch2; pass --mu EXPR, e.g. --mu 'ln(i0/itrans)'\n`,
    );
  });

  it('a misspelled column in --mu: names it and lists the columns', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'ln(i0/itrns)'),
      `xafs: ${CU}: no column named 'itrns' in --mu 'ln(i0/itrns)'; the columns are: energy, i0, itrans, mutrans (or col1..col4 by position)\n`,
    );
  });

  it('an expression that does not parse: the option, the character number and a caret under it', async () => {
    const r = await xafs('process', CU, '--mu', 'ln(i0/itrans');
    expectRefused(
      r,
      "xafs: --mu: cannot read expression 'ln(i0/itrans' at character 13: expected ')' to close ln( opened at character 3\n" +
        '  ln(i0/itrans\n' +
        '              ^\n' +
        '(use column names, col1, col2, ..., numbers, + - * /, ( ), ln log exp sqrt abs)\n',
    );
    const r2 = await xafs('process', CU, '--mu', 'ln(i0//itrans)');
    const [, exprLine, caretLine] = r2.err.split('\n');
    expect(r2.code).toBe(2);
    expect(r2.err.split('\n')[0]).toBe("xafs: --mu: cannot read expression 'ln(i0//itrans)' at character 7: unexpected '/'; expected a number, a column name or '('");
    // the caret sits under the second '/', the 7th character
    expect(exprLine![caretLine!.indexOf('^')]).toBe('/');
    expect(caretLine!.indexOf('^') - 2).toBe(6);
    const r3 = await xafs('process', CU, '--mu', 'mutrans', '--energy', 'energy $ 2');
    expect(r3.code).toBe(2);
    expect(r3.err.split('\n')[0]).toBe("xafs: --energy: cannot read expression 'energy $ 2' at character 8: unexpected character '$'");
  });

  it('a cell that is not a number: file, line and column', async () => {
    expectRefused(
      await xafs('process', p.cell!),
      `xafs: ${p.cell} line ${lineOfRow(50)}, column 3: 'abc' is not a number (the numbers run on to line ${lineOfRow(407)}); fix that value, or delete or comment out the line with '#'\n`,
    );
  });

  it('NaN in μ and inf in the energy: file and line', async () => {
    expectRefused(
      await xafs('process', p.nanMu!),
      `xafs: ${p.nanMu} line ${lineOfRow(60)}: mu is NaN (from column 'mutrans'); fix or delete that line, or build mu from other columns\n`,
    );
    expectRefused(
      await xafs('process', p.infE!),
      `xafs: ${p.infE} line ${lineOfRow(60)}: energy is Infinity (from column 'energy'); fix or delete that line, or build energy from other columns\n`,
    );
  });

  it('an expression that makes μ undefined (ln of a negative number): the line', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'ln(-i0)'),
      `xafs: ${CU} line 27: mu is NaN (from --mu 'ln(-i0)'); fix or delete that line, or build mu from other columns\n`,
    );
  });

  it('a NaN in a column --mu does not use is no error', async () => {
    const r = await xafs('process', p.nanMu!, '--mu', 'ln(i0/itrans)', '--kmax', '15');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it('energies out of order with --no-sort: refused, naming the line and the two energies', async () => {
    expectRefused(
      await xafs('process', p.unsorted!, '--no-sort'),
      `xafs: ${p.unsorted}: energy is not increasing at line ${lineOfRow(101)} (${e100} after ${e101}); pass --sort (drop --no-sort) to sort the scan by energy\n`,
    );
  });

  it('energies out of order (default, or --sort): sorted with a warning, and the result is that of the sorted scan', async () => {
    for (const flags of [[], ['--sort']]) {
      const r = await xafs('process', p.unsorted!, '--kmax', '15', '--json', ...flags);
      expect(r.code).toBe(0);
      expect(r.err).toBe(`xafs: warning: ${p.unsorted}: energy is not increasing at line ${lineOfRow(101)} (${e100} after ${e101}): sorted the scan by energy\n`);
      const doc = parseOnlyJson(r);
      expect(doc.energy).toEqual(cuEnergy);
      expect(doc.e0).toBe(LARCH_E0);
      expect(Math.abs(doc.edgeStep - LARCH_EDGE_STEP) / LARCH_EDGE_STEP).toBeLessThan(1e-9);
    }
  });

  it("a repeated energy: a warning (Larch's remove_dups rule), and the run succeeds", async () => {
    const r = await xafs('process', p.dup!, '--kmax', '15', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `xafs: warning: ${p.dup}: 1 repeated energy (first at line ${lineOfRow(151)}): processing separates them by 1e-7 eV as Larch's remove_dups does; average or delete repeated points if they are real\n`,
    );
    const doc = parseOnlyJson(r);
    expect(doc.energy).toHaveLength(409);
    expect(doc.e0).toBe(LARCH_E0);
  });

  it('three points at one energy: processed on the de-duplicated grid (Larch gives NaN in dμ/dE), with a warning, never a NaN', async () => {
    const r = await xafs('process', p.triple!, '--kmax', '15', '--json');
    expect(r.code).toBe(0);
    expect(r.err).toBe(
      `xafs: warning: ${p.triple}: 2 repeated energies (first at line ${lineOfRow(151)}): processing separates them by 1e-7 eV as Larch's remove_dups does; average or delete repeated points if they are real\n`,
    );
    const out = JSON.parse(r.out) as { dmude: number[]; chi: number[] };
    expect(out.dmude.every((v) => Number.isFinite(v))).toBe(true);
    expect(out.chi.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('too few points (5)', async () => {
    expectRefused(await xafs('process', p.five!), `xafs: ${p.five}: only 5 data points; a spectrum needs at least 10; check that the file holds a whole scan\n`);
  });

  it('no edge: a flat line', async () => {
    expectRefused(
      await xafs('process', p.flat!),
      `xafs: ${p.flat}: no absorption edge found: μ(E) has no rising edge away from the ends of the scan; check the μ expression (e.g. --mu "ln(i0/itrans)") or pass --e0 E\n`,
    );
  });

  it('no edge: a pure ramp (its edge step is rounding noise)', async () => {
    const r = await xafs('process', p.ramp!);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expectNoStack(r.err);
    // the step itself is a few 1e-17, whatever the rounding gives
    expect(r.err).toMatch(
      new RegExp(
        `^${literal(`xafs: ${p.ramp}: no absorption edge: the edge step at e0 = 8920 eV is `)}\\d\\.\\d\\de-1\\d` +
          literal(`, nothing next to the μ range 0.1990 (a straight line or a ramp has no edge); check the μ expression (e.g. --mu 'ln(i0/itrans)') and that the scan crosses the edge\n`) +
          '$',
      ),
    );
  });

  it('μ that falls at the edge (transmission ratio upside down)', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'ln(itrans/i0)', '--kmax', '15'),
      `xafs: ${CU}: μ(E) falls at the edge (e0 = 8997 eV: the post-edge curve lies 2.748 below the pre-edge line): for transmission pass --mu 'ln(i0/itrans)' (not ln(itrans/i0)), for fluorescence --mu 'ifluor/i0'; or check --pre1/--pre2/--norm1/--norm2\n`,
    );
  });

  it('an all-zero μ', async () => {
    expectRefused(await xafs('process', p.zero!), `xafs: ${p.zero}: mu is zero at every point (from column 'mu'); pick the absorption column or expression with --mu\n`);
  });

  it('--kmax beyond the data: says where χ(k) ends and what to pass', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '25'),
      `xafs: ${CU}: --kmax 25 Å⁻¹ is beyond the data: χ(k) ends at k = 17.45 Å⁻¹ (E = 10140.6 eV); use --kmax 17.45 or less\n`,
    );
  });

  it('--kmin beyond the data, and a background k range beyond it', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmin', '30'),
      `xafs: ${CU}: kmin = 30 Å⁻¹ is beyond the data (χ(k) ends at k = 17.450 Å⁻¹): choose --kmin below 17.45\n`,
    );
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--bkg-kmin', '30'),
      `xafs: ${CU}: background k range 30–17.49 Å⁻¹ is too short: the data reach k = 17.49 Å⁻¹ above e0 = 8980.5 eV and AUTOBK needs more than 1 Å⁻¹; choose --bkg-kmin below 16.49\n`,
    );
  });

  it('--e0 outside the scan (Larch would silently ignore it)', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--e0', '5000'),
      `xafs: ${CU}: --e0 5000 eV is outside the scan (8779–10145.86 eV): pass an edge energy inside the data, or leave --e0 out to let find_e0 choose\n`,
    );
  });

  it('--e0 inside the scan but far above the edge: the ranges relative to it make μ fall at "the edge"; the message points at --e0', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '12', '--e0', '9500'),
      `xafs: ${CU}: μ(E) falls at the edge (e0 = 9500.97 eV: the post-edge curve lies 3.108 below the pre-edge line): check --e0 (the pre- and post-edge ranges are relative to it), the μ expression and --pre1/--pre2/--norm1/--norm2\n`,
    );
  });

  it('an unknown window name (k, R and background windows)', async () => {
    const list = 'use one of hanning, fhanning, gaussian, kaiser, parzen, welch, sine, bessel';
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--window', 'foo'), `xafs: ${CU}: unknown window 'foo' (--window): ${list}\n`);
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--rwindow', 'foo'), `xafs: ${CU}: unknown window 'foo' (--rwindow): ${list}\n`);
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--bkg-window', 'foo'), `xafs: ${CU}: unknown window 'foo' (--bkg-window): ${list}\n`);
  });

  it('a k window that is zero everywhere (kaiser with dk 0) would give χ(R) = 0: refused', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--dk', '0'),
      `xafs: ${CU}: the k window is zero everywhere (kaiser, k 0–15 Å⁻¹, dk 0), so χ(R) would be zero: for kaiser, --dk is the Bessel β (use 1 to 4)\n`,
    );
  });

  it('options that overflow (k-weight 1000) never put a NaN in any output: refused in text, --json and --out modes', async () => {
    const out = join(tmp.dir, 'nan-out');
    // the k-weight range of the recipe schema (0 to 10) refuses it before any computation
    const msg = `xafs: option '--kweight' expects a number from 0 to 10, got '1000'\n${USAGE}`;
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--kweight', '1000'), msg);
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--kweight', '1000', '--json'), msg);
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--kweight', '1000', '--out', out), msg);
    expect(existsSync(out)).toBe(false);
  });

  it('--qmax-out beyond the transform: refused (it crashed the WASM core)', async () => {
    expectRefused(
      await xafs('process', CU, '--mu', 'mutrans', '--kmax', '15', '--qmax-out', '60'),
      `xafs: ${CU}: --qmax-out must be above 0 and at most 51.15 Å⁻¹ (got 60): χ(q) holds 1024 points, 0.05 Å⁻¹ apart\n`,
    );
  });

  it('an Athena --group that does not exist: lists the groups', async () => {
    const prj = fixture('athena/cu.prj');
    expectRefused(await xafs('process', prj, '--group', 'cu300k.dat'), `xafs: ${prj}: no group labelled 'cu300k.dat'; the groups are: 'cu010k.dat', 'cu050k.dat', 'cu150k.dat'\n`);
  });

  it('--group on a file that is not an Athena project', async () => {
    expectRefused(await xafs('process', CU, '--group', 'x'), `xafs: --group 'x' applies to Athena projects; ${CU} is a XDI file\n`);
  });
});

describe('bad usage: commander errors, exit 2, messages start with xafs:', () => {
  it('an unknown option', async () => {
    expectRefused(await xafs('process', CU, '--bogus'), `xafs: unknown option '--bogus'\n${USAGE}`);
  });

  it('a misspelled option, with a suggestion', async () => {
    expectRefused(await xafs('process', CU, '--windwo', 'hanning'), `xafs: unknown option '--windwo'\n(Did you mean --window?)\n${USAGE}`);
  });

  it('a number option given a word, a fraction where a whole number is needed, a value out of range', async () => {
    expectRefused(await xafs('process', CU, '--kmin', 'abc'), `xafs: option '--kmin' expects a number, got 'abc'\n${USAGE}`);
    expectRefused(await xafs('process', CU, '--kmax', ''), `xafs: option '--kmax' expects a number, got ''\n${USAGE}`);
    expectRefused(await xafs('process', CU, '--e0', 'Infinity'), `xafs: option '--e0' expects a number, got 'Infinity'\n${USAGE}`);
    expectRefused(await xafs('process', CU, '--nnorm', '1.5'), `xafs: option '--nnorm' expects a whole number, got '1.5'\n${USAGE}`);
    expectRefused(await xafs('process', CU, '--nnorm', '9'), `xafs: option '--nnorm' expects a whole number from 0 to 5, got '9'\n${USAGE}`);
    expectRefused(await xafs('process', CU, '--qmax-out', '-1'), `xafs: option '--qmax-out' expects a number > 0, got '-1'\n${USAGE}`);
    expectRefused(await xafs('process', CU, '--dk', '-1'), `xafs: option '--dk' expects a number from 0 to 50, got '-1'\n${USAGE}`);
  });

  it('an option without its value, a command without its file, an unknown command', async () => {
    expectRefused(await xafs('process', CU, '--kmax'), `xafs: option '--kmax <Å⁻¹>' argument missing\n${USAGE}`);
    expectRefused(await xafs('process'), `xafs: missing required argument 'file'\n${USAGE}`);
    expectRefused(await xafs('frobnicate'), `xafs: unknown command 'frobnicate'\n${USAGE}`);
  });
});

describe('help and version', () => {
  it('xafs --help: the commands, the units (eV, Å⁻¹, Å), the exit codes; on stdout, exit 0', async () => {
    const r = await xafs('--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('Usage: xafs [options] [command]');
    expect(r.out).toContain('Energies in eV, k in Å⁻¹, R in Å.');
    expect(r.out).toMatch(/^ {2}read \[options\] <file>/m);
    expect(r.out).toMatch(/^ {2}process \[options\] <file>/m);
    expect(r.out).toContain('Exit status: 0 success, 2 bad input or usage');
  });

  it('xafs process --help: every option with its unit', async () => {
    const r = await xafs('process', '--help');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    for (const flag of ['--e0 <eV>', '--pre1 <eV>', '--norm2 <eV>', '--rbkg <Å>', '--bkg-kmin <Å⁻¹>', '--kmin <Å⁻¹>', '--kmax <Å⁻¹>', '--dk <Å⁻¹>', '--rmax-out <Å>', '--rmin <Å>', '--dr <Å>', '--qmax-out <Å⁻¹>']) {
      expect(r.out).toContain(flag);
    }
    for (const flag of ['--mu <expr>', '--energy <expr>', '--group <label>', '--no-sort', '--json', '--out <dir>', '--window <name>', '--kweight <w>']) {
      expect(r.out).toContain(flag);
    }
  });

  it('xafs help process is the same help', async () => {
    const a = await xafs('help', 'process');
    const b = await xafs('process', '--help');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
  });

  it('xafs --version prints the version of package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await xafs('--version');
    expect(r).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
  });

  it('xafs with no command: the help on stderr, exit 2', async () => {
    const r = await xafs();
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('Usage: xafs [options] [command]');
  });
});

describe('an internal (non-XafsError) failure', () => {
  const failingIo = () => {
    let err = '';
    return {
      io: {
        out: () => {
          throw new Error('stdout is on fire');
        },
        err: (s: string) => {
          err += s;
        },
      },
      err: () => err,
    };
  };

  it('prints one line "xafs: internal error: ..." and exits 3, without a stack trace', async () => {
    vi.stubEnv('XAFS_DEBUG', '');
    try {
      const f = failingIo();
      const code = await run(['process', CU, '--mu', 'mutrans', '--kmax', '15'], f.io);
      expect(code).toBe(3);
      expect(f.err()).toBe('xafs: internal error: stdout is on fire (please report it; set XAFS_DEBUG=1 for the stack trace)\n');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('with XAFS_DEBUG set, the stack trace follows that line', async () => {
    vi.stubEnv('XAFS_DEBUG', '1');
    try {
      const f = failingIo();
      const code = await run(['read', CU], f.io);
      expect(code).toBe(3);
      const [first, ...rest] = f.err().split('\n');
      expect(first).toBe('xafs: internal error: stdout is on fire (please report it; set XAFS_DEBUG=1 for the stack trace)');
      expect(rest.join('\n')).toMatch(/^Error: stdout is on fire\n\s+at /);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
