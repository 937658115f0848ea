// The built `xafs` binary (dist/cli/main.js, made by `npm run build`, which `npm test` runs first):
// a smoke test of the real process: exit status, stdout and stderr as a shell sees them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const CU = 'fixtures/spectra/cu_metal_rt.xdi';

const xafsBin = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, XAFS_DEBUG: '' } });

describe.skipIf(!existsSync(BIN))('node dist/cli/main.js (the built binary; run npm run build first)', () => {
  it('process cu_metal_rt.xdi --mu mutrans: exit 0, the summary on stdout, the kmax warning on stderr', () => {
    const r = xafsBin('process', CU, '--mu', 'mutrans');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([`${CU}: 408 points, 8779–10145.86 eV`, '  e0         8980.500 eV', '  edge step  2.83723']);
    expect(r.stdout).toContain('|χ(R)|     peak 0.087997 Å^-1 at R = 2.209 Å');
    expect(r.stderr).toBe(
      'xafs: warning: xftf kmax defaults to 20 Å⁻¹ but χ(k) ends at 17.45 Å⁻¹: the transform is cut at the data end without a taper; pass --kmax\n',
    );
  });

  it('a bad input sets the exit status 2 of the process, with the message on stderr only', () => {
    const r = xafsBin('process', CU, '--mu', 'ln(i0/itrns)');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`xafs: ${CU}: no column named 'itrns' in --mu 'ln(i0/itrns)'; the columns are: energy, i0, itrans, mutrans (or col1..col4 by position)\n`);
  });

  it('--version prints the version alone', () => {
    const r = xafsBin('--version');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });

  it('a reader that closes the pipe early (| head) ends the command quietly: no EPIPE stack trace', async () => {
    const child = spawn(process.execPath, [BIN, 'process', CU, '--mu', 'mutrans', '--kmax', '15', '--json'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
