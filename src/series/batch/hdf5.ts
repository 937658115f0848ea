/**
 * HDF5 / NeXus inputs of a batch recipe, read with h5wasm (the HDF5 C library compiled to
 * WebAssembly; no native build). The recipe names an energy dataset (1-D) and μ as
 *   - a 2-D dataset [nspectra, npoints] (one spectrum per row, the NeXus convention: the
 *     energy axis last), or [npoints, nspectra] when only that reading fits the energy length;
 *   - a 1-D dataset (one spectrum);
 *   - a group: an NXdata group with a `signal` attribute (its signal dataset, as above; the
 *     energy then defaults to the last name of its `axes` attribute when the recipe's energy
 *     is ""), else a group of 1-D datasets, one spectrum each, in name order.
 * Spectra are read in blocks of rows with hyperslab reads (dataset.slice), so memory stays flat
 * whatever the number of spectra. Every spectrum passes the standard checks (spectrumFrom:
 * keV → eV, sorting, non-finite values), a failure making an item with `error`.
 */
import { closeSync, existsSync, readSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import * as h5 from 'h5wasm/node';
import { XafsError } from '../../errors.js';
import { spectrumFrom } from '../../io/read.js';
import { openInput } from '../../io/text.js';
import type { ColumnFile } from '../../types.js';
import { resolveIn, type BatchItem, type InputPlan } from './inputs.js';

export interface Hdf5Spec {
  /** HDF5 file, relative to the recipe's folder. */
  file: string;
  /** Path of the 1-D energy dataset (eV, or keV detected as elsewhere); "" = the NXdata axes. */
  energy: string;
  /** Path of the μ dataset (2-D or 1-D) or of a group (NXdata, or 1-D datasets). */
  mu: string;
}

/** Spectra read per hyperslab. */
const BLOCK_VALUES = 1 << 20;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The HDF5 superblock sits at 0, 512, 1024, 2048, ... (after a user block). */
function isHdf5(path: string): boolean {
  // the shared input opener: a regular file only (a FIFO would block); HDF5 is read by parts, no cap
  const { fd, size } = openInput(path, null);
  try {
    const b = Buffer.alloc(8);
    for (let at = 0; at + 8 <= size && at <= 1 << 20; at = at === 0 ? 512 : at * 2) {
      readSync(fd, b, 0, 8, at);
      if (SIGNATURE.every((v, i) => b[i] === v)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

const norm = (p: string): string => '/' + p.replace(/^\/+/, '').replace(/\/+$/, '');

/** Every dataset path of the file (for messages), at most 40. */
function datasetList(f: h5.File): string {
  const out: string[] = [];
  for (const p of f.paths()) {
    if (out.length >= 40) {
      out.push('...');
      break;
    }
    const e = f.get(p);
    if (e instanceof h5.Dataset) out.push(norm(p));
  }
  return out.length ? out.join(', ') : '(none)';
}

function toFloat64(v: unknown, what: string): Float64Array {
  if (v instanceof Float64Array) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number | bigint>;
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Number(a[i]);
    return out;
  }
  if (typeof v === 'number') return Float64Array.of(v);
  throw new XafsError('EFORMAT', `${what} does not hold numbers`);
}

function attrText(e: h5.Dataset | h5.Group, name: string): string[] | undefined {
  const a = e.attrs[name];
  if (!a) return undefined;
  const v = a.json_value;
  if (typeof v === 'string') return v.split(/[\s,:]+/).filter(Boolean);
  if (Array.isArray(v)) return v.map(String);
  return undefined;
}

interface Layout {
  count: number;
  npts: number;
  describe: string;
  /** rows [a, b) as one flat array, spectrum k at [k*npts, (k+1)*npts) */
  read(a: number, b: number): Float64Array;
  source(i: number): string;
  energy: Float64Array;
  /** group of datasets: the stored length of spectrum i (checked per item) */
  lengthOf?: (i: number) => number | undefined;
}

export async function openHdf5(spec: Hdf5Spec, baseDir: string): Promise<InputPlan> {
  if (spec === null || typeof spec !== 'object' || typeof spec.file !== 'string' || typeof spec.mu !== 'string' || typeof spec.energy !== 'string') {
    throw new XafsError('EOPTION', `inputs.hdf5: expected {"file": F, "energy": PATH, "mu": PATH} (strings)`);
  }
  const path = resolveIn(baseDir, spec.file);
  const name = isAbsolute(spec.file) ? path : spec.file;
  if (!existsSync(path)) throw new XafsError('ENOENT', `file not found: ${name} (inputs.hdf5.file, relative to the recipe's folder)`);
  if (!isHdf5(path)) throw new XafsError('EFORMAT', `${name} is not an HDF5 file (no HDF5 signature); inputs.hdf5 reads HDF5/NeXus files`);
  await h5.ready;
  const f = new h5.File(path, 'r');
  try {
    const layout = planLayout(f, spec, name);
    return makePlan(f, layout, name);
  } catch (e) {
    f.close();
    throw e;
  }
}

function planLayout(f: h5.File, spec: Hdf5Spec, name: string): Layout {
  const missing = (p: string, key: string): XafsError =>
    new XafsError('ECOLUMN', `no dataset '${norm(p)}' in ${name} (inputs.hdf5.${key}); datasets here: ${datasetList(f)}`);
  const muEntity = spec.mu ? f.get(spec.mu) : null;
  if (!(muEntity instanceof h5.Dataset) && !(muEntity instanceof h5.Group)) throw missing(spec.mu, 'mu');

  // NXdata: the signal dataset, and the energy from the axes when the recipe leaves it ""
  let muSet: h5.Dataset | null = muEntity instanceof h5.Dataset ? muEntity : null;
  let energyPath = spec.energy;
  if (muEntity instanceof h5.Group) {
    const signal = attrText(muEntity, 'signal')?.[0];
    if (signal) {
      const s = muEntity.get(signal);
      if (!(s instanceof h5.Dataset)) throw missing(`${spec.mu}/${signal}`, 'mu (NXdata signal)');
      muSet = s;
      const axes = attrText(muEntity, 'axes');
      if (!energyPath && axes && axes.length) energyPath = `${norm(spec.mu)}/${axes[axes.length - 1]}`;
    }
  }
  if (!energyPath) throw new XafsError('EOPTION', `inputs.hdf5.energy is empty and ${norm(spec.mu)} in ${name} is not an NXdata group with an axes attribute; give the energy dataset path`);
  const eSet = f.get(energyPath);
  if (!(eSet instanceof h5.Dataset)) throw missing(energyPath, 'energy');
  const eShape = eSet.shape ?? [];
  if (eShape.filter((d) => d > 1).length > 1) {
    throw new XafsError('EFORMAT', `${name}: energy dataset '${norm(energyPath)}' has shape [${eShape.join(', ')}]; expected 1-D`);
  }
  const energy = toFloat64(eSet.value, `${name}: energy dataset '${norm(energyPath)}'`);
  const npts = energy.length;

  if (muSet) {
    const shape = muSet.shape ?? [];
    const mp = norm(muSet.path);
    const bad = (): XafsError =>
      new XafsError(
        'EFORMAT',
        `${name}: mu dataset '${mp}' has shape [${shape.join(', ')}], which does not fit the ${npts} energies of '${norm(energyPath)}'; ` +
          `expected [nspectra, ${npts}] or [${npts}, nspectra]`,
      );
    if (shape.length === 1) {
      if (shape[0] !== npts) throw bad();
      return { count: 1, npts, describe: `${mp} [${npts}]`, read: () => toFloat64(muSet!.value, mp), source: () => `${name}:${mp}`, energy };
    }
    if (shape.length !== 2) throw bad();
    const [d0, d1] = shape as [number, number];
    if (d1 === npts) {
      // [nspectra, npoints]: rows are spectra (also when square: NeXus puts the energy axis last)
      return {
        count: d0,
        npts,
        describe: `${mp} [${d0} spectra, ${npts} points]`,
        read: (a, b) => toFloat64(muSet!.slice([[a, b], []]), mp),
        source: (i) => `${name}:${mp}[${i}]`,
        energy,
      };
    }
    if (d0 === npts) {
      // [npoints, nspectra]: columns are spectra, transposed per block
      return {
        count: d1,
        npts,
        describe: `${mp} [${npts} points, ${d1} spectra]`,
        read: (a, b) => {
          const m = b - a;
          const raw = toFloat64(muSet!.slice([[], [a, b]]), mp);
          const out = new Float64Array(m * npts);
          for (let p = 0; p < npts; p++) for (let k = 0; k < m; k++) out[k * npts + p] = raw[p * m + k]!;
          return out;
        },
        source: (i) => `${name}:${mp}[:, ${i}]`,
        energy,
      };
    }
    throw bad();
  }

  // a group of 1-D datasets, one spectrum each (name order)
  const g = muEntity as h5.Group;
  const sets = g
    .keys()
    .sort()
    .map((k) => g.get(k))
    .filter((e): e is h5.Dataset => e instanceof h5.Dataset && norm(e.path) !== norm(energyPath));
  if (sets.length === 0) throw new XafsError('ECOLUMN', `${name}: group '${norm(spec.mu)}' holds no datasets; datasets here: ${datasetList(f)}`);
  return {
    count: sets.length,
    npts,
    describe: `${norm(spec.mu)}/* (${sets.length} datasets)`,
    read: (a, b) => {
      const out = new Float64Array((b - a) * npts);
      for (let i = a; i < b; i++) {
        const s = sets[i]!;
        const v = toFloat64(s.value, norm(s.path));
        // a wrong length is reported per item: fill with NaN and let the check name it
        if (v.length !== npts) out.fill(NaN, (i - a) * npts, (i - a + 1) * npts);
        else out.set(v, (i - a) * npts);
      }
      return out;
    },
    source: (i) => `${name}:${norm(sets[i]!.path)}`,
    lengthOf: (i: number) => sets[i]!.shape?.[0],
    energy,
  };
}

function makePlan(f: h5.File, layout: Layout, name: string): InputPlan {
  const { count, npts } = layout;
  const { energy, lengthOf } = layout;
  const block = Math.max(1, Math.min(4096, Math.floor(BLOCK_VALUES / Math.max(1, npts))));
  let closed = false;
  return {
    count,
    kind: 'hdf5',
    describe: `hdf5: ${name} ${layout.describe}`,
    async *items(start: number, end: number): AsyncIterable<BatchItem> {
      const stop = Math.min(end, count);
      for (let a = start; a < stop; a += block) {
        const b = Math.min(stop, a + block);
        const values = layout.read(a, b);
        for (let i = a; i < b; i++) {
          const source = layout.source(i);
          const len = lengthOf?.(i);
          if (len !== undefined && len !== npts) {
            yield { index: i, source, error: `${source} holds ${len} points but the energy holds ${npts}; every spectrum needs one value per energy` };
            continue;
          }
          const mu = values.slice((i - a) * npts, (i - a + 1) * npts);
          try {
            const file: ColumnFile = {
              format: 'ascii',
              path: source,
              labels: ['energy', 'mu'],
              columns: [
                { label: 'energy', values: energy },
                { label: 'mu', values: mu },
              ],
              metadata: {},
              comments: [],
              header: [],
            };
            const s = spectrumFrom(file, {});
            yield { index: i, source, energy: s.energy, mu: s.mu };
          } catch (e) {
            yield { index: i, source, error: e instanceof Error ? e.message : String(e) };
          }
        }
        await new Promise<void>((r) => setImmediate(r));
      }
    },
    async close() {
      if (!closed) f.close();
      closed = true;
    },
  };
}
