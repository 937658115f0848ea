/**
 * Recipe and result text → a value: JSON, or YAML (the yaml package's core schema: no custom
 * tags; an unknown tag such as `!!js/function` is refused, never resolved and never logged by the
 * parser). Every syntax error names the file, line and column.
 */
import { parseDocument } from 'yaml';
import { XafsError } from '../errors.js';

/** 1-based line and column of a 0-based character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * JSON.parse with the error's place as "FILE line L, column C: PROBLEM". `what` ends the
 * message (what the file should be).
 */
export function parseJsonText(text: string, file: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /at position (\d+)/.exec(msg);
    const lc = /\(line (\d+) column (\d+)\)/.exec(msg);
    const where = lc ? `line ${lc[1]}, column ${lc[2]}` : pos ? (({ line, column }) => `line ${line}, column ${column}`)(lineColumn(text, Number(pos[1]))) : text.trim() === '' ? 'the file is empty' : 'at the end';
    const problem = msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '');
    throw new XafsError('EFORMAT', `${file} is not valid JSON (${where}: ${problem}); ${what}`);
  }
}

/** YAML (core schema) with the first error or unresolved tag as "FILE line L, column C: PROBLEM". */
export function parseYamlText(text: string, file: string, what: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const { line, column } = lineColumn(text, problem.pos[0]);
    const msg = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new XafsError('EFORMAT', `${file} is not valid YAML (line ${line}, column ${column}: ${msg}); ${what}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

/** A recipe's text as a value: YAML for .yaml/.yml files, JSON otherwise. */
export function parseRecipeText(text: string, file: string, what: string): unknown {
  return /\.ya?ml$/i.test(file) ? parseYamlText(text, file, what) : parseJsonText(text, file, what);
}
