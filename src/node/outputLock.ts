/**
 * One writer per output folder (docs/robustness.md): `xafs batch` (plain, --resume, --shard),
 * `xafs watch` and `xafs merge-results` hold DIR/.xafs.lock while they write DIR. The lock file
 * holds {pid, host, started, command}; it is made complete under a temporary name and linked into
 * place (link fails if the name exists), so another run never reads a half-written lock.
 *
 * A lock already there is
 * - stale when it was taken on this host by a process that is no longer alive: it is taken over,
 *   with a warning (a run killed with SIGKILL or by a power cut leaves its lock behind);
 * - held otherwise: refused (exit 2) with the holder named. A lock from another host (a shared
 *   folder) cannot be checked from here: the message says how to remove it by hand.
 */
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { XafsError } from '../errors.js';
import { tempNameFor, writeFailure } from './atomicWrite.js';

export const LOCK_NAME = '.xafs.lock';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export interface OutputLock {
  readonly path: string;
  /** Removes the lock (when it is still this run's). Safe to call twice. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists (another user's)
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): LockInfo | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, host: o.host, started: String(o.started ?? '?'), command: String(o.command ?? '?') };
  } catch {
    // unreadable or not ours: treated as held (never removed without a reason)
  }
  return null;
}

/** Releases every lock still held when the process exits (a second Ctrl-C exits at once). */
const held = new Set<OutputLock>();
let exitHook = false;

/**
 * Takes the lock of output folder `dir` (which must exist) for `command` (e.g. "xafs batch").
 * Throws XafsError (ELOCKED, exit 2) when another live run holds it.
 */
export function lockOutput(dir: string, command: string, warn: (message: string) => void = () => {}): OutputLock {
  const path = join(dir, LOCK_NAME);
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString(), command };
  const text = JSON.stringify(me) + '\n';
  const tmp = tempNameFor(path);
  try {
    writeFileSync(tmp, text);
  } catch (e) {
    throw writeFailure(e, path, { remedy: 'pass --out a folder you can write to' });
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, path);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw writeFailure(e, path, { remedy: 'pass --out a folder you can write to' });
      }
      const other = readLock(path);
      if (other && other.host === me.host && other.pid !== process.pid && !alive(other.pid)) {
        warn(`${dir}: taking over the lock of an earlier run that is no longer running (pid ${other.pid}, ${other.command}, started ${other.started})`);
        rmSync(path, { force: true });
        continue;
      }
      const who = other ? `${other.command} (pid ${other.pid} on ${other.host}, started ${other.started})` : 'another run (its lock file is unreadable)';
      const remedy =
        other && other.host === me.host
          ? 'wait for it to finish, stop it, or choose another --out'
          : `if that run is no longer running, remove ${path} by hand; otherwise wait for it or choose another --out`;
      throw new XafsError('ELOCKED', `${dir} is in use by ${who}: ${remedy}`, 2);
    }
  } finally {
    rmSync(tmp, { force: true });
  }
  const lock: OutputLock = {
    path,
    release() {
      if (!held.delete(lock)) return;
      const now = readLock(path);
      if (now && now.pid === me.pid && now.host === me.host && now.started === me.started) rmSync(path, { force: true });
    },
  };
  held.add(lock);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const l of [...held]) {
        try {
          l.release();
        } catch {
          // exiting: nothing more to do
        }
      }
    });
  }
  return lock;
}
