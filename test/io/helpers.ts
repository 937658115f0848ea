// Shared paths and small utilities for the reader tests.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, onTestFinished } from 'vitest';
import { XafsError } from '../../src/errors.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const fixture = (rel: string): string => join(FIXTURES, rel);
export const reference = <T = unknown>(name: string): T =>
  JSON.parse(readFileSync(fixture(`reference/${name}`), 'utf8')) as T;

/** Sum in order (the references were summed by numpy; 1e-9 relative covers the difference). */
export const sum = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

export function expectClose(actual: number, expected: number, rel = 1e-9): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-300);
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`${actual} differs from ${expected} by more than ${rel} relative`);
  }
}

/** A fresh temp folder, removed after the test; `write(name, text)` puts a file in it and returns its path. */
export function tempFiles(): { dir: string; write: (name: string, text: string | Uint8Array) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-io-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** Run fn, expect an XafsError with this code, return it for message checks. */
export function catchXafs(fn: () => unknown, code: string): XafsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(XafsError);
    expect((err as XafsError).code).toBe(code);
    return err as XafsError;
  }
  return expect.fail(`expected XafsError ${code}, nothing was thrown`);
}
