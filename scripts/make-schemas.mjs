// Writes schemas/*.schema.json from the recipe description (src/schema); run after `npm run build`.
// test/schema/schema.test.ts fails when the published files differ from what this writes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { recipeJsonSchemas } from '../dist/schema/index.js';

const dir = new URL('../schemas/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(recipeJsonSchemas())) {
  writeFileSync(new URL(name, dir), JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote schemas/${name}`);
}
