// A scan that ends in the XANES (k < 5 Å⁻¹, e0 + 95 eV) is processed but named as such: its
// χ(k) and |χ(R)| hold no EXAFS (issue 12: "|χ(R)| peak at 3.77 Å" from χ(k) ending at 3.6 Å⁻¹).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpectrum } from '../../src/io/read.js';
import { processSpectrum, XANES_K_LIMIT } from '../../src/process.js';
import { KTOE } from '../../src/constants.js';
import { CU, xafs } from '../cli/helpers.js';

const cu = readSpectrum(CU, { mu: 'mutrans' });
const upTo = (eMax: number) => {
  const n = cu.energy.findIndex((e) => e > eMax);
  return { ...cu, energy: cu.energy.slice(0, n), mu: cu.mu.slice(0, n), warnings: [] };
};
const E0 = 8980.5; // Larch's find_e0 on cu_metal_rt (docs/conventions.md §A)

describe('XANES-only scans', () => {
  it('a Cu scan ending at e0 + 60 eV (k ≈ 3.9 Å⁻¹) is named a XANES scan; the full scan is not', () => {
    const short = processSpectrum(upTo(E0 + 60));
    const kLast = short.bkg.k[short.bkg.k.length - 1]!;
    expect(kLast).toBeLessThan(XANES_K_LIMIT);
    expect(kLast).toBeCloseTo(Math.sqrt(60 / KTOE), 0);
    expect(short.warnings.filter((w) => w.startsWith('a XANES scan'))).toHaveLength(1);
    // e0 + 150 eV reaches k 6.3: EXAFS, no such warning
    expect(processSpectrum(upTo(E0 + 150)).warnings.some((w) => w.startsWith('a XANES scan'))).toBe(false);
    expect(processSpectrum(cu).warnings.some((w) => w.startsWith('a XANES scan'))).toBe(false);
  });

  it('xafs process says so in its summary and a warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xafs-xanes-'));
    const file = join(dir, 'cu_xanes.xdi');
    const lines = readFileSync(CU, 'utf8').split('\n');
    writeFileSync(file, lines.filter((l) => l.startsWith('#') || l.trim() === '' || Number(l.trim().split(/\s+/)[0]) <= E0 + 60).join('\n'));
    const r = await xafs('process', file, '--mu', 'mutrans');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/autobk .*\(a XANES scan: no EXAFS below k 5 Å⁻¹\)/);
    expect(r.err).toContain('xafs: warning: a XANES scan: χ(k) ends at k = 3.');
    expect((await xafs('process', CU, '--mu', 'mutrans')).out).not.toContain('XANES scan');
  });
});
