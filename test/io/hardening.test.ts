// Issue 17, the input side: nothing hangs (FIFO, /dev/zero), nothing grows without bound (caps,
// gzip bombs, long lines, many columns), physically impossible values are refused with their line.
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, test } from 'vitest';
import { readAscii, readAthena, readFile, readSpectrum } from '../../src/io/index.js';
import { escapeControls, inputLimit, setInputLimits } from '../../src/io/text.js';
import { processSpectrum } from '../../src/process.js';
import { autobk, xftf, xftr } from '../../src/xafs/index.js';
import { catchXafs, fixture, tempFiles } from './helpers.js';

afterEach(() => {
  setInputLimits({ maxInputBytes: undefined, maxSeriesBytes: undefined });
  delete process.env.XAFS_MAX_INPUT_MB;
});

describe('one input opener: regular files only, a byte cap', () => {
  test('a FIFO is refused at once (it used to block forever)', { timeout: 20_000 }, () => {
    const { dir } = tempFiles();
    const fifo = join(dir, 'scan.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(catchXafs(() => readFile(fifo), 'EFORMAT').message).toBe(
      `'${fifo}' is a named pipe (FIFO), not a regular file; xafs reads data only from regular files: save the data to a file and read that`,
    );
  });

  test('a symlink to /dev/zero is refused after following the link (it grew to 7 GB)', { timeout: 20_000 }, () => {
    const { dir } = tempFiles();
    const link = join(dir, 'zero.dat');
    symlinkSync('/dev/zero', link);
    expect(catchXafs(() => readAscii(link), 'EFORMAT').message).toBe(
      `'${link}' is a character device, not a regular file; xafs reads data only from regular files: save the data to a file and read that`,
    );
  });

  test('a folder and a looping symlink: clear messages', () => {
    const { dir } = tempFiles();
    const loop = join(dir, 'loop.dat');
    symlinkSync(loop, loop);
    expect(catchXafs(() => readFile(dir), 'EFORMAT').message).toBe(`'${dir}' is a folder, not a data file; name a file inside it`);
    expect(catchXafs(() => readFile(loop), 'ENOENT').message).toBe(`cannot read '${loop}': a symbolic link that loops (or too many links in a row)`);
  });

  test('a file above the cap is refused with the cap and how to raise it (setInputLimits, XAFS_MAX_INPUT_MB)', () => {
    const { write } = tempFiles();
    const p = write('big.dat', `# e mu\n${'1 2\n'.repeat(300_000)}`); // 1.2 MB
    expect(inputLimit('maxInputBytes')).toBe(256 * 2 ** 20);
    process.env.XAFS_MAX_INPUT_MB = '1';
    expect(catchXafs(() => readFile(p), 'EFORMAT').message).toBe(
      `'${p}' is 1.1 MB, above the input limit of 1 MB; set XAFS_MAX_INPUT_MB (megabytes) or call setInputLimits({ maxInputBytes }) to allow more`,
    );
    process.env.XAFS_MAX_INPUT_MB = '2';
    expect(readAscii(p).columns[0]!.values).toHaveLength(300_000);
    setInputLimits({ maxInputBytes: 1000 }); // the API setting wins over the environment
    expect(catchXafs(() => readAscii(p), 'EFORMAT').message).toContain('above the input limit of 0 MB');
    process.env.XAFS_MAX_INPUT_MB = 'lots';
    setInputLimits({ maxInputBytes: undefined });
    expect(catchXafs(() => readAscii(p), 'EOPTION').message).toBe("XAFS_MAX_INPUT_MB must be a positive number of megabytes (got 'lots')");
  });

  test('a gzip file that inflates past the cap is refused naming the cap (600 kB → 600 MB)', () => {
    const { write } = tempFiles();
    const bomb = write('bomb.dat.gz', gzipSync(Buffer.alloc(3 * 2 ** 20, 0x20)));
    const prj = write('bomb.prj', gzipSync(Buffer.alloc(3 * 2 ** 20, 0x20)));
    setInputLimits({ maxInputBytes: 2 ** 20 });
    const msg = 'is gzip-compressed and inflates past the input limit of 1 MB; set XAFS_MAX_INPUT_MB (megabytes) or call setInputLimits({ maxInputBytes }) to allow more';
    expect(catchXafs(() => readFile(bomb), 'EFORMAT').message).toBe(`${bomb} ${msg}`);
    expect(catchXafs(() => readAscii(bomb), 'EFORMAT').message).toBe(`${bomb} ${msg}`);
    expect(catchXafs(() => readAthena(prj), 'EFORMAT').message).toBe(`${prj} ${msg}`);
    // within the cap the same reader reads it
    const ok = write('ok.dat.gz', gzipSync(Buffer.from('# e mu\n1 2\n3 4\n')));
    expect(Array.from(readAscii(ok).columns[1]!.values)).toEqual([2, 4]);
  });
});

describe('text encodings', () => {
  test('UTF-16 text (with a byte-order mark, LE or BE, or LE without one) is decoded, not called binary', () => {
    const { write } = tempFiles();
    const text = '# Température\n# energy mu\n8000 1.5\n8001 2.5\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [name, bytes] of [
      ['le.dat', le],
      ['be.dat', be],
      ['nobom.dat', Buffer.from(text, 'utf16le')],
    ] as const) {
      const f = readFile(write(name, bytes));
      expect(f.format, name).toBe('ascii');
      if (f.format !== 'ascii') continue;
      expect(f.labels, name).toEqual(['energy', 'mu']);
      expect(Array.from(f.columns[1]!.values), name).toEqual([1.5, 2.5]);
      expect(f.header[0], name).toBe('# Température');
    }
  });

  test('Perl code points past U+10FFFF in an Athena label become U+FFFD (was "Invalid code point")', () => {
    const text =
      "# Athena project file -- Demeter version 0.9.26\n$old_group = 'ab';\n" +
      "@args = ('label',\"a\\x{110000}b\",'x',\"\\x{41}\");\n@x = ('1','2','3');\n@y = ('0.5','0.6','0.7');\n[record]\n1;\n";
    const g = readAthena({ data: text, path: 'mem.prj' }).groups[0]!;
    expect(g.label).toBe('a\ufffdb');
  });

  test('control characters are escaped for the terminal; tabs, newlines and letters are kept', () => {
    expect(escapeControls('a\tb\nc')).toBe('a\tb\nc');
    expect(escapeControls('x\x1b]0;title\x07y\r')).toBe('x\\x1b]0;title\\x07y\\x0d');
    expect(escapeControls('\x9b2J \u202eevil µÅ')).toBe('\\u009b2J \\u202eevil µÅ');
  });
});

describe('linear time on long lines and many columns (bounded by the test timeout, not timed)', () => {
  const rows = Array.from({ length: 50 }, (_, i) => `${8000 + i} ${1 + i / 100}`).join('\n') + '\n';

  test('4 MB header lines of underscores, words, dots and colons read at once', { timeout: 60_000 }, () => {
    const n = 4 * 2 ** 20;
    for (const line of ['_'.repeat(n) + 'x', 'ab '.repeat(n / 3), 'ab'.repeat(n / 2), '1.'.repeat(n / 2), 'a:'.repeat(n / 2), '1-'.repeat(n / 2)]) {
      const f = readAscii({ text: `# t\n# ${line}\n# energy mu\n${rows}`, path: 'long.dat' });
      expect(f.labels).toEqual(['energy', 'mu']);
      expect(f.columns[0]!.values).toHaveLength(50);
    }
  });

  test('a 4 MB last label line names only the columns there are', { timeout: 60_000 }, () => {
    const words = Array.from({ length: 400_000 }, (_, i) => `c${i % 7}`).join(' ');
    const f = readAscii({ text: `# t\n# ${words}\n${rows}`, path: 'wide.dat' });
    expect(f.labels).toEqual(['c0', 'c1']);
  });

  test('150 000 columns: labels assigned in linear time (O(columns²) took > 60 s for 1.4 M)', { timeout: 60_000 }, () => {
    const ncol = 150_000;
    const header = Array.from({ length: ncol }, (_, i) => `x${i % 1000}`).join(' ');
    const row = (r: number) => Array.from({ length: ncol }, (_, i) => (i + r) % 10).join(' ');
    const f = readAscii({ text: `# t\n# ${header}\n${row(0)}\n${row(1)}\n`, path: 'cols.dat' });
    expect(f.labels).toHaveLength(ncol);
    // repeats get Larch's `_colN` suffix: x0 at column 1001 is the second x0
    expect(f.labels[1000]).toBe('x0_col1001');
    expect(f.labels[ncol - 1]).toBe(`x999_col${ncol}`);
    expect(f.columns[ncol - 1]!.values[1]).toBe(ncol % 10);
  });

  test('a 2 MB data row among short rows: refused as ragged, quickly, the word cut in the message', { timeout: 60_000 }, () => {
    const err = catchXafs(() => readAscii({ text: `# a b\n${rows}1 2x${'1'.repeat(2 ** 21)}\n${rows}`, path: 'bad.dat' }), 'ENUMBER');
    expect(err.message).toBe(`bad.dat line 52, column 2: '2x${'1'.repeat(58)}…' is not a number (the numbers run on to line 102); fix that value, or delete or comment out the line with '#'`);
  });
});

describe('physically impossible values are refused, a stray end energy is left out', () => {
  const cu = readFileSync(fixture('spectra/cu_metal_rt.xdi'), 'utf8');
  const MU = { mu: 'mutrans' };

  test('an energy of 1e308 (or below 10 eV) is refused with its line (it crashed process with "Invalid typed array length")', () => {
    const { write } = tempFiles();
    const lines = cu.trimEnd().split('\n').length;
    const p = write('e308.xdi', `${cu}  1e308  110079.7  85128.099834  0.25\n`);
    expect(catchXafs(() => readSpectrum(p, MU), 'ERANGE').message).toBe(
      `${p} line ${lines + 1}: energy 1e+308 eV (from column 'energy') is outside 10 eV – 1 MeV, where X-ray absorption edges lie; fix or delete that line, or build the energy in eV with --energy EXPR`,
    );
    // through the API without a reader: the point is named
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), MU);
    const energy = Float64Array.from(s.energy);
    energy[3] = 5;
    expect(catchXafs(() => processSpectrum({ ...s, energy }), 'ERANGE').message).toContain('energy point 4 is 5 eV, outside 10 eV – 1 MeV');
  });

  test('a stray last energy (100000 eV after a Cu K scan) is left out with a warning, and the results are those without it', () => {
    const { write } = tempFiles();
    const lines = cu.trimEnd().split('\n').length;
    const clean = processSpectrum(readSpectrum(fixture('spectra/cu_metal_rt.xdi'), MU));
    for (const stray of ['100000', '20000']) {
      const p = write(`stray${stray}.xdi`, `${cu}  ${stray}  110079.7  85128.099834  0.25\n`);
      const s = readSpectrum(p, MU);
      expect(s.energy).toHaveLength(clean.energy.length);
      expect(s.warnings!.join('\n')).toContain(`${p}: line ${lines + 1} (${stray} eV): more than 1000 eV away from the rest of the scan (8779–10145.86 eV, steps of about`);
      const res = processSpectrum(s);
      expect(res.e0).toBe(clean.e0);
      expect(res.bkg.chi).toEqual(clean.bkg.chi);
      expect(res.ft.chirMag).toEqual(clean.ft.chirMag);
    }
  });

  test('a stray end energy given through the API is refused naming the point (it ran 35 s into a misleading NaN)', () => {
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), MU);
    const energy = Float64Array.from(s.energy);
    energy[energy.length - 1] = 18000;
    expect(catchXafs(() => processSpectrum({ ...s, energy }), 'ERANGE').message).toMatch(
      new RegExp(`^${s.source}: energy point ${energy.length} \\(18000 eV\\) lies more than 1000 eV away from the rest of the scan \\(8779–10139\\.21 eV, steps of about [\\d.]+ eV\\): leave it out or fix it`),
    );
  });

  test('an evenly spaced scan reaching beyond k = 50 Å⁻¹ without an autobk kmax: refused (the k grid grows with the last energy)', () => {
    // the Cu scan continued every 10 eV to 19790 eV (no stray: every step is small)
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), MU);
    const n = s.energy.length;
    const last = s.energy[n - 1]!;
    const extra = Math.floor((19790 - last) / 10);
    const energy = Float64Array.from({ length: n + extra }, (_, i) => (i < n ? s.energy[i]! : 19790 - 10 * (n + extra - 1 - i)));
    const mu = Float64Array.from({ length: n + extra }, (_, i) => (i < n ? s.mu[i]! : s.mu[n - 1]!));
    const err = catchXafs(() => processSpectrum({ energy, mu, source: 'mem' }), 'ERANGE');
    expect(err.message).toMatch(/^mem: the scan reaches k = 53\.\d Å⁻¹ above e0 = [\d.]+ eV \(last energy 19790 eV\), beyond the 50 Å⁻¹ where EXAFS data end: check the last energies \(a stray point\?\) or give autobk kmax \(at most 50 Å⁻¹\)$/);
  });

  test('absurd transform and background options: EOPTION naming the API option and its range', () => {
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), MU);
    const res = processSpectrum(s, { xftf: { kmax: 15 } });
    const cases: [() => unknown, string][] = [
      [() => autobk(s, { rbkg: 1e6 }), 'autobk rbkg must be above 0 and at most 10 Å (got 1000000)'],
      [() => autobk(s, { rbkg: 0 }), 'autobk rbkg must be above 0 and at most 10 Å (got 0)'],
      [() => autobk(s, { nknots: 100000 }), 'autobk nknots must be from 5 to 128 (got 100000)'],
      [() => autobk(s, { kmax: 1e9 }), 'autobk kmax must be from 0 to 50 Å⁻¹ (got 1000000000)'],
      [() => autobk(s, { dk: -1 }), 'autobk dk must be from 0 to 50 Å⁻¹ (got -1)'],
      [() => xftf(res.bkg, { dk: 1e308 }), 'xftf dk must be from 0 to 50 Å⁻¹ (got 1e+308)'],
      [() => xftf(res.bkg, { kmax: 60 }), 'xftf kmax must be from 0 to 50 Å⁻¹ (got 60)'],
      [() => xftf(res.bkg, { nfft: 2 ** 30 }), 'xftf nfft must be from 16 to 1048576 (got 1073741824)'],
      [() => xftr(res.ft, { rmax: 1e6 }), 'xftr rmax must be from 0 to 100 Å (got 1000000)'],
      [() => xftr(res.ft, { dr: 1e300 }), 'xftr dr must be from 0 to 100 Å (got 1e+300)'],
    ];
    for (const [fn, msg] of cases) expect(catchXafs(fn, 'EOPTION').message).toBe(msg);
    // through processSpectrum the message starts with the source
    expect(catchXafs(() => processSpectrum(s, { autobk: { rbkg: 1e6 } }), 'EOPTION').message).toBe(`${s.source}: autobk rbkg must be above 0 and at most 10 Å (got 1000000)`);
  });

  test('χ(k) beyond 50 Å⁻¹ (or below 0) is refused by the transform', () => {
    const k = Float64Array.from({ length: 1200 }, (_, i) => i * 0.05);
    const chi = k.map((x) => Math.sin(2 * x * 2.5));
    expect(catchXafs(() => xftf({ k, chi }), 'ERANGE').message).toBe(
      'χ(k) has k = 59.95 Å⁻¹, outside 0–50 Å⁻¹ where EXAFS data lie: check the k column (it must be the photo-electron wavenumber in Å⁻¹)',
    );
    // the same χ(k) cut at 50 transforms
    const ft = xftf({ k: k.slice(0, 1000), chi: chi.slice(0, 1000) }, { kmin: 2, kmax: 14 });
    expect(ft.chirMag.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('messages about option values say what was given', () => {
  test('a number given as a string is named as a string, other types by their type', () => {
    const s = readSpectrum(fixture('spectra/cu_metal_rt.xdi'), { mu: 'mutrans' });
    const bad = (v: unknown) => catchXafs(() => autobk(s, { rbkg: v as number }), 'EOPTION').message;
    expect(bad('3')).toBe("autobk rbkg must be a finite number (got the string '3'; write the number without quotes)");
    expect(bad('three')).toBe("autobk rbkg must be a finite number (got the string 'three')");
    expect(bad([1])).toBe('autobk rbkg must be a finite number (got a list)');
    expect(bad({})).toBe('autobk rbkg must be a finite number (got an object)');
    expect(bad(true)).toBe('autobk rbkg must be a finite number (got a boolean)');
    expect(bad(Infinity)).toBe('autobk rbkg must be a finite number (got Infinity)');
  });
});

describe('the batch series reader uses the same opener and number rules (minimal change in src/series/batch/columns.ts)', () => {
  const series = (edit?: (rows: string[][]) => void): string => {
    const rows = Array.from({ length: 40 }, (_, i) => [String(8000 + 5 * i), ...[0, 1, 2].map((s) => (1 + s / 10 + Math.atan(i - 20)).toFixed(5))]);
    edit?.(rows);
    return `# series\n# energy t0 t1 t2\n${rows.map((r) => r.join(' ')).join('\n')}\n`;
  };
  const items = async (dir: string, file: string) => {
    const { openInputs } = await import('../../src/series/batch/inputs.js');
    const plan = await openInputs({ columns: file }, dir);
    const out: { error?: string; mu?: Float64Array }[] = [];
    for await (const it of plan.items(0, 3)) out.push(it);
    await plan.close();
    return out;
  };

  test('a date in a μ cell spoils only that spectrum, naming line and column (it was a timestamp)', async () => {
    const { dir, write } = tempFiles();
    write('s.dat', series((r) => (r[10]![2] = '2019-01-01')));
    const got = await items(dir, 's.dat');
    expect(got.map((i) => i.error)).toEqual([undefined, "s.dat line 13, column 3 ('t1'): '2019-01-01' is not a number; fix that cell (the other spectra are read)", undefined]);
    expect(got[0]!.mu).toHaveLength(40);
  });

  test('a FIFO and a file above the series cap are refused', { timeout: 20_000 }, async () => {
    const { dir, write } = tempFiles();
    execFileSync('mkfifo', [join(dir, 'pipe.dat')]);
    const { openInputs } = await import('../../src/series/batch/inputs.js');
    await expect(openInputs({ columns: 'pipe.dat' }, dir)).rejects.toThrow('is a named pipe (FIFO), not a regular file');
    write('s.dat', series());
    setInputLimits({ maxSeriesBytes: 100 });
    await expect(openInputs({ columns: 's.dat' }, dir)).rejects.toThrow('above the input limit of 0 MB; set XAFS_MAX_SERIES_MB (megabytes) or call setInputLimits({ maxSeriesBytes }) to allow more');
  });
});
