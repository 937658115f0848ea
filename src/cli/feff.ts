// `xafs feff STRUCTURE`: a thin wrapper over src/feff runFeff.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { feffAvailable, feffInpText, runFeff, structureInput, type FeffProgram } from '../feff/runner.js';
import type { Io } from './program.js';
import { toJson } from './format.js';

export async function feffCommand(structure: string, o: Record<string, unknown>, io: Io): Promise<void> {
  const input = structureInput(structure, {
    absorber: o.absorber as string | undefined,
    site: o.site as string | undefined,
    edge: o.edge as string | undefined,
    rmax: o.rmax as number | undefined,
    nleg: o.nleg as number | undefined,
    s02: o.s02 as number | undefined,
    title: o.title as string | undefined,
  });
  if (o.inpOnly) {
    // the cards of the FEFF that would run: the one asked for, else the installed one, else feff8l
    const program = (o.feff as FeffProgram | undefined) ?? (feffAvailable('feff8l') || !feffAvailable('feff6l') ? 'feff8l' : 'feff6l');
    const { inp, notes } = feffInpText(input, program);
    for (const n of notes) io.err(`xafs: note: ${n}\n`);
    if (o.out) {
      mkdirSync(String(o.out), { recursive: true });
      const file = join(String(o.out), 'feff.inp');
      writeFileSync(file, inp);
      io.err(`wrote ${file} (${program} cards)\n`);
    } else io.out(inp);
    return;
  }
  const run = await runFeff(input, {
    program: o.feff as FeffProgram | undefined,
    outDir: o.out as string | undefined,
    cache: o.cache !== false,
    timeoutMs: o.timeout === undefined ? undefined : (o.timeout as number) * 1000,
  });
  for (const n of run.notes) io.err(`xafs: note: ${n}\n`);
  io.err(`${run.version}: ${run.paths.length} path${run.paths.length === 1 ? '' : 's'} in ${run.dir}${run.cached ? ' (cached: FEFF did not run)' : ''}\n`);
  if (o.json) {
    const { log: _log, ...rest } = run;
    io.out(toJson({ structure, ...rest }) + '\n');
    return;
  }
  const rows = [['index', 'label', 'nleg', 'degen', 'reff (Å)', 'importance (%)'], ...run.paths.map((p) => [String(p.index), p.label, String(p.nleg), String(p.degen), p.reff.toFixed(4), p.importance.toFixed(1)])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  io.out(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n');
}
