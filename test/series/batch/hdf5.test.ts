// HDF5/NeXus batch inputs (h5wasm): the three layouts of fixtures/batch/hdf5/ (made by
// make_hdf5.mjs from the first 5 spectra of fixtures/series/fe_series.dat) give the spectra the
// text reader gives, bit for bit; a missing dataset is named with the datasets that are there.
import { describe, expect, it } from 'vitest';
import { openInputs, type BatchItem, type InputPlan } from '../../../src/series/batch/inputs.js';
import { loadOne } from '../../../src/xanes/inputs.js';
import { fixture } from '../../cli/helpers.js';

const base = fixture('batch/hdf5');
const text = loadOne(fixture('series/fe_series.dat'), { series: true }).slice(0, 5);

async function collect(plan: InputPlan, start = 0, end = plan.count): Promise<BatchItem[]> {
  const out: BatchItem[] = [];
  for await (const item of plan.items(start, end)) out.push(item);
  return out;
}

function sameBits(a: Float64Array | undefined, b: Float64Array): void {
  expect(a).toBeDefined();
  expect(Buffer.from(a!.buffer, a!.byteOffset, a!.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

describe('hdf5 inputs', () => {
  it('NeXus NXdata [nspectra, npoints]: the signal and, with energy "", the axes', async () => {
    for (const spec of [
      { file: 'series_nexus.h5', energy: '/entry/data/energy', mu: '/entry/data/mu' },
      { file: 'series_nexus.h5', energy: '', mu: '/entry/data' },
    ]) {
      const plan = await openInputs({ hdf5: spec }, base);
      expect(plan.count).toBe(5);
      expect(plan.kind).toBe('hdf5');
      expect(plan.describe).toBe('hdf5: series_nexus.h5 /entry/data/mu [5 spectra, 1000 points]');
      const items = await collect(plan);
      await plan.close();
      expect(items.map((i) => i.source)).toEqual([0, 1, 2, 3, 4].map((i) => `series_nexus.h5:/entry/data/mu[${i}]`));
      items.forEach((it, j) => {
        sameBits(it.energy, text[j]!.energy);
        sameBits(it.mu, text[j]!.mu);
      });
    }
  });

  it('[npoints, nspectra] is read by columns, in any range', async () => {
    const plan = await openInputs({ hdf5: { file: 'series_columns.h5', energy: 'scan/energy', mu: 'scan/xmu' } }, base);
    expect(plan.describe).toBe('hdf5: series_columns.h5 /scan/xmu [1000 points, 5 spectra]');
    const items = [...(await collect(plan, 3, 5)), ...(await collect(plan, 0, 3))];
    await plan.close();
    expect(items.map((i) => i.index)).toEqual([3, 4, 0, 1, 2]);
    items.forEach((it) => sameBits(it.mu, text[it.index]!.mu));
    expect(items[0]!.source).toBe('series_columns.h5:/scan/xmu[:, 3]');
  });

  it('a group of 1-D datasets: one spectrum each; a wrong length is an error item', async () => {
    const plan = await openInputs({ hdf5: { file: 'series_datasets.h5', energy: '/spectra/energy', mu: '/spectra/mu' } }, base);
    expect(plan.count).toBe(5);
    const items = await collect(plan);
    await plan.close();
    items.slice(0, 4).forEach((it, j) => sameBits(it.mu, text[j]!.mu));
    expect(items[4]!.error).toBe('series_datasets.h5:/spectra/mu/s0004 holds 998 points but the energy holds 1000; every spectrum needs one value per energy');
  });

  it('names the file and the datasets there when a path is wrong', async () => {
    await expect(openInputs({ hdf5: { file: 'series_nexus.h5', energy: '/entry/data/energy', mu: '/entry/data/xmu' } }, base)).rejects.toThrow(
      "no dataset '/entry/data/xmu' in series_nexus.h5 (inputs.hdf5.mu); datasets here: /entry/data/energy, /entry/data/mu",
    );
    await expect(openInputs({ hdf5: { file: 'series_columns.h5', energy: '/scan/e', mu: '/scan/xmu' } }, base)).rejects.toThrow(
      "no dataset '/scan/e' in series_columns.h5 (inputs.hdf5.energy); datasets here: /scan/energy, /scan/xmu",
    );
    await expect(openInputs({ hdf5: { file: 'make_hdf5.mjs', energy: 'e', mu: 'mu' } }, base)).rejects.toThrow(
      'make_hdf5.mjs is not an HDF5 file (no HDF5 signature); inputs.hdf5 reads HDF5/NeXus files',
    );
    // a 1-D μ dataset is one spectrum
    const one = await openInputs({ hdf5: { file: 'series_columns.h5', energy: '/scan/energy', mu: '/scan/energy' } }, base);
    expect(one.count).toBe(1);
    await one.close();
  });
});
