// Running the xafs program in-process with captured stdout/stderr, and the inputs the CLI tests share.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { run, type Io } from '../../src/cli/program.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const fixture = (rel: string): string => join(FIXTURES, rel);
export const CU = fixture('spectra/cu_metal_rt.xdi');

export interface Ran {
  code: number;
  out: string;
  err: string;
}

/** `xafs ...args` in-process: exit status and everything written to stdout and stderr. */
export async function xafs(...argv: string[]): Promise<Ran> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
  };
  const code = await run(argv, io);
  return { code, out, err };
}

/** A bad input: exit 2, nothing on stdout, exactly `message` on stderr, no stack trace. */
export function expectRefused(r: Ran, message: string): void {
  expect(r.err).toBe(message);
  expect(r.out).toBe('');
  expect(r.code).toBe(2);
  expectNoStack(r.err);
}

export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at \S/m);
  expect(text).not.toMatch(/\.(ts|js):\d+:\d+/);
}

/** Escapes a literal for use inside a RegExp. */
/** The message of what `f` throws, or 'accepted' when it does not throw. */
export const thrownMessage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

export const literal = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The 408 data rows of cu_metal_rt.xdi (energy i0 itrans mutrans), as text lines and as numbers. */
export const cuRows: string[] = readFileSync(CU, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));
export const cuEnergy: number[] = cuRows.map((l) => Number(l.trim().split(/\s+/)[0]));

/**
 * A plain column file. Two header lines, because Larch read_ascii (and so xafs) names the
 * columns from the last header line only when there are at least two; data row i is on line i + 3.
 */
export const HEADER = ['# xafs CLI test input', '# energy i0 itrans mutrans'];
export const lineOfRow = (i: number): number => i + HEADER.length + 1;

export interface Temp {
  dir: string;
  write(name: string, content: string | Uint8Array): string;
  remove(): void;
}

export function tempDir(): Temp {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-cli-'));
  return {
    dir,
    write(name, content) {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A whitespace-separated column file from a header and rows. */
export const columnText = (header: string[], rows: string[]): string => [...header, ...rows].join('\n') + '\n';

/** A column file written by `xafs process --out`: '#' header lines, then numeric rows. */
export function readOutFile(path: string): { header: string[]; columns: { name: string; desc: string }[]; rows: number[][] } {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const header = lines.filter((l) => l.startsWith('#'));
  const columns = header
    .map((l) => /^# Column\.(\d+): (\S+) {2}(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[2]!, desc: m[3]! }));
  const rows = lines.filter((l) => !l.startsWith('#')).map((l) => l.trim().split(/\s+/).map(Number));
  return { header, columns, rows };
}

/** |a − b| ≤ rel·|b| elementwise (exact zeros must stay zeros); reports the first offender. */
export function expectArrayClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (!(Math.abs(g - w) <= rel * Math.abs(w))) expect.fail(`${what}[${i}] = ${g}, expected ${w} within ${rel} relative`);
  }
}

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** A golden CSV of fixtures/xafs (one '#' provenance line, a header, numbers), columns by name. */
export function readGoldCsv(name: string): Record<string, number[]> {
  const lines = readFileSync(fixture(`xafs/${name}`), 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const head = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return Object.fromEntries(head.map((h, j) => [h, rows.map((r) => r[j]!)]));
}
