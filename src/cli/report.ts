// `xafs report RESULTS [--out report.html]`: src/plot/report.ts buildReport → one HTML file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { XafsError } from '../errors.js';
import { writeFileAtomic } from '../node/atomicWrite.js';
import { buildReport } from '../plot/report.js';
import { parseJsonText } from '../schema/text.js';
import { checkExpression } from './format.js';
import { processOptions } from './process.js';
import type { Io } from './program.js';

export async function reportCommand(input: string, o: Record<string, unknown>, io: Io): Promise<void> {
  checkExpression('--mu', o.mu as string | undefined);
  const out = (o.out as string | undefined) ?? 'report.html';
  if (!/\.html?$/i.test(out)) throw new XafsError('EOPTION', `--out ${out}: the report is an HTML file; end the file name with .html`);
  checkJsonInputs(input);
  const html = await buildReport(input, { title: o.title as string | undefined, mu: o.mu as string | undefined, kweight: o.kweight as number | undefined, process: processOptions(o), warn: (m) => io.err(`xafs: warning: ${m}\n`) });
  writeFileAtomic(out, html);
  io.err(`xafs: wrote ${out}\n`);
}

/**
 * The JSON files a report reads (INPUT.json, or DIR/result.json of a fit folder), checked before
 * the report is built: malformed JSON is refused naming the file, line and column, and a document
 * that is not an object (null, a list) is refused as not an xafs result.
 */
function checkJsonInputs(input: string): void {
  if (!existsSync(input)) return; // reported by buildReport
  const files = statSync(input).isDirectory() ? [join(input, 'result.json')].filter((f) => existsSync(f)) : /\.json$/i.test(input) ? [input] : [];
  for (const file of files) {
    const what = 'pass the output of xafs fit --json, xafs process --json, or an xafs fit/batch --out folder';
    const j = parseJsonText(readFileSync(file, 'utf8'), file, what);
    if (typeof j !== 'object' || j === null || Array.isArray(j)) throw new XafsError('EFORMAT', `${file} holds ${j === null ? 'null' : Array.isArray(j) ? 'a list' : `a ${typeof j}`}, not an xafs result object: ${what}`);
  }
}
