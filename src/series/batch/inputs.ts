/**
 * The inputs of a batch recipe, as a plan the engine walks in ranges: a glob or folder of files
 * (read later, in a worker, by `readItem`), one multi-column series file (streamed: energy then
 * one μ column per spectrum), the μ(E) groups of an Athena project, or HDF5/NeXus datasets.
 * Order is the input order: files sorted by name as `xafs` sorts them everywhere
 * (src/xanes/inputs.ts expandInputs), columns and groups in file order, HDF5 rows in dataset order.
 * Items that cannot be read carry `error` (file, line, column or dataset named) instead of arrays;
 * a plan that cannot be opened at all throws XafsError (exit 2).
 */
import { basename, isAbsolute, join, relative } from 'node:path';
import { XafsError } from '../../errors.js';
import { readAthena } from '../../io/athena.js';
import { readFile, spectrumFrom } from '../../io/read.js';
import type { AthenaProject } from '../../types.js';
import { expandInputEntries } from '../../xanes/inputs.js';
import { openColumns } from './columns.js';

export type InputsSpec = { files: string } | { columns: string } | { athena: string } | { hdf5: { file: string; energy: string; mu: string } };

export interface BatchItem {
  /** 0-based position in the input order. */
  index: number;
  /** What the results table calls it: a file path (relative to the recipe), file#label or file#group. */
  source: string;
  /** 'files' items: the path to read (with readItem, in a worker). */
  file?: string;
  /** Energy (eV, increasing) and μ(E), for the kinds read in the main thread. */
  energy?: Float64Array;
  mu?: Float64Array;
  /** Why this spectrum could not be read (then no arrays). */
  error?: string;
}

export interface InputPlan {
  count: number;
  kind: 'files' | 'columns' | 'athena' | 'hdf5';
  /** One line for logs and the results header, e.g. "columns: series.dat (200 spectra × 1001 points)". */
  describe: string;
  /** items with index in [start, end), in order; 'files' items carry `file` (a worker reads it), the others carry arrays */
  items(start: number, end: number): AsyncIterable<BatchItem>;
  close(): Promise<void>;
}

/** Paths in a recipe are relative to the recipe's folder. */
export function resolveIn(baseDir: string, p: string): string {
  return isAbsolute(p) ? p : join(baseDir, p);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkRange(count: number, start: number, end: number): [number, number] {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
    throw new XafsError('EINTERNAL', `items(${start}, ${end}): not a range of item indices`);
  }
  return [start, Math.min(end, count)];
}

/** Open the inputs of a recipe (paths relative to baseDir, the recipe's folder). */
export async function openInputs(spec: InputsSpec, baseDir: string): Promise<InputPlan> {
  if (spec === null || typeof spec !== 'object') {
    throw new XafsError('EOPTION', `inputs: expected one of {"files": GLOB}, {"columns": FILE}, {"athena": FILE}, {"hdf5": {"file", "energy", "mu"}}`);
  }
  if ('files' in spec) return openFiles(spec.files, baseDir);
  if ('columns' in spec) return openColumnsPlan(spec.columns, baseDir);
  if ('athena' in spec) return openAthena(spec.athena, baseDir);
  if ('hdf5' in spec) {
    const { openHdf5 } = await import('./hdf5.js');
    return openHdf5(spec.hdf5, baseDir);
  }
  const keys = Object.keys(spec as object);
  throw new XafsError('EOPTION', `inputs: unknown kind '${keys.join(', ')}'; use one of files, columns, athena, hdf5`);
}

const PROJECT = /\.prj$/i;

/** The μ(E) groups of an Athena project. */
function muGroups(project: AthenaProject): AthenaProject['groups'] {
  return project.groups.filter((g) => !g.isChi);
}

/**
 * A glob or folder of files: one item per file, read later by a worker, except Athena projects
 * (.prj), which give one item per μ(E) group (source FILE#GROUP, as xafs edge and lcf name them),
 * read here. An entry that cannot be read (a dangling or looping link, no permission) or a project
 * that cannot be opened is one error row, in its place.
 */
function openFiles(pattern: string, baseDir: string): InputPlan {
  // as a shell glob: '*' does not match dotfiles (editor and transfer leftovers such as ._scan.xdi)
  const entries = expandInputEntries([resolveIn(baseDir, pattern)]).filter((e) => !basename(e.file).startsWith('.'));
  if (entries.length === 0) throw new XafsError('ENOENT', `no file matches '${pattern}' (dotfiles are not matched)`);
  const sourceOf = (f: string) => (isAbsolute(pattern) ? f : relative(baseDir, f));
  // items: [entry, group] pairs; group -1 for a whole file (or an entry in error)
  const entryOf: number[] = [];
  const groupOf: number[] = [];
  const labels = new Map<number, string[]>();
  const errors = new Map<number, string>();
  entries.forEach((e, k) => {
    if (e.unreadable !== undefined) errors.set(k, `${sourceOf(e.file)}: cannot be read: ${e.unreadable}`);
    else if (PROJECT.test(e.file)) {
      try {
        const groups = muGroups(readAthena(e.file));
        if (groups.length === 0) throw new XafsError('EFORMAT', `${sourceOf(e.file)}: the Athena project holds no μ(E) group`);
        labels.set(k, groups.map((g) => g.label));
        groups.forEach((_, g) => {
          entryOf.push(k);
          groupOf.push(g);
        });
        return;
      } catch (err) {
        errors.set(k, errorText(err));
      }
    }
    entryOf.push(k);
    groupOf.push(-1);
  });
  const count = entryOf.length;
  const projects = labels.size;
  let cached: { k: number; project: AthenaProject } | null = null;
  return {
    count,
    kind: 'files',
    describe: `files: ${pattern} (${entries.length} file${entries.length === 1 ? '' : 's'}${projects ? `, ${count} spectra with the groups of ${projects} Athena project${projects === 1 ? '' : 's'}` : ''})`,
    async *items(start: number, end: number) {
      const [a, b] = checkRange(count, start, end);
      for (let i = a; i < b; i++) {
        const k = entryOf[i]!;
        const file = entries[k]!.file;
        const error = errors.get(k);
        if (error !== undefined) {
          yield { index: i, source: sourceOf(file), error };
          continue;
        }
        const g = groupOf[i]!;
        if (g < 0) {
          yield { index: i, source: sourceOf(file), file };
          continue;
        }
        const source = `${sourceOf(file)}#${labels.get(k)![g]}`;
        try {
          if (cached?.k !== k) cached = { k, project: readAthena(file) };
          const group = muGroups(cached.project)[g];
          if (!group) throw new XafsError('EFORMAT', `${sourceOf(file)}: the Athena project changed while the batch ran (group ${g + 1} is gone)`);
          // a one-group project: labels may repeat, the group itself is what we want
          const sp = spectrumFrom({ ...cached.project, groups: [group] });
          yield { index: i, source, energy: sp.energy, mu: sp.mu };
        } catch (err) {
          yield { index: i, source, error: errorText(err) };
        }
      }
    },
    async close() {},
  };
}

/**
 * Read one 'files' item into energy (eV) and μ(E), with the recipe's μ and energy expressions:
 * the standard reader (readFile: format detection, keV → eV, sorting, checks). An Athena project
 * not named .prj is read only when it holds one μ(E) group: the others would be lost silently.
 */
export function readItem(file: string, opts: { mu?: string; energy?: string }): { energy: Float64Array; mu: Float64Array } {
  const f = readFile(file);
  if (f.format === 'athena' && muGroups(f).length > 1) {
    throw new XafsError('EFORMAT', `${file} is an Athena project with ${muGroups(f).length} μ(E) groups: name it .prj (each group is then a row) or use {"athena": FILE}`);
  }
  const s = spectrumFrom(f, { mu: opts.mu, energy: opts.energy });
  return { energy: s.energy, mu: s.mu };
}

/** Items made at once from a block of a series file. */
const ITEMS_AT_ONCE = 64;

async function openColumnsPlan(file: string, baseDir: string): Promise<InputPlan> {
  const path = resolveIn(baseDir, file);
  const reader = await openColumns(path, isAbsolute(file) ? path : file);
  return {
    count: reader.count,
    kind: 'columns',
    describe: `columns: ${file} (${reader.count} spectra × ${reader.rows} points)`,
    async *items(start: number, end: number) {
      const [a, b] = checkRange(reader.count, start, end);
      for (let i = a; i < b; ) {
        // a few items at a time: the block's numbers are held once, its items made as they are taken
        const block = reader.read(i, Math.min(b, i + ITEMS_AT_ONCE));
        for (const item of block) yield item;
        i += block.length;
        // let the event loop run (worker messages) between batches of items
        await new Promise<void>((r) => setImmediate(r));
      }
    },
    async close() {
      reader.close();
    },
  };
}

function openAthena(file: string, baseDir: string): InputPlan {
  const path = resolveIn(baseDir, file);
  const project = readAthena(path);
  const name = isAbsolute(file) ? path : file;
  const groups = project.groups.filter((g) => !g.isChi);
  if (groups.length === 0) {
    throw new XafsError('EFORMAT', `${name}: the Athena project holds no μ(E) group${project.groups.length ? ` (only χ(k): ${project.groups.map((g) => `'${g.label}'`).join(', ')})` : ''}`);
  }
  return {
    count: groups.length,
    kind: 'athena',
    describe: `athena: ${file} (${groups.length} group${groups.length === 1 ? '' : 's'})`,
    async *items(start: number, end: number) {
      const [a, b] = checkRange(groups.length, start, end);
      for (let i = a; i < b; i++) {
        const g = groups[i]!;
        const source = `${name}#${g.label}`;
        try {
          // a one-group project: labels may repeat, the group itself is what we want
          const s = spectrumFrom({ ...project, groups: [g] });
          yield { index: i, source, energy: s.energy, mu: s.mu };
        } catch (e) {
          yield { index: i, source, error: errorText(e) };
        }
      }
    },
    async close() {},
  };
}
