// Every citation in the code resolves inside the repository (docs/architecture.md, Habits): a
// docs/*.md page a comment names exists, a "docs/conventions.md §N" section exists, and no
// comment cites a document that is not in the repository.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

function files(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) files(rel, out);
    else if (/\.(ts|mts|mjs|js|sh)$/.test(name)) out.push(rel);
  }
  return out;
}

const sources = ['src', 'assembly', 'test', 'bench', 'scripts'].flatMap((d) => files(d)).filter((f) => f !== 'test/docs.test.ts');

describe('citations in the code', () => {
  it('name only documents that are in the repository', () => {
    const outside: string[] = [];
    for (const f of sources) {
      const text = readFileSync(join(root, f), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/larch-conventions|contract\.md|style\.md|\.\.\/shared\/|shared\/reference/.test(line)) outside.push(`${f}:${i + 1}`);
      });
    }
    expect(outside).toEqual([]);
  });

  it('name docs pages that exist, and conventions sections that exist', () => {
    const sections = new Set([...readFileSync(join(root, 'docs/conventions.md'), 'utf8').matchAll(/^#{2,3} ([0-9A]+(?:\.[0-9]+)?)\.?[ –]/gm)].map((m) => m[1]));
    expect(sections.has('2.9')).toBe(true); // the parser itself is checked
    const missing: string[] = [];
    for (const f of sources) {
      const text = readFileSync(join(root, f), 'utf8');
      for (const m of text.matchAll(/docs\/([a-z0-9-]+\.md)(?: §([0-9A]+(?:\.[0-9]+)?))?/g)) {
        if (!existsSync(join(root, 'docs', m[1]!))) missing.push(`${f}: docs/${m[1]}`);
        else if (m[1] === 'conventions.md' && m[2] && !sections.has(m[2]) && !sections.has(m[2].split('.')[0]!)) missing.push(`${f}: docs/conventions.md §${m[2]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
