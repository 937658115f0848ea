// `xafs report RESULTS [--out report.html]`: src/plot/report.ts buildReport → one HTML file.
import { XafsError } from '../errors.js';
import { writeFileAtomic } from '../node/atomicWrite.js';
import { buildReport } from '../plot/report.js';
import { checkExpression } from './format.js';
import { processOptions } from './process.js';
import type { Io } from './program.js';

export async function reportCommand(input: string, o: Record<string, unknown>, io: Io): Promise<void> {
  checkExpression('--mu', o.mu as string | undefined);
  const out = (o.out as string | undefined) ?? 'report.html';
  if (!/\.html?$/i.test(out)) throw new XafsError('EOPTION', `--out ${out}: the report is an HTML file; end the file name with .html`);
  const html = await buildReport(input, { title: o.title as string | undefined, mu: o.mu as string | undefined, kweight: o.kweight as number | undefined, process: processOptions(o), warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  writeFileAtomic(out, html);
  io.err(`xafs: wrote ${out}\n`);
}
