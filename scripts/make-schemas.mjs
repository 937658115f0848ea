// Writes schemas/*.schema.json and the key reference of docs/recipes.md from the recipe description
// (src/schema); run after `npm run build` (npm run schemas). test/schema/schema.test.ts fails when
// the published files differ from what this writes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { recipeJsonSchemas, recipeReference } from '../dist/schema/index.js';

const dir = new URL('../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(recipeJsonSchemas())) {
  writeFileSync(new URL(name, dir), JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote schemas/${name}`);
}
const docs = new URL('../docs/recipes.md', import.meta.url);
const START = '<!-- generated: the reference below is written by scripts/make-schemas.mjs from src/schema -->';
const END = '<!-- end generated -->';
const page = readFileSync(docs, 'utf8');
const head = page.slice(0, page.indexOf(START) + START.length);
const tail = page.slice(page.indexOf(END));
writeFileSync(docs, `${head}\n\n${recipeReference()}\n${tail}`);
console.log('wrote docs/recipes.md (reference)');
