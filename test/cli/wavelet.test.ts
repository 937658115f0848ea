// xafs wavelet, in-process: the map of μ(E) (processed as xafs process does) or of a χ(k) file,
// its maxima, --json / text / --out, and bad input (exit 2 with the exact message).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CU, expectRefused, fixture, readOutFile, relL2, tempDir, xafs } from './helpers.js';

const USAGE = '(run with --help for usage)\n';
const CU_DUAL = fixture('fits/cu_dualatom.chi');

interface WaveletJson {
  file: string;
  input: 'chi' | 'mu';
  e0?: number;
  kind: string;
  kweight: number;
  rmaxOut: number;
  eta?: number;
  sigma?: number;
  k: number[];
  r: number[];
  mag: number[][];
  max: { k: number; r: number; value: number };
  maxima: Array<{ rmin: number; rmax: number; k: number; r: number; value: number }>;
  warnings: string[];
}

const larch = JSON.parse(gunzipSync(readFileSync(fixture('wavelet/larch_cu_metal_rt.json.gz'))).toString('utf8')) as {
  wavelet: { mag: number[]; mag_shape: [number, number]; max_at: { k: number; r: number } };
};

const temp = tempDir();
afterAll(() => temp.remove());

describe('xafs wavelet', () => {
  it('μ(E) → Larch’s Cauchy map: cu_metal_rt.xdi --mu ln(i0/itrans) --bkg-kweight 2 --kweight 2 --rmax-out 6 --json (relative L2 < 1e-6)', async () => {
    // the reference ran autobk(rbkg=1, kweight=2) then cauchy_wavelet(kweight=2, rmax_out=6)
    const r = await xafs('wavelet', CU, '--mu', 'ln(i0/itrans)', '--bkg-kweight', '2', '--kweight', '2', '--rmax-out', '6', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as WaveletJson;
    expect(Object.keys(j)).toEqual(['file', 'input', 'e0', 'kind', 'kweight', 'rmaxOut', 'k', 'r', 'mag', 'max', 'maxima', 'warnings']);
    expect(j).toMatchObject({ input: 'mu', e0: 8980.5, kind: 'cauchy', kweight: 2, rmaxOut: 6 });
    expect(j.mag.length).toBe(196);
    expect(j.mag[0].length).toBe(350);
    expect(relL2(j.mag.flat(), larch.wavelet.mag)).toBeLessThan(1e-6);
    expect(j.max.k).toBeCloseTo(larch.wavelet.max_at.k, 9);
    expect(j.max.r).toBeCloseTo(larch.wavelet.max_at.r, 9);
    expect(j.maxima).toEqual([{ rmin: 0, rmax: 6, ...j.max }]);
  });

  it('χ(k) file with two R windows: Cu–N at 6.60 Å⁻¹, Cu–Ru at 10.65 Å⁻¹ (k³), as text', async () => {
    const r = await xafs('wavelet', CU_DUAL, '--kweight', '3', '--rmax-out', '6', '--rwindow', '1.2,1.9', '--rwindow', '2.0,2.7');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        `${CU_DUAL}: Cauchy wavelet (Larch cauchy_wavelet) of k³·χ(k)`,
        '  grid      k 0.00–14.00 Å⁻¹ (281 points), R 0–6 Å (196 rows, step 0.0308 Å)',
        '  maximum   |W| 0.1547 at k = 6.60 Å⁻¹, R = 1.508 Å',
        '  R 1.2–1.9 Å  |W| 0.1547 at k = 6.60 Å⁻¹, R = 1.508 Å',
        '  R 2–2.7 Å  |W| 0.08108 at k = 10.65 Å⁻¹, R = 2.215 Å',
        '',
      ].join('\n'),
    );
  });

  it('--kind morlet --eta 10 --sigma 1 --json: same grids as Cauchy, η and σ reported; a maximum on a window edge is warned about', async () => {
    const m = JSON.parse((await xafs('wavelet', CU_DUAL, '--kind', 'morlet', '--eta', '10', '--sigma', '1', '--kweight', '3', '--rmax-out', '6', '--json')).out) as WaveletJson;
    const c = JSON.parse((await xafs('wavelet', CU_DUAL, '--kweight', '3', '--rmax-out', '6', '--json')).out) as WaveletJson;
    expect(m).toMatchObject({ input: 'chi', kind: 'morlet', eta: 10, sigma: 1 });
    expect(m.k).toEqual(c.k);
    expect(m.r).toEqual(c.r);
    // η = 5 blurs Cu–N into the Cu–Ru window: its maximum there sits on the window's lower edge
    const r5 = await xafs('wavelet', CU_DUAL, '--kind', 'morlet', '--kweight', '3', '--rmax-out', '6', '--rwindow', '2.0,2.7');
    expect(r5.code).toBe(0);
    expect(r5.err).toBe("xafs: warning: the maximum in R 2–2.7 Å lies on the window's edge (R = 2.000 Å): the peak is outside the window; widen it\n");
  });

  it('--out DIR writes the |W| matrix as CSV and the map as columns; both match --json', async () => {
    const dir = join(temp.dir, 'wt');
    const r = await xafs('wavelet', CU_DUAL, '--kweight', '2', '--rmax-out', '3', '--out', dir, '--json');
    expect(r.code).toBe(0);
    const csvPath = join(dir, 'cu_dualatom.cauchy.csv');
    const datPath = join(dir, 'cu_dualatom.cauchy.dat');
    expect(r.err).toBe(`xafs: wrote ${csvPath}, ${datPath}\n`);
    const j = JSON.parse(r.out) as WaveletJson;
    const csv = readFileSync(csvPath, 'utf8').trimEnd().split('\n').map((l) => l.split(','));
    expect(csv[0][0]).toBe('r\\k');
    expect(csv[0].slice(1).map(Number)).toEqual(j.k.map((x) => +x.toFixed(10)));
    expect(csv.length).toBe(j.r.length + 1);
    expect(Number(csv[0 + 1][0])).toBe(0);
    expect(Number(csv[50][0])).toBeCloseTo(j.r[49], 12);
    expect(relL2(csv.slice(1).flatMap((row) => row.slice(1).map(Number)), j.mag.flat())).toBeLessThan(1e-9);
    const dat = readOutFile(datPath);
    expect(dat.columns.map((c) => c.name)).toEqual(['r', 'k', 'mag', 're', 'im']);
    expect(dat.rows.length).toBe(j.r.length * j.k.length);
    const nk = j.k.length;
    for (const idx of [0, 777, 5000, dat.rows.length - 1]) {
      const [rr, kk, mag, re, im] = dat.rows[idx];
      const i = Math.floor(idx / nk);
      expect(rr).toBeCloseTo(i === 0 ? 0 : j.r[i], 9);
      expect(kk).toBeCloseTo(j.k[idx % nk], 9);
      expect(mag).toBeCloseTo(j.mag[i][idx % nk], 9);
      expect(Math.hypot(re, im)).toBeCloseTo(mag, 9);
    }
  });

  describe('bad input: exit 2 and a message that says what to change', () => {
    it('a map beyond the data’s k range', async () => {
      expectRefused(await xafs('wavelet', CU_DUAL, '--kmax', '15'), `xafs: ${CU_DUAL}: --kmax 15 Å⁻¹ is beyond the data (χ(k) ends at k = 14 Å⁻¹): choose --kmax ≤ 14\n`);
      expectRefused(
        await xafs('wavelet', CU, '--mu', 'ln(i0/itrans)', '--kmax', '19'),
        `xafs: ${CU}: --kmax 19 Å⁻¹ is beyond the data (χ(k) ends at k = 17.45 Å⁻¹): choose --kmax ≤ 17.45\n`,
      );
    });

    it('a χ(k) too short, a χ(k) file without data, an empty file', async () => {
      const short = temp.write('short.chi', '# k chi\n# k chi\n0 1\n0.05 2\n0.1 3\n');
      expectRefused(await xafs('wavelet', short), `xafs: ${short}: χ(k) is too short for a wavelet transform: it spans k = 0–0.1 Å⁻¹ (3 points); at least 1 Å⁻¹ is needed\n`);
      const none = temp.write('none.chi', '# k chi\n');
      expectRefused(await xafs('wavelet', none), `xafs: ${none}: no block of numbers found; a column file needs rows of numbers (one point per line) below its header\n`);
      const empty = temp.write('empty.chi', '');
      expectRefused(await xafs('wavelet', empty), `xafs: ${empty} is empty; expected a column file, an XDI file, an Athena project or a feff.dat\n`);
    });

    it('options: --eta without --kind morlet, a malformed --rwindow, a window outside the map, an unknown --kind', async () => {
      expectRefused(await xafs('wavelet', CU_DUAL, '--eta', '10'), `xafs: ${CU_DUAL}: --eta and --sigma set the Morlet wavelet: add --kind morlet, or leave them out for the Cauchy wavelet\n`);
      expectRefused(await xafs('wavelet', CU_DUAL, '--rwindow', '2'), `xafs: option '--rwindow' expects rmin,rmax in Å with 0 ≤ rmin < rmax (e.g. --rwindow 1.2,1.9), got '2'\n${USAGE}`);
      expectRefused(
        await xafs('wavelet', CU_DUAL, '--rmax-out', '6', '--rwindow', '7,8'),
        `xafs: ${CU_DUAL}: R window 7–8 Å holds no row of the map (R from 0 to 6 Å, step 0.0308 Å): widen it or raise --rmax-out\n`,
      );
      expectRefused(await xafs('wavelet', CU_DUAL, '--kind', 'haar'), `xafs: option '--kind <kind>' argument 'haar' is invalid. Allowed choices are cauchy, morlet.\n${USAGE}`);
    });
  });
});
