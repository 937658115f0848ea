/**
 * `xafs merge-results DIR... --out DIR`: the outputs of the shards of one batch (--shard i/n),
 * concatenated in row order into one output, byte-identical to the unsharded run. Refused, with
 * the folders named: different recipes (or xafs versions, or input counts), overlapping or
 * missing row ranges, an incomplete shard (fewer rows than its range).
 */
import { copyFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { XafsError } from '../../errors.js';
import { makeDir, tempNameFor, writeAll, writeFailure, writeFileAtomic } from '../../node/atomicWrite.js';
import { lockOutput } from '../../node/outputLock.js';
import { firstLine, scanLines } from './writer.js';

export interface MergeOptions {
  /** Output folder (created; must not hold results). */
  out: string;
  /** Replace results already in `out`. @default false */
  force?: boolean;
}

interface ShardDir {
  dir: string;
  recipe: string;
  rows: [number, number];
  label: string;
}

function appendBody(fd: number, path: string, headerLines: number): number {
  const { ends, size } = scanLines(path);
  const start = ends[headerLines - 1] ?? 0;
  const src = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = start;
    while (pos < size) {
      const n = readSync(src, buf, 0, Math.min(buf.length, size - pos), pos);
      if (n <= 0) break;
      writeAll(fd, buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(src);
  }
  return ends.length - headerLines;
}

/** Merges shard outputs (see the module comment); returns the number of rows. */
export function mergeResults(dirs: string[], options: MergeOptions & { warn?: (message: string) => void }): { rows: number; out: string } {
  if (dirs.length === 0) throw new XafsError('EOPTION', 'merge-results needs the output folders of the shards');
  const shards: ShardDir[] = dirs.map((d) => {
    const dir = resolve(d);
    const rp = join(dir, 'recipe.json');
    if (!existsSync(rp)) throw new XafsError('ENOENT', `${d}: no recipe.json: not the output folder of xafs batch`);
    for (const f of ['results.csv', 'results.jsonl']) if (!existsSync(join(dir, f))) throw new XafsError('ENOENT', `${d}: no ${f}: not the output folder of xafs batch (or the run has not started)`);
    const recipe = readFileSync(rp, 'utf8');
    const total = (JSON.parse(recipe) as { total: number }).total;
    const sp = join(dir, 'shard.json');
    if (!existsSync(sp)) return { dir, recipe, rows: [0, total] as [number, number], label: `${d} (unsharded)` };
    const sh = JSON.parse(readFileSync(sp, 'utf8')) as { shard: string; rows: [number, number] };
    return { dir, recipe, rows: sh.rows, label: `${d} (shard ${sh.shard})` };
  });
  for (const s of shards.slice(1)) {
    if (s.recipe !== shards[0]!.recipe) throw new XafsError('EOPTION', `${s.label} was made by another recipe (or xafs version, or input count) than ${shards[0]!.label}: compare their recipe.json`);
    if (firstLine(join(s.dir, 'results.jsonl')) !== firstLine(join(shards[0]!.dir, 'results.jsonl'))) throw new XafsError('EOPTION', `${s.label}: its results.jsonl header differs from ${shards[0]!.label}'s`);
  }
  shards.sort((a, b) => a.rows[0] - b.rows[0] || a.rows[1] - b.rows[1]);
  const total = (JSON.parse(shards[0]!.recipe) as { total: number }).total;
  let at = 0;
  for (const s of shards) {
    if (s.rows[0] > at) throw new XafsError('EOPTION', `rows ${at}–${s.rows[0] - 1} are missing: no shard covers them (before ${s.label}); add that shard's folder`);
    if (s.rows[0] < at) throw new XafsError('EOPTION', `${s.label} overlaps the shard before it (rows ${s.rows[0]}–${at - 1} twice): give each shard once`);
    const c = scanLines(join(s.dir, 'results.csv')).lines - 1;
    const j = scanLines(join(s.dir, 'results.jsonl')).lines - 1;
    const want = s.rows[1] - s.rows[0];
    if (c !== want || j !== want) throw new XafsError('EOPTION', `${s.label} is incomplete: ${Math.min(c, j)} of its ${want} rows written; finish it with xafs batch --resume --shard first`);
    at = s.rows[1];
  }
  if (at < total) throw new XafsError('EOPTION', `rows ${at}–${total - 1} are missing: no shard covers them; add the last shard's folder`);
  const out = resolve(options.out);
  if (shards.some((s) => s.dir === out)) throw new XafsError('EOPTION', `--out ${options.out} is one of the shard folders: merge into a new folder`);
  try {
    makeDir(out);
  } catch (e) {
    throw writeFailure(e, out, { action: 'creating', remedy: 'pass --out a folder you can write to' });
  }
  const lock = lockOutput(out, 'xafs merge-results', options.warn);
  try {
    if (existsSync(join(out, 'results.csv')) && !options.force) throw new XafsError('EOPTION', `${options.out} already holds results: choose another --out or pass --force`);
    const remedy = 'free some space or pass --out another folder, and merge again';
    writeFileAtomic(join(out, 'recipe.json'), shards[0]!.recipe, { remedy });
    let rows = 0;
    for (const name of ['results.csv', 'results.jsonl']) {
      // whole files under a temporary name, renamed when complete
      const path = join(out, name);
      const tmp = tempNameFor(path);
      try {
        const fd = openSync(tmp, 'w');
        try {
          writeAll(fd, firstLine(join(shards[0]!.dir, name))! + '\n');
          rows = 0;
          for (const s of shards) rows += appendBody(fd, join(s.dir, name), 1);
        } finally {
          closeSync(fd);
        }
        renameSync(tmp, path);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw writeFailure(e, path, { remedy });
      }
    }
    for (const s of shards) {
      const a = join(s.dir, 'arrays');
      if (!existsSync(a)) continue;
      try {
        mkdirSync(join(out, 'arrays'), { recursive: true });
        for (const f of readdirSync(a)) copyFileSync(join(a, f), join(out, 'arrays', f));
      } catch (e) {
        throw writeFailure(e, join(out, 'arrays'), { remedy });
      }
    }
    return { rows, out };
  } finally {
    lock.release();
  }
}
