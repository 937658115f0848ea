/**
 * Writing output files so that nothing half-written is ever left under the final name
 * (docs/robustness.md): the bytes go to a temporary name in the same folder, and a rename puts
 * them in place (atomic on one file system). A write that fails (disk full, read-only file
 * system, permission denied, quota) removes the temporary file, leaves whatever was at the final
 * name untouched, and becomes an XafsError naming the file, the device and the cause.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { XafsError } from '../errors.js';

/** The errno codes of output that cannot be written, and how they are said. */
const WRITE_CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on',
  EDQUOT: 'disk quota exceeded on',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  EEXIST: 'a file is in the way',
  EFBIG: 'file too large for',
  EIO: 'input/output error on',
};

/** True for an error of the file system refusing a write (see WRITE_CAUSES). */
export function isWriteFailure(e: unknown): e is NodeJS.ErrnoException {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code in WRITE_CAUSES;
}

/** The mount point holding `path` (from /proc/self/mounts on Linux), else its folder. */
export function deviceOf(path: string): string {
  const abs = resolve(path);
  try {
    let best = '';
    for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const mp = line.split(' ')[1]?.replace(/\\040/g, ' ');
      if (mp && (abs === mp || abs.startsWith(mp.endsWith('/') ? mp : mp + '/')) && mp.length > best.length) best = mp;
    }
    if (best) return best;
  } catch {
    // not Linux: the folder names the place well enough
  }
  return dirname(abs);
}

/**
 * An XafsError for a file that could not be written: "no space left on DEVICE while writing
 * FILE", "read-only file system (DEVICE) while writing FILE", "permission denied while writing
 * FILE", then `remedy`. Errors that are not write failures are returned unchanged.
 */
export function writeFailure(e: unknown, file: string, options: { exitCode?: number; remedy?: string; action?: string } = {}): unknown {
  if (e instanceof XafsError || !isWriteFailure(e)) return e;
  const code = e.code!;
  const cause = WRITE_CAUSES[code]!;
  const where = cause.endsWith(' on') || cause.endsWith(' for') ? `${cause} ${deviceOf(file)}` : code === 'EROFS' ? `${cause} (${deviceOf(file)})` : cause;
  const remedy = options.remedy ?? (code === 'ENOSPC' || code === 'EDQUOT' ? 'free some space and run again' : 'write to a folder you can write to');
  return new XafsError('EWRITE', `${where} while ${options.action ?? 'writing'} ${file}: ${remedy}`, options.exitCode ?? 2);
}

/**
 * mkdir -p that says why it failed: Node's recursive mkdir reports ENOENT where the file system
 * refused (read-only, no permission); the first missing folder is then made alone, whose error
 * has the real cause. Throws the errno error (map it with writeFailure).
 */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    let missing = resolve(dir);
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    mkdirSync(missing); // throws the real cause
    throw e;
  }
}

/** Writes all of `data` at the current position of `fd` (writeSync may write less than asked). */
export function writeAll(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

let counter = 0;

/** A temporary name beside `path`, unique to this process and call (dot-prefixed, ends in .tmp). */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
}

export interface AtomicWriteOptions {
  /** Create the folder first. @default false */
  mkdir?: boolean;
  /** Exit code of the XafsError for a write failure. @default 2 */
  exitCode?: number;
  /** What to do, appended to the message. @default free space / write elsewhere */
  remedy?: string;
  /** Flush to the disk before the rename (survives a power cut). @default false */
  fsync?: boolean;
}

/**
 * Writes `data` to `path` through a temporary file and a rename: `path` holds either its old
 * content or all of `data`, never a part. Write failures become XafsError (see writeFailure).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const tmp = tempNameFor(path);
  let fd: number | null = null;
  try {
    if (options.mkdir) makeDir(dirname(path));
    fd = openSync(tmp, 'w');
    writeAll(fd, data);
    if (options.fsync) fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing: the write error is the one to report
      }
    }
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw writeFailure(e, path, options);
  }
}
