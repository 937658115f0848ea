// The results table's text: CSV quoting, one line per row, full-precision numbers read back
// exactly, JSON lines that parse, and appending to an existing table (xafs watch).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchRow } from '../../../src/series/batch/analyze.js';
import { csvCell, formatCsvRows, formatJsonlRows, ResultsWriter } from '../../../src/series/batch/writer.js';
import { tempDir } from './helpers.js';

const rows: BatchRow[] = [
  { index: 0, source: 'a.xdi', status: 'ok', message: '', values: [7112.123456789012, 0.1 + 0.2, null] },
  { index: 1, source: 'dir, with comma/b "q".xdi', status: 'error', message: 'line 1\nline 2: "bad", really', values: [null, null, null] },
  { index: 2, source: ' lead.xdi', status: 'ok', message: 'x', values: [-1e-300, 5e-324, Number.NaN] },
];

describe('results text', () => {
  it('quotes CSV cells that need it and keeps each row on one line', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(' x')).toBe('" x"');
    expect(formatCsvRows(rows)).toBe(
      '0,a.xdi,ok,,7112.123456789012,0.30000000000000004,\n' +
        '1,"dir, with comma/b ""q"".xdi",error,"line 1 line 2: ""bad"", really",,,\n' +
        '2," lead.xdi",ok,x,-1e-300,5e-324,\n',
    );
  });

  it('JSON lines parse back to the same numbers (null for none)', () => {
    const text = formatJsonlRows(rows, ['e0', 'step', 'v']);
    const back = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(back[0]).toEqual({ index: 0, source: 'a.xdi', status: 'ok', message: '', e0: 7112.123456789012, step: 0.30000000000000004, v: null });
    expect(back[1]!.message).toBe('line 1 line 2: "bad", really');
    expect(back[2]).toMatchObject({ e0: -1e-300, step: 5e-324, v: null });
  });

  it('appends to an existing table with the same header, refuses another', () => {
    const dir = tempDir('writer');
    const header = { xafs: 'test', total: null, columns: ['e0', 'step', 'v'] };
    const w = new ResultsWriter({ dir, columns: ['e0', 'step', 'v'], header });
    w.appendRows(rows.slice(0, 1));
    w.close();
    const a = new ResultsWriter({ dir, columns: ['e0', 'step', 'v'], header, append: true });
    a.appendRows(rows.slice(1));
    a.close();
    expect(readFileSync(join(dir, 'results.csv'), 'utf8')).toBe('index,source,status,message,e0,step,v\n' + formatCsvRows(rows));
    expect(readFileSync(join(dir, 'results.jsonl'), 'utf8')).toBe(JSON.stringify(header) + '\n' + formatJsonlRows(rows, ['e0', 'step', 'v']));
    expect(() => new ResultsWriter({ dir, columns: ['e0'], header, append: true })).toThrow(`${join(dir, 'results.csv')}: its columns (index,source,status,message,e0,step,v) differ from this recipe's (index,source,status,message,e0): write to another folder`);
  });
});
