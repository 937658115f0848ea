// Output helpers shared by commands: JSON with plain number arrays, column files with headers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { XafsError } from '../errors.js';
import { makeDir, writeFileAtomic } from '../node/atomicWrite.js';
import { parseExpression } from '../io/expr.js';

/**
 * JSON.stringify with typed arrays as plain arrays. Results refuse NaN/inf (never a silent null);
 * `nonFinite: 'null'` is for data as read (empty cells of a column file), where null says "no value".
 */
export function toJson(value: unknown, nonFinite: 'error' | 'null' = 'error'): string {
  return JSON.stringify(value, (key, v) => {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const arr = Array.from(v as Float64Array);
      if (nonFinite === 'null') return arr.map((x) => (Number.isFinite(x) ? x : null));
      const bad = arr.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new XafsError('ENONFINITE', `result array '${key}' has a non-finite value (${arr[bad]}) at index ${bad}: the input or the options produced an undefined result; check the ranges`);
      return arr;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) {
      if (nonFinite === 'null') return null;
      throw new XafsError('ENONFINITE', `result '${key}' is ${v}: the input or the options produced an undefined result; check the ranges`);
    }
    return v;
  });
}

export interface ColumnSpec {
  name: string;
  /** Units and meaning, written into the header. */
  desc: string;
  values: ArrayLike<number>;
}

/** Writes a whitespace-separated column file with a '#' header naming every column and its units. */
export function writeColumns(dir: string, file: string, title: string[], cols: ColumnSpec[]): string {
  const fsError = (e: unknown, what: string): XafsError => {
    const err = e as NodeJS.ErrnoException;
    const why: Record<string, string> = {
      EEXIST: 'a file of that name is in the way',
      ENOTDIR: 'a file of that name is in the way',
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'read-only file system',
      ENOSPC: 'no space left on the device',
      EISDIR: 'a folder of that name is in the way',
    };
    const reason = (err.code && why[err.code]) ?? err.code ?? err.message;
    return new XafsError('EOPTION', `--out ${dir}: cannot ${what} (${reason}); pass --out a folder you can write to`);
  };
  try {
    makeDir(dir);
  } catch (e) {
    throw fsError(e, 'create the folder');
  }
  const n = Math.min(...cols.map((c) => c.values.length));
  const lines = [...title.map((t) => `# ${t}`)];
  cols.forEach((c, i) => lines.push(`# Column.${i + 1}: ${c.name}  ${c.desc}`));
  lines.push('#' + '-'.repeat(60));
  lines.push('#' + cols.map((c) => c.name.padStart(16)).join(' '));
  for (let i = 0; i < n; i++) lines.push(' ' + cols.map((c) => fmt(c.values[i])).join(' '));
  const path = join(dir, file);
  // through a temporary name: a full or read-only disk leaves no partial .dat (docs/robustness.md)
  writeFileAtomic(path, lines.join('\n') + '\n', { remedy: 'free some space or pass --out a folder you can write to' });
  return path;
}

function fmt(v: number): string {
  return v.toExponential(9).padStart(16);
}

/** A syntax error in an expression option (--mu, --energy, ...) names the option. */
export function checkExpression(option: string, expr: string | undefined): void {
  if (expr === undefined) return;
  try {
    parseExpression(expr);
  } catch (e) {
    if (e instanceof XafsError) throw new XafsError(e.code, `${option}: ${e.message}`, e.exitCode);
    throw e;
  }
}

/** FILE#GROUP → the file and the group (an Athena label or a series column), when FILE exists and the whole argument does not. */
export function splitGroup(arg: string): { path: string; group?: string } {
  if (existsSync(arg)) return { path: arg };
  // the first '#' whose left part is a file: a label may hold '#' too
  for (let at = arg.indexOf('#'); at > 0; at = arg.indexOf('#', at + 1)) {
    if (existsSync(arg.slice(0, at))) return { path: arg.slice(0, at), group: arg.slice(at + 1) };
  }
  return { path: arg };
}
