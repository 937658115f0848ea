// xafs report on malformed JSON (issue 17, item 10): exit 2 naming the file, line and column (it was
// "internal error", exit 3).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { expectRefused, xafs } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'xafs-report-json-'));
const WHAT = 'pass the output of xafs fit --json, xafs process --json, or an xafs fit/batch --out folder';

describe('xafs report: malformed JSON', () => {
  it('a result file with a trailing comma: the line and column', async () => {
    const f = join(dir, 'fit.json');
    writeFileSync(f, '{\n  "params": {\n    "a": 1,\n  }\n}\n');
    expectRefused(await xafs('report', f, '--out', join(dir, 'r.html')), `xafs: ${f} is not valid JSON (line 4, column 3: Expected double-quoted property name); ${WHAT}\n`);
  });

  it('a truncated result.json in a fit folder, and a document that is not an object', async () => {
    const d = join(dir, 'fitdir');
    mkdirSync(d);
    writeFileSync(join(d, 'result.json'), '{"params": {"a": ');
    expectRefused(await xafs('report', d, '--out', join(dir, 'r.html')), `xafs: ${join(d, 'result.json')} is not valid JSON (line 1, column 18: the text ends too early); ${WHAT}\n`);
    const n = join(dir, 'null.json');
    writeFileSync(n, 'null');
    expectRefused(await xafs('report', n, '--out', join(dir, 'r.html')), `xafs: ${n} holds null, not an xafs result object: ${WHAT}\n`);
  });
});
