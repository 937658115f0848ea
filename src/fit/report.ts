/**
 * Fit reports: the text table users put in papers, and the JSON of docs/cli.md.
 */
import { basename } from 'node:path';
import type { FitResult } from './feffit.js';
import type { StartsSummary } from './run.js';

function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

/** "value ± error" with the value rounded to the error's second significant digit. */
export function pm(value: number, stderr: number | null | undefined): string {
  if (stderr === null || stderr === undefined || !(stderr > 0) || !Number.isFinite(stderr)) return fmt(value, 5);
  const dec = Math.max(0, 1 - Math.floor(Math.log10(stderr)));
  if (dec > 8) return `${value.toExponential(2)} ± ${stderr.toExponential(1)}`;
  return `${value.toFixed(dec)} ± ${stderr.toFixed(dec)}`;
}

/**
 * "value ± statistical", followed by "(± total)" when a total error (with the carried errors of
 * `from` parameters) is known and differs: 3.10 ± 0.44 (± 0.49 total).
 */
export function pmTotal(value: number, stderr: number | null | undefined, total: number | null | undefined): string {
  const cell = pm(value, stderr);
  if (total === null || total === undefined || stderr === null || stderr === undefined || !(total > stderr * (1 + 1e-9))) return cell;
  const tail = pm(value, total).split(' ± ')[1];
  return tail && tail !== cell.split(' ± ')[1] ? `${cell} (± ${tail} total)` : cell;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

export function formatFitReport(res: FitResult & { starts?: StartsSummary }, title: string): string {
  const s = res.statistics;
  const out: string[] = [`${title}`, ''];
  res.datasets.forEach((d, i) => {
    const t = d.transform;
    const kw = t.kweights.join(',');
    out.push(
      `dataset ${i + 1}: ${d.file}${d.e0 !== null ? `  (e0 ${fmt(d.e0, 7)} eV)` : ''}`,
      `  k ${t.kmin}–${t.kmax} Å⁻¹ (k-weight ${kw}, ${t.window} dk ${t.dk}), R ${t.rmin}–${t.rmax} Å, fit in ${t.fitspace} space`,
      `  N_idp ${fmt(d.nIdp, 5)}   R-factor ${fmt(d.rfactor, 4)}   χ² ${fmt(d.chiSquare, 5)}   ε_k ${fmt(d.epsilonK, 3)}   ε_r ${fmt(d.epsilonR, 3)}`,
    );
  });
  out.push(
    '',
    `fit: ${s.nvarys} variables, ${fmt(s.nIndependent, 5)} independent points, ${s.npts} points in the residual`,
    `     R-factor ${fmt(s.rfactor, 4)}   χ² ${fmt(s.chiSquare, 5)}   reduced χ² ${fmt(s.chi2Reduced, 5)}   AIC ${fmt(s.aic, 5)}   BIC ${fmt(s.bic, 5)}`,
  );
  if (!s.converged) out.push('     the fit did not converge: the values are where it stopped, with no error bars');
  if (res.starts) out.push(...startsLines(res.starts));
  out.push('');
  const hasC3 = res.paths.some((p) => p.third !== 0 || (p.thirdStderr ?? 0) > 0);
  const multi = res.datasets.length > 1;
  const head = [...(multi ? ['dataset'] : []), 'path', 'feff', 'N', 'N·S0²', 'R (Å)', 'σ² (Å²)', 'ΔE0 (eV)'];
  if (hasC3) head.push('C3 (Å³)');
  const rows = [head];
  for (const p of res.paths) {
    const t = p.stderrTotal ?? {};
    const row = [...(multi ? [String(p.dataset)] : []), p.label, basename(p.feff), pmTotal(p.n, p.nStderr, t.n), fmt(p.n * p.s02, 4), pmTotal(p.r, p.rStderr, t.r), pmTotal(p.sigma2, p.sigma2Stderr, t.sigma2), pmTotal(p.e0, p.e0Stderr, t.e0)];
    if (hasC3) row.push(pm(p.third, p.thirdStderr));
    rows.push(row);
  }
  out.push(...table(rows), '');
  const prow = [['parameter', 'value', 'init', '']];
  for (const [name, p] of Object.entries(res.params)) {
    const note = p.vary ? 'varied' : p.expr ? `= ${p.expr}` : p.from ? `from ${p.from}` : 'fixed';
    prow.push([name, pmTotal(p.value, p.stderr, p.stderrTotal), fmt(p.init, 4), note]);
  }
  out.push(...table(prow));
  if (res.totalErrors) {
    const c = res.totalErrors.carried.map((p) => `${p.name} ${pm(p.value, p.stderr)}`).join(', ');
    out.push('', `errors: statistical ± (total) — the total adds the carried error of ${c} (refit at ± its stderr, ${res.totalErrors.nfev} evaluations)`);
  }
  const corr = Object.entries(res.correlations);
  if (corr.length) {
    out.push('', 'correlations (|r| ≥ 0.1):');
    for (const [pair, r] of corr) out.push(`  ${pair.replace(',', ' – ').padEnd(24)} ${r.toFixed(3)}`);
  }
  if (res.warnings.length) {
    out.push('', 'warnings:');
    for (const w of res.checks ?? res.warnings.map((message) => ({ code: 'NOTE', message }))) out.push(`  [${w.code}] ${w.message}`);
  }
  return out.join('\n') + '\n';
}

/** The multi-start summary: how many starts reached the best minimum and how far apart they ended. */
export function startsLines(st: StartsSummary): string[] {
  const spread = Object.entries(st.params).map(([n, p]) => `${n} ${fmt(p.min, 4)}…${fmt(p.max, 4)}${p.stderr !== null ? ` (± ${fmt(p.stderr, 2)})` : ''}`);
  return [
    `starts: ${st.count} run, ${st.best} within Δχ² < χ²_ν of the best (χ² ${fmt(st.chiSquare[0], 5)}–${fmt(st.chiSquare[1], 5)}): ${st.agree ? 'they agree within the error bars' : 'they DISAGREE beyond the error bars'}`,
    `        ${spread.join(', ')}`,
  ];
}

/** The JSON of docs/cli.md (plus warnings and convergence). */
export function fitJson(res: FitResult & { recipe?: unknown; starts?: StartsSummary }) {
  return {
    params: res.params,
    correlations: res.correlations,
    statistics: res.statistics,
    datasets: res.datasets.map((d) => {
      const t = d.transform;
      const transform = { kmin: t.kmin, kmax: t.kmax, kweight: t.kweights, window: t.window, dk: t.dk, rmin: t.rmin, rmax: t.rmax, fitspace: t.fitspace };
      return { file: d.file, e0: d.e0, epsilonK: d.epsilonK, epsilonR: d.epsilonR, nIdp: d.nIdp, npts: d.npts, rfactor: d.rfactor, chiSquare: d.chiSquare, transform };
    }),
    paths: res.paths,
    ...(res.totalErrors && { totalErrors: res.totalErrors }),
    warnings: res.checks ?? res.warnings.map((message) => ({ code: 'NOTE', message })),
    ...(res.starts ? { starts: res.starts } : {}),
    ...(res.recipe ? { recipe: res.recipe } : {}),
  };
}
