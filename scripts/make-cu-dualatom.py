#!/usr/bin/python3
"""
Builds fixtures/fits/cu_dualatom*: the Cu K-edge twin of the RuN2-CuN3 dual-atom site
(fixtures/fits/ru_dualatom*), seen from the Cu atom.

Run once (needs Debian's feff8l and Larch 0.9.58; tests need neither):

    /usr/bin/python3 scripts/make-cu-dualatom.py

1. FEFF8L on a Cu-centred model cluster (three N at 1.93 A in a plane, one Ru at 2.59 A above
   it, two C further out), single scattering to 3.0 A: fixtures/fits/cu_dualatom_feff8/
   (feff.inp, paths.dat, feff0001.dat = Cu-N, feff0002.dat = Cu-Ru). These paths are this
   cluster's own, not the path library's, so a fit with library paths is an honest test.
2. chi(k) of the truth (cu_dualatom_truth.json) from those two paths with Larch's feffpath +
   ff2chi, on k = 0 .. 14 A^-1 step 0.05.
3. fixtures/fits/cu_dualatom.chi: that chi(k) plus Gaussian noise (sigma 1e-3).
4. fixtures/fits/cu_dualatom.xdi: a fluorescence scan (energy, i0, ifluor) built like
   ru_dualatom.xdi: energy grid 5 eV (e0-200 .. e0-30), 0.5 eV (e0-30 .. e0+30), then 0.05 A^-1
   steps in k to the end; mu0(E) = pre-edge line + step * (1/2 + arctan((E-e0)/gamma)/pi) +
   a Gaussian white line + a slowly falling post-edge; mu = mu0 + step * chi(k(E)) above e0;
   i0 a slow drift around 2e5; ifluor = Poisson(i0 * mu * scale) with about 5e5 counts per
   point above the edge.
The random generator is seeded, so a re-run writes the same files.

For robustness studies, `--variant '{"seed": 7, "n": [4, 1], "r": [1.95, 2.62]}' --out DIR` writes
the same kind of data for other truths into DIR (FEFF run on the cluster with those distances).
Variant keys: seed; n, r, ss (per path: N, R in A, sigma2 in A^2); s02; de0 (eV); gamma (arctan
half-width, eV; default 1.2); wl (white-line height in edge steps; default 0.45).
"""
import json
import os
import sys
import shutil
import subprocess
import tempfile

import numpy as np
from larch import Interpreter
from larch.xafs import feffpath, ff2chi

HERE = os.path.dirname(os.path.abspath(__file__))
FITS = os.path.join(HERE, '..', 'fixtures', 'fits')

E0 = 8979.0  # Cu K edge, eV
TRUTH = {
    'element': 'Cu',
    'edge': 'K',
    'e0': E0,
    's02': 0.90,
    'de0': 1.0,
    'paths': [
        {'file': 'cu_dualatom_feff8/feff0001.dat', 'label': 'Cu-N', 'n': 2.9, 'r': 1.93, 'sigma2': 0.0048},
        {'file': 'cu_dualatom_feff8/feff0002.dat', 'label': 'Cu-Ru', 'n': 0.8, 'r': 2.59, 'sigma2': 0.0072},
    ],
}

FEFF_INP = """TITLE Cu absorber in an asymmetric RuN2-CuN3 dual-atom site (model cluster)
EDGE      K
S02       1.0
CONTROL   1      1     1     1     1      1
PRINT     1      0     0     0     0      3
EXCHANGE  0
RPATH     3.0
NLEG      2
POTENTIALS
*  ipot   Z  element
    0   29   Cu
    1    7   N
    2   44   Ru
    3    6   C
ATOMS
   0.0000   0.0000   0.0000   0  Cu  0.0000
{atoms}   2.8000   1.3000   0.0000   3  C   3.0871
  -2.5000  -1.9000   0.0000   3  C   3.1401
END
"""


def atoms(rn, rm):
    """Three N at rn in the xy plane (120 degrees apart), the metal neighbour at rm on z."""
    rows = [(rn, 0.0, 0.0, 1, 'N'), (-rn / 2, rn * 0.8660254, 0.0, 1, 'N'), (-rn / 2, -rn * 0.8660254, 0.0, 1, 'N'), (0.0, 0.0, rm, 2, 'Ru')]
    return ''.join(f'{x:9.4f}{y:9.4f}{z:9.4f}   {ip}  {el:3s}{(x*x+y*y+z*z) ** 0.5:7.4f}\n' for x, y, z, ip, el in rows)


def run_feff(feffdir, truth):
    os.makedirs(feffdir, exist_ok=True)
    with open(os.path.join(feffdir, 'feff.inp'), 'w') as f:
        f.write(FEFF_INP.replace('{atoms}', atoms(truth['paths'][0]['r'], truth['paths'][1]['r'])))
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(os.path.join(feffdir, 'feff.inp'), tmp)
        subprocess.run(['feff8l'], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        for name in ('paths.dat', 'feff0001.dat', 'feff0002.dat'):
            shutil.copy(os.path.join(tmp, name), feffdir)


def model_chi(k, out, truth):
    session = Interpreter()
    paths = []
    for p in truth['paths']:
        fp = feffpath(os.path.join(out, p['file']), degen=p['n'], s02=truth['s02'], e0=truth['de0'],
                      sigma2=p['sigma2'], _larch=session)
        fp.deltar = p['r'] - fp.reff
        paths.append(fp)
    g = ff2chi(paths, k=k, _larch=session)
    return np.asarray(g.chi)


def main():
    out, truth, seed = FITS, json.loads(json.dumps(TRUTH)), 20261121
    gamma, wl = 1.2, 0.45  # arctan half-width and white-line height (eV, fraction of the step)
    if '--variant' in sys.argv:
        v = json.loads(sys.argv[sys.argv.index('--variant') + 1])
        out = sys.argv[sys.argv.index('--out') + 1]
        seed = v.get('seed', seed)
        gamma, wl = v.get('gamma', gamma), v.get('wl', wl)
        for i, p in enumerate(truth['paths']):
            for key, name in (('n', 'n'), ('r', 'r'), ('sigma2', 'ss')):
                if name in v:
                    p[key] = v[name][i]
        for key in ('s02', 'de0'):
            if key in v:
                truth[key] = v[key]
    run_feff(os.path.join(out, 'cu_dualatom_feff8'), truth)
    rng = np.random.default_rng(seed)
    k = np.arange(0, 14.0 + 1e-9, 0.05)
    chi = model_chi(k, out, truth)

    noisy = chi + rng.normal(0, 1e-3, k.size)
    with open(os.path.join(out, 'cu_dualatom.chi'), 'w') as f:
        f.write('# synthetic chi(k) of a Cu M-N/M-M dual-atom site (Cu K edge), Gaussian noise sigma=1e-3\n')
        f.write('# k chi\n')
        for kk, cc in zip(k, noisy):
            f.write(f'{kk:.3f} {cc:.7e}\n')

    # energy grid as ru_dualatom.xdi: 5 eV pre-edge, 0.5 eV XANES, 0.05 A^-1 EXAFS steps
    etok = 0.2624682917
    pre = np.arange(E0 - 200, E0 - 30, 5.0)
    xanes = np.arange(E0 - 30, E0 + 30 + 1e-9, 0.5)
    kx = np.arange(np.sqrt((E0 + 30 - E0) * etok) + 0.05, 13.5 + 1e-9, 0.05)
    energy = np.concatenate([pre, xanes, E0 + kx ** 2 / etok])

    step = 1.0
    x = energy - E0
    mu0 = 0.12 + 1.5e-5 * x  # pre-edge line
    mu0 = mu0 + step * (0.5 + np.arctan(x / gamma) / np.pi)
    mu0 = mu0 + wl * step * np.exp(-0.5 * ((x - 9.0) / 3.5) ** 2)  # white line
    mu0 = mu0 - step * 0.08 * np.clip(x, 0, None) / 600.0  # falling post-edge
    ke = np.sqrt(np.clip(x, 0, None) * etok)
    mu = mu0 + step * np.where(x > 0, np.interp(ke, k, chi), 0.0)

    t = (energy - energy[0]) / (energy[-1] - energy[0])
    i0 = 2.0e5 * (1 + 0.02 * np.sin(2 * np.pi * (t - 0.1)))
    scale = 5.0e5 / (2.0e5 * step)  # about 5e5 counts per point above the edge
    ifluor = rng.poisson(i0 * mu * scale).astype(float)

    with open(os.path.join(out, 'cu_dualatom.xdi'), 'w') as f:
        f.write('# XDI/1.0 synthetic/1.0\n# Column.1: energy eV\n# Column.2: i0\n# Column.3: ifluor\n')
        f.write('# Element.symbol: Cu\n# Element.edge: K\n# Scan.edge_energy: %.1f\n' % E0)
        f.write('# Sample.name: synthetic M-N/M-M dual-atom site, Cu K edge\n# ///\n')
        f.write('# Synthetic fluorescence-mode spectrum with Poisson counting noise\n# (scripts/make-cu-dualatom.py)\n#----\n')
        f.write('# energy i0 ifluor\n')
        for e, a, b in zip(energy, i0, ifluor):
            f.write(f'{e:.4f} {a:.3f} {b:.1f}\n')

    truth['noise'] = 'xdi: Poisson counts, about 5e5 counts per point above the edge; chi: Gaussian, sigma 1e-3'
    truth['generator'] = 'scripts/make-cu-dualatom.py (FEFF8L feff85exafs, Larch 0.9.58 feffpath/ff2chi, numpy seed %d)' % seed
    with open(os.path.join(out, 'cu_dualatom_truth.json'), 'w') as f:
        json.dump(truth, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
