// Batch recipes: strict validation (unknown keys with a suggestion, wrong types, with their path),
// defaults, YAML, and the CLI's exit status 2 with the exact message.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOutDir, loadBatchRecipe, parseBatchRecipe, recipeEcho } from '../../../src/series/batch/recipe.js';
import { xafs } from '../../cli/helpers.js';
import { tempDir } from './helpers.js';

const base = { inputs: { files: 'spectra/*.xdi' } };
const parse = (r: unknown) => parseBatchRecipe(r, 'recipe.json', '/data');
const refused = (r: unknown) => {
  try {
    parse(r);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('batch recipe validation', () => {
  it('names an unknown key with its path and the nearest allowed key', () => {
    expect(refused({ ...base, lcf: { standard: [] } })).toBe("recipe.json: unknown key 'lcf.standard' (did you mean 'standards'?)");
    expect(refused({ ...base, egde: {} })).toBe("recipe.json: unknown key 'egde' (did you mean 'edge'?)");
    expect(refused({ ...base, process: { autobk: { rbgk: 1 } } })).toBe("recipe.json: unknown key 'process.autobk.rbgk' (did you mean 'rbkg'?)");
    expect(refused({ ...base, zzz: 1 })).toMatch(/^recipe\.json: unknown key 'zzz' \(the keys here are version, title, comment, inputs, /);
  });

  it('names a wrong value with its path, index included', () => {
    expect(refused({ ...base, edge: { methods: ['half', 'halff'] } })).toBe("recipe.json: 'edge.methods[1]' must be one of deriv, deriv-fit, half, zero2, integral, deriv-main, half-main, got 'halff' (did you mean 'half'?)");
    expect(refused({ ...base, lcf: { standards: [{ file: 'a.xdi' }, { file: 3 }] } })).toBe("recipe.json: 'lcf.standards[1].file' must be a non-empty string, got 3");
    expect(refused({ ...base, process: { xftf: { kmin: '3' } } })).toBe("recipe.json: 'process.xftf.kmin' must be a number from 0 to 50 (Å⁻¹), got '3' (a string: write the number without quotes)");
    expect(refused({ ...base, outputs: { arrays: 'yes' } })).toBe("recipe.json: 'outputs.arrays' must be true or false, got 'yes'");
    expect(refused({ ...base, valence: { references: [{ file: 'a', valence: 2 }] } })).toBe("recipe.json: 'valence.references' must hold at least 2 entries, got 1");
    expect(refused({ inputs: { files: 'a', columns: 'b' } })).toBe("recipe.json: 'inputs' must hold exactly one of files, columns, athena, hdf5, got files, columns");
    expect(refused({ ...base, version: 2 })).toBe("recipe.json: 'version' 2 is not supported: this xafs reads batch recipes of version 1");
    expect(refused({})).toBe(`recipe.json: 'inputs' is missing: give {"files": GLOB}, {"columns": FILE}, {"athena": FILE} or {"hdf5": {"file", "energy", "mu"}}`);
  });

  it('fills the defaults, and the echo holds them but not the local paths', () => {
    const r = parse({ ...base, edge: {}, lcf: { standards: ['refs/FeO.xdi', 'refs/Fe2O3.xdi'] }, fit: 'fit.json', process: { xftf: { kmin: 3 } } });
    expect(r.edge).toEqual({ methods: ['deriv-fit', 'half'], smooth: 1, searchWidth: 10, halfLevel: 0.5, integralLevels: [0.15, 0.85] });
    expect(r.lcf).toEqual({ standards: [{ file: 'refs/FeO.xdi', name: 'FeO' }, { file: 'refs/Fe2O3.xdi', name: 'Fe2O3' }], space: 'norm', emin: -20, emax: 60, sumToOne: true, eshift: 'common', normalization: 'sample' });
    expect(r.fit).toEqual({ recipe: 'fit.json', warmStart: true });
    expect(r.process.autobk).toEqual({}); // implied by xftf and fit
    expect(r.version).toBe(1);
    const echo = recipeEcho(r);
    expect(echo.path).toBeUndefined();
    expect(echo.baseDir).toBeUndefined();
    expect(echo.inputs).toEqual({ files: 'spectra/*.xdi' });
  });

  it('the default output folder: outputs.dir, else <recipe name>.results beside the recipe', () => {
    expect(defaultOutDir(parseBatchRecipe(base, 'series/fe.recipe.json', '/data/series'))).toBe('/data/series/fe.results');
    expect(defaultOutDir(parseBatchRecipe(base, 'run.yaml', '/data'))).toBe('/data/run.results');
    expect(defaultOutDir(parseBatchRecipe({ ...base, outputs: { dir: '../out' } }, 'run.yaml', '/data/x'))).toBe('/data/out');
  });

  it('reads YAML the same as JSON', () => {
    const dir = tempDir('yaml');
    writeFileSync(join(dir, 'r.yaml'), 'inputs:\n  files: "spectra/*.xdi"\nedge:\n  methods: [half, deriv]\n');
    writeFileSync(join(dir, 'r.json'), JSON.stringify({ inputs: { files: 'spectra/*.xdi' }, edge: { methods: ['half', 'deriv'] } }));
    expect(recipeEcho(loadBatchRecipe(join(dir, 'r.yaml')))).toEqual(recipeEcho(loadBatchRecipe(join(dir, 'r.json'))));
    expect(loadBatchRecipe(join(dir, 'r.yaml')).baseDir).toBe(dir);
  });
});

describe('xafs batch: a bad recipe exits 2 with the message naming the key', () => {
  it('unknown key', async () => {
    const dir = tempDir('cli');
    const file = join(dir, 'recipe.json');
    writeFileSync(file, JSON.stringify({ inputs: { files: '*.xdi' }, lcf: { standard: ['a.xdi'] } }));
    const r = await xafs('batch', file);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`xafs: ${file}: unknown key 'lcf.standard' (did you mean 'standards'?)\n`);
  });

  it('wrong type', async () => {
    const dir = tempDir('cli');
    const file = join(dir, 'recipe.json');
    writeFileSync(file, JSON.stringify({ inputs: { files: '*.xdi' }, edge: { methods: ['deriv', 'halff'] } }));
    const r = await xafs('batch', file, '--json');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`xafs: ${file}: 'edge.methods[1]' must be one of deriv, deriv-fit, half, zero2, integral, deriv-main, half-main, got 'halff' (did you mean 'half'?)\n`);
  });

  it('a missing reference file is named before any spectrum is read', async () => {
    const dir = tempDir('cli');
    const file = join(dir, 'recipe.json');
    writeFileSync(file, JSON.stringify({ inputs: { files: '*.xdi' }, lcf: { standards: ['nothere.xdi', 'b.xdi'] } }));
    const r = await xafs('batch', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`xafs: ${file}: LCF standard 'nothere.xdi' not found (looked for ${join(dir, 'nothere.xdi')}); names resolve against the recipe's folder\n`);
  });
});
