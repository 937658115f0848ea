// The progress bar shows on a terminal only: never when stderr is piped or CI is set.
import { describe, expect, it } from 'vitest';
import { progressBar, wantProgress } from '../../../src/series/batch/progress.js';
import { parseShard, shardChunks } from '../../../src/series/batch/run.js';
import { xafs } from '../../cli/helpers.js';

describe('progress and options', () => {
  it('draws only on a TTY outside CI', () => {
    expect(wantProgress({ isTTY: true }, {})).toBe(true);
    expect(wantProgress({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(wantProgress({ isTTY: false }, {})).toBe(false);
    expect(wantProgress({}, {})).toBe(false);
    const bar = progressBar(false);
    expect(() => {
      bar.update({ done: 1, total: 2, ok: 1, failed: 0, seconds: 1, analyzed: 1 });
      bar.stop();
    }).not.toThrow();
  });

  it('shards are contiguous whole-chunk ranges covering every chunk once', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('4/3')).toThrow("--shard expects i/n with 1 ≤ i ≤ n (e.g. 2/8), got '4/3'");
    expect(() => parseShard('0/3')).toThrow("--shard expects i/n with 1 ≤ i ≤ n (e.g. 2/8), got '0/3'");
    for (const [chunks, n] of [[10, 3], [4, 3], [2, 5], [157, 8]] as const) {
      let at = 0;
      for (let i = 1; i <= n; i++) {
        const [a, b] = shardChunks(chunks, { index: i, count: n });
        expect(a).toBe(at);
        expect(b).toBeGreaterThanOrEqual(a);
        at = b;
      }
      expect(at).toBe(chunks);
    }
  });

  it('refuses a bad --jobs or --shard with exit 2', async () => {
    const r = await xafs('batch', 'x.json', '--jobs', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain("xafs: option '--jobs' expects a whole number ≥ 1, got '0'");
    const s = await xafs('batch', 'nothere.json', '--shard', '1/2');
    expect(s.code).toBe(2);
    expect(s.err).toBe("xafs: batch recipe not found: 'nothere.json'; check the name and the folder\n");
  });
});
