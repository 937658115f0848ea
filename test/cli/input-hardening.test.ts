// Issue 17 at the CLI: bad input exits 2 with the line (never 3), nothing prints raw control
// characters, `read` never shows a NaN for a ragged row.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CU, expectNoStack, expectRefused, xafs } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'xafs-cli-hard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('xafs read / process on hostile input', () => {
  it('a FIFO: exit 2 at once with the reason', { timeout: 20_000 }, async () => {
    const fifo = join(dir, 'pipe.dat');
    execFileSync('mkfifo', [fifo]);
    expectRefused(await xafs('read', fifo), `xafs: '${fifo}' is a named pipe (FIFO), not a regular file; xafs reads data only from regular files: save the data to a file and read that\n`);
  });

  it('escape sequences in a cell and in a file name are printed escaped', async () => {
    const p = write('scan\x1b]0;pwned\x07.dat', '# t\n# a b\n1 2\n2 \x1b[2J\n3 4\n4 5\n');
    const r = await xafs('read', p);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/[\x07\x1b]/);
    expect(r.err).toBe(
      `xafs: ${join(dir, 'scan\\x1b]0;pwned\\x07.dat')} line 4, column 2: '\\x1b[2J' is not a number (the numbers run on to line 6); fix that value, or delete or comment out the line with '#'\n`,
    );
    expectNoStack(r.err);
  });

  it('a truncated last row: read warns with the line and shows no NaN/null; --json has the warning', async () => {
    const p = write('trunc.dat', '# energy mu\n1 2\n3 4\n5 6\n7\n');
    const r = await xafs('read', p);
    expect(r.code).toBe(0);
    expect(r.err).toBe(`xafs: warning: ${p}: line 5 (1 value): not the 2 values of the other rows; dropped (Larch would fill the gaps with NaN); fill in the values or delete the line to silence this\n`);
    expect(r.out).toBe(`${p}: ascii\n  2 columns × 3 rows\n  energy                   1 … 5\n  mu                       2 … 6\n`);
    const j = await xafs('read', p, '--json');
    const doc = JSON.parse(j.out) as { columns: { values: (number | null)[] }[]; warnings: string[] };
    expect(doc.columns[1]!.values).toEqual([2, 4, 6]);
    expect(doc.warnings).toHaveLength(1);
  });

  it("a date in the μ column ('2019-01-01' gave edge step 14 740 114, status ok): exit 2 naming line and column", async () => {
    const lines = readFileSync(CU, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.trim().startsWith('8979'));
    lines[at] = lines[at]!.replace(/\S+$/, '2019-01-01');
    const p = write('date.xdi', lines.join('\n'));
    expectRefused(
      await xafs('process', p, '--mu', 'mutrans'),
      `xafs: ${p} line ${at + 1}, column 4: '2019-01-01' is a date in a column of numbers, not a number; fix that value, or delete or comment out the line with '#'\n`,
    );
  });

  it('--rbkg 1e6 and --dk 1e308 (internal errors before): exit 2 naming the option and its range', async () => {
    // the CLI refuses them with the recipes' ranges (src/schema) before the library would
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--rbkg', '1e6'), "xafs: option '--rbkg' expects a number > 0 and ≤ 10, got '1e6'\n(run with --help for usage)\n");
    expectRefused(await xafs('process', CU, '--mu', 'mutrans', '--dk', '1e308'), "xafs: option '--dk' expects a number from 0 to 50, got '1e308'\n(run with --help for usage)\n");
  });
});
