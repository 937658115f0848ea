// Batch inputs: the streaming series-file reader against the whole-file reader (bit for bit), in
// blocks and ranges in any order, bad cells as error items; globs, Athena groups.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSpectrum } from '../../../src/io/read.js';
import { genericLabelsLinear, openColumns } from '../../../src/series/batch/columns.js';
import { parseColumnText } from '../../../src/io/ascii.js';
import { openInputs, readItem, type BatchItem, type InputPlan } from '../../../src/series/batch/inputs.js';
import { loadOne } from '../../../src/xanes/inputs.js';
import { fixture } from '../../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'xafs-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic pseudo-random sequence (LCG), so the file is the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * 37 spectra × 120 energies with cells of very different widths (short decimals, exponents,
 * 17-digit numbers that take the exact fallback, `1_000`-style Python floats), tabs, commas,
 * CRLF line ends, a blank line and a footer.
 */
function seriesText(nspec = 37, npts = 120): string {
  const r = rng(7);
  const lines = ['# in situ series for the streaming reader test', '# energy ' + Array.from({ length: nspec }, (_, j) => `t${j}`).join(' ')];
  for (let p = 0; p < npts; p++) {
    const e = 7000 + p * 2.5;
    const cells = [e.toFixed(3)];
    for (let j = 0; j < nspec; j++) {
      const v = 0.3 + 0.7 / (1 + Math.exp(-(e - 7120) / 3)) + 0.01 * (r() - 0.5) + j * 1e-3;
      const form = (p * 7 + j) % 6;
      cells.push(
        form === 0 ? v.toFixed(6) : form === 1 ? v.toExponential(4) : form === 2 ? String(v) : form === 3 ? v.toPrecision(17) : form === 4 ? v.toFixed(2) : `${(v * 1000).toFixed(0)}e-3`,
      );
    }
    const sep = p % 5 === 0 ? '\t' : p % 7 === 0 ? ', ' : '   ';
    lines.push(cells.join(sep) + (p % 3 === 0 ? '\r' : ''));
    if (p === 50) lines.push('');
  }
  lines.push('# end of scan');
  return lines.join('\n') + '\n';
}

const seriesFile = join(dir, 'series.dat');
writeFileSync(seriesFile, seriesText());

async function collect(plan: InputPlan, start: number, end: number): Promise<BatchItem[]> {
  const out: BatchItem[] = [];
  for await (const item of plan.items(start, end)) out.push(item);
  return out;
}

function sameBits(a: Float64Array | undefined, b: Float64Array): void {
  expect(a).toBeDefined();
  expect(a!.length).toBe(b.length);
  // bit for bit: Buffer compare of the raw doubles
  expect(Buffer.from(a!.buffer, a!.byteOffset, a!.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

describe('columns input (streaming series file)', () => {
  const whole = loadOne(seriesFile, { series: true });

  it('reads every spectrum bit for bit as the whole-file series reader does', async () => {
    expect(whole.length).toBe(37);
    const plan = await openInputs({ columns: 'series.dat' }, dir);
    expect(plan.count).toBe(37);
    expect(plan.kind).toBe('columns');
    expect(plan.describe).toBe('columns: series.dat (37 spectra × 120 points)');
    const items = await collect(plan, 0, 37);
    await plan.close();
    expect(items.map((i) => i.index)).toEqual(Array.from({ length: 37 }, (_, i) => i));
    expect(items[5]!.source).toBe('series.dat#t5');
    items.forEach((it, j) => {
      expect(it.error).toBeUndefined();
      sameBits(it.energy, whole[j]!.energy);
      sameBits(it.mu, whole[j]!.mu);
    });
  });

  it('serves ranges of consecutive chunks in any order, across small blocks', async () => {
    const reader = await openColumns(seriesFile, 'series.dat', { blockSize: 4 });
    const ranges: [number, number][] = [
      [10, 17],
      [0, 3],
      [30, 37],
      [3, 10],
      [17, 30],
      [36, 37],
      [0, 1],
    ];
    for (const [a, b] of ranges) {
      const got: BatchItem[] = [];
      while (got.length < b - a) got.push(...reader.read(a + got.length, b));
      expect(got.map((i) => i.index)).toEqual(Array.from({ length: b - a }, (_, k) => a + k));
      got.forEach((it) => sameBits(it.mu, whole[it.index]!.mu));
    }
    reader.close();
  });

  it('an XDI series file: labels from its Column.N fields, numbers as readFile gives them', async () => {
    const body = seriesText(4, 30).split('\n').slice(2).join('\n');
    const xdi = ['# XDI/1.0', '# Column.1: energy eV', '# Column.2: mu_a', '# Column.3: mu_b', '# Column.4: mu_c', '# Column.5: mu_d', '# ///', '#----', '# energy mu_a mu_b mu_c mu_d', body].join('\n');
    writeFileSync(join(dir, 'series.xdi'), xdi);
    const wholeXdi = loadOne(join(dir, 'series.xdi'), { series: true });
    const plan = await openInputs({ columns: 'series.xdi' }, dir);
    const items = await collect(plan, 0, 4);
    await plan.close();
    expect(items.map((i) => i.source)).toEqual(['series.xdi#mu_a', 'series.xdi#mu_b', 'series.xdi#mu_c', 'series.xdi#mu_d']);
    items.forEach((it, j) => {
      sameBits(it.mu, wholeXdi[j]!.mu);
      sameBits(it.energy, wholeXdi[j]!.energy);
    });
  });

  it('a gzip-compressed series file reads the same (decompressed in memory)', async () => {
    writeFileSync(join(dir, 'series.dat.gz'), gzipSync(readFileSync(seriesFile)));
    const plan = await openInputs({ columns: 'series.dat.gz' }, dir);
    const items = await collect(plan, 30, 37);
    await plan.close();
    items.forEach((it) => sameBits(it.mu, whole[it.index]!.mu));
  });

  it('a bad cell spoils only its spectrum: the item names the file, line and column', async () => {
    const lines = seriesText(6, 40).split('\n');
    // line 12 (the 10th data row): column 4 is 'x0.5', line 20 column 6 is nan, line 30 lacks its last cell
    const cut = (ln: number, f: (cells: string[]) => string[]): void => {
      lines[ln - 1] = f(lines[ln - 1]!.trim().split(/[\s,]+/)).join(' ');
    };
    cut(12, (c) => c.map((v, i) => (i === 3 ? 'x0.5' : v)));
    cut(20, (c) => c.map((v, i) => (i === 5 ? 'nan' : v)));
    cut(30, (c) => c.slice(0, 6));
    writeFileSync(join(dir, 'bad.dat'), lines.join('\n'));
    const plan = await openInputs({ columns: 'bad.dat' }, dir);
    const items = await collect(plan, 0, 6);
    await plan.close();
    expect(items.map((i) => i.error)).toEqual([
      undefined,
      undefined,
      "bad.dat line 12, column 4 ('t2'): 'x0.5' is not a number; fix that cell (the other spectra are read)",
      undefined,
      "bad.dat line 20, column 6 ('t4'): μ is NaN; fix or delete that value (the other spectra are read)",
      "bad.dat line 30: no value in column 7 ('t5'); the row ends before it",
    ]);
    expect(items[0]!.mu!.length).toBe(40);
  });

  it('refuses a bad energy cell and a text line inside the data block, naming the line', async () => {
    const lines = seriesText(3, 30).split('\n');
    lines[9] = 'oops ' + lines[9]!.trim().split(/\s+/).slice(1).join(' ');
    writeFileSync(join(dir, 'text.dat'), lines.join('\n'));
    await expect(openInputs({ columns: 'text.dat' }, dir)).rejects.toThrow(
      "text.dat line 10: 'oops 2.9982e-1, 0.29691941252350906, 0.3…' is not a row of numbers, inside the data block (lines 3 to 32); delete that line",
    );
    lines[9] = '7017.5x ' + lines[9]!.split(' ').slice(2).join(' ');
    writeFileSync(join(dir, 'energy.dat'), lines.join('\n'));
    await expect(openInputs({ columns: 'energy.dat' }, dir)).rejects.toThrow(
      "energy.dat line 10, column 1 ('energy'): '7017.5x' is not a number; the energy column must hold a number on every row",
    );
  });
});

describe('series-file labels', () => {
  it('genericLabelsLinear names columns as the standard reader does (repeats, reserved names, blanks)', () => {
    const headers = [
      ['# scan', '# energy s1 s2 s1 data data_a S2 "x" col5'],
      ['# scan', '#L E mu mu mu_col3 header footer'],
      ['# only one line'],
      ['# a', '# b', 'Column energy 1-2 1.2 , ,, @x'],
    ];
    for (const header of headers) {
      for (const ncol of [3, 9, 12]) {
        const row = Array.from({ length: ncol }, (_, i) => String(i + 1)).join(' ');
        const want = parseColumnText({ text: [...header, row].join('\n'), path: 'h.dat' }).labels;
        expect(genericLabelsLinear(header, ncol), `${header.join(' | ')} (${ncol} columns)`).toEqual(want);
      }
    }
  });

  it('a file of 2500 spectra (the linear label path) reads as the whole-file reader reads it', async () => {
    const text = seriesText(2500, 12).replace('# energy t0 t1', '# energy t0 t0 data t1');
    writeFileSync(join(dir, 'wide.dat'), text);
    const whole = loadOne(join(dir, 'wide.dat'), { series: true });
    const plan = await openInputs({ columns: 'wide.dat' }, dir);
    expect(plan.count).toBe(2500);
    const items = await collect(plan, 0, 2500);
    await plan.close();
    expect(items.map((i) => i.source)).toEqual(whole.map((w) => w.source.replace(join(dir, 'wide.dat'), 'wide.dat')));
    expect(items[1]!.source).toBe('wide.dat#t0_col3');
    items.forEach((it, j) => sameBits(it.mu, whole[j]!.mu));
  });
});

describe('files and Athena inputs', () => {
  it('a glob lists files sorted by name; readItem reads them as readSpectrum does', async () => {
    const plan = await openInputs({ files: 'series/fe_ref_*.xdi' }, fixture(''));
    expect(plan.count).toBe(2);
    const items = await collect(plan, 0, 2);
    expect(items.map((i) => i.source)).toEqual(['series/fe_ref_Fe2O3.xdi', 'series/fe_ref_FeO.xdi']);
    expect(items[1]!.energy).toBeUndefined();
    const got = readItem(items[1]!.file!, { mu: 'norm' });
    const want = readSpectrum(fixture('series/fe_ref_FeO.xdi'), { mu: 'norm' });
    sameBits(got.mu, want.mu);
    sameBits(got.energy, want.energy);
    await expect(openInputs({ files: 'series/nothing_*.xdi' }, fixture(''))).rejects.toThrow(/no file matches/);
  });

  it('an Athena project gives each μ(E) group, as loadOne reads them', async () => {
    const plan = await openInputs({ athena: 'athena/cu.prj' }, fixture(''));
    const whole = loadOne(fixture('athena/cu.prj'));
    expect(plan.count).toBe(whole.length);
    const items = await collect(plan, 0, plan.count);
    items.forEach((it, j) => {
      expect(it.source).toBe(`athena/cu.prj#${whole[j]!.name}`);
      sameBits(it.mu, whole[j]!.mu);
      sameBits(it.energy, whole[j]!.energy);
    });
    const tail = await collect(plan, 1, 99);
    expect(tail.map((i) => i.index)).toEqual(items.slice(1).map((i) => i.index));
  });
});
