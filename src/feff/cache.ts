/**
 * The FEFF result cache: one folder per run, named by a hash of the feff.inp text and the FEFF
 * program and version, so an identical input is never run twice. Location: `XAFS_CACHE`, else
 * `~/.cache/xafs/feff` (XDG_CACHE_HOME honoured). Entries are written to a temporary name and
 * renamed, so a crashed or concurrent run never leaves a half entry behind.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache folder: XAFS_CACHE, else $XDG_CACHE_HOME/xafs/feff, else ~/.cache/xafs/feff. */
export function defaultCacheDir(): string {
  if (process.env.XAFS_CACHE) return process.env.XAFS_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'xafs', 'feff');
}

/** The cache key: sha256 of the program identity and the feff.inp text (line ends normalized), 24 hex digits. */
export function cacheKey(inpText: string, programId: string): string {
  return createHash('sha256').update(`${programId}\n`).update(inpText.replace(/\r\n/g, '\n')).digest('hex').slice(0, 24);
}

/** The entry folder for `key` when it holds a complete run (its meta.json is written last). */
export function cachedEntry(cacheDir: string, key: string): string | undefined {
  const dir = join(cacheDir, key);
  return existsSync(join(dir, 'meta.json')) ? dir : undefined;
}
