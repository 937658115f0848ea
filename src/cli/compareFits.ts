// `xafs compare-fits A B`: both recipes fitted, then src/fit/compare.ts.
import { XafsError } from '../errors.js';
import { fitRecipe } from '../fit/run.js';
import { compareFits } from '../fit/compare.js';
import type { Io } from './program.js';
import { toJson } from './format.js';

export function compareFitsCommand(a: string, b: string, o: Record<string, unknown>, io: Io): void {
  const alpha = o.alpha === undefined ? 0.05 : Number(o.alpha);
  if (!(alpha > 0 && alpha < 1)) throw new XafsError('EOPTION', `--alpha must be a probability between 0 and 1, e.g. 0.05 (got ${String(o.alpha)})`);
  const opts = { dataDir: o.dataDir as string | undefined, warn: (m: string) => io.err(`xafs: warning: ${m}\n`) };
  const c = compareFits(a, fitRecipe(a, opts), b, fitRecipe(b, opts), alpha);
  if (o.json) {
    io.out(toJson(c) + '\n');
    return;
  }
  const h = c.hamilton;
  const g = (v: number, d = 5) => Number(v.toPrecision(d)).toString();
  const row = (s: typeof c.simple) => `  ${s.recipe}: ${s.nvarys} varied (${s.varied.join(', ')}), N_idp ${g(s.nIndependent)}, χ² ${g(s.chiSquare)}, reduced χ² ${g(s.chi2Reduced)}, R-factor ${g(s.rfactor, 4)}, AIC ${g(s.aic)}, BIC ${g(s.bic)}`;
  const name = (w: 'simple' | 'full') => (w === 'full' ? c.full.recipe : c.simple.recipe);
  io.out(
    [
      'simpler model:',
      row(c.simple),
      'fuller model:',
      row(c.full),
      '',
      `Hamilton F-test: F = ${g(h.f)} with (${h.df1}, ${g(h.df2)}) degrees of freedom (extra parameters, N_idp − nvarys of the fuller model), P = ${h.p.toPrecision(3)}: the extra parameters are ${h.preferred === 'full' ? '' : 'not '}significant at ${g(100 * (1 - h.alpha), 3)} % (significance ${g(100 * h.significance, 4)} %; R-factor ratio ${g(h.ratio, 4)})`,
      `preferred: ${name(h.preferred)} (F-test); ${name(c.aic.preferred)} (AIC, Δ = ${g(c.aic.delta, 4)}); ${name(c.bic.preferred)} (BIC, Δ = ${g(c.bic.delta, 4)})`,
      `cost: the two fits, ${c.nfev} evaluations`,
      '',
    ].join('\n'),
  );
}
