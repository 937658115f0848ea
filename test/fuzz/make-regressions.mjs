// Writes the hand-made reproducers of fixtures/fuzz/regressions/ (cut down from fuzz failures; see
// docs/fuzzing.md): node test/fuzz/make-regressions.mjs. Each is one case file: argv and input files.
import { readFileSync, writeFileSync } from 'node:fs';
import { FIXTURES, caseToJson } from './engine.mjs';
const F = FIXTURES + '/';
const OUT = F + 'fuzz/regressions/';
const rows = readFileSync(F + 'spectra/cu_metal_rt.xdi', 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => { const t = l.trim().split(/\s+/); return `${t[0]} ${t[3]}`; });
const cu = (last) => ['# Cu foil (fixtures/spectra/cu_metal_rt.xdi: energy, mutrans), last energy replaced', '# energy mutrans', ...rows.slice(0, -1), `${last} 1.5`].join('\n') + '\n';
const fes2 = readFileSync(F + 'athena/FeS2.prj', 'latin1');
const mk = (name, c) => writeFileSync(OUT + name, caseToJson({ id: name.replace('.json', ''), seed: null, index: null, seedFile: c.seedFile, mutations: c.mutations, command: c.argv[0], argv: c.argv, files: c.files }, c.extra ?? {}));
mk('item06-energy-1e308.json', { seedFile: 'cu_metal_rt.xdi', mutations: ['last energy = 1e308'], argv: ['process', '{dir}/in.dat', '--mu', 'mutrans'], files: { 'in.dat': Buffer.from(cu('1e308')) } });
mk('item13-stray-energy-1e5.json', { seedFile: 'cu_metal_rt.xdi', mutations: ['last energy = 1e5'], argv: ['process', '{dir}/in.dat', '--mu', 'mutrans', '--json'], files: { 'in.dat': Buffer.from(cu('100000')) } });
mk('item11-ragged-row-read.json', { seedFile: 'cu_metal_rt.xdi', mutations: ['row 6 has a third cell'], argv: ['read', '{dir}/in.dat', '--json'], files: { 'in.dat': Buffer.from(['# ragged', '# energy mu', ...rows.slice(0, 5), '9000 1.1 7', ...rows.slice(5, 8)].join('\n') + '\n') } });
mk('item19-escape-in-cell.json', { seedFile: 'cu_metal_rt.xdi', mutations: ['ESC [2J inside a cell of row 3'], argv: ['read', '{dir}/in.dat'], files: { 'in.dat': Buffer.from(['# escape', '# energy mu', ...rows.slice(0, 2), '8799 1.\u001b[2J5', ...rows.slice(3, 8)].join('\n') + '\n') } });
mk('item17-prj-code-point.json', { seedFile: 'FeS2.prj', mutations: ["label 'line_1' = '\\x{110000}'"], argv: ['read', '{dir}/in.prj'], files: { 'in.prj': Buffer.from(fes2.replace("'bindtag','line_1'", "'bindtag','\\x{110000}'"), 'latin1') } });
mk('unlisted-athena-nan-energy.json', { seedFile: 'FeS2.prj', mutations: ["@x: 6916.9236 = NaN"], argv: ['read', '{dir}/in.prj', '--json'], files: { 'in.prj': Buffer.from(fes2.replace("'6916.9236'", "'NaN'"), 'latin1') } });
const longLine = Array.from({ length: 32768 }, (_, k) => (7000 + k * 0.5).toFixed(1)).join(' ');
mk('item08-long-numbers-line.json', { seedFile: 'fe_ref_Fe2O3.xdi', mutations: [`long numbers line (${longLine.length} chars) at line 20`], argv: ['read', '{dir}/in.dat', '--json'], files: { 'in.dat': Buffer.from(['# long line', '# energy mu', ...rows.slice(0, 16), longLine, ...rows.slice(16, 40)].join('\n') + '\n') } });
{
  const feff = readFileSync(F + 'fits/feffcu01.dat', 'latin1').split('\n');
  feff[4] = '# energy i0';
  mk('unlisted-feffdat-missing-mu-line.json', { seedFile: 'feffcu01.dat', mutations: ["header line 5 ('Mu=... kf=... Vint=...') replaced by a comment"], argv: ['read', '{dir}/feff0001.dat'], files: { 'feff0001.dat': Buffer.from(feff.join('\n'), 'latin1') } });
}
{
  const head = fes2.split('\n').slice(0, 4).join('\n') + '\n1;\n';
  const extra = { expectExit: 2, expectErr: 'the Athena project holds no groups (empty, cut short or damaged); re-save it from Athena' };
  mk('xanes-athena-no-groups-edge.json', { seedFile: 'FeS2.prj', mutations: ['truncated after the header (no group)'], argv: ['edge', '{dir}/in.prj', '--json'], files: { 'in.prj': Buffer.from(head, 'latin1') }, extra });
  mk('xanes-athena-no-groups-lcf.json', { seedFile: 'FeS2.prj', mutations: ['truncated after the header (no group)'], argv: ['lcf', '{dir}/in.prj', '--standard', '{fixtures}/series/fe_ref_FeO.xdi', '--standard', '{fixtures}/series/fe_ref_Fe2O3.xdi'], files: { 'in.prj': Buffer.from(head, 'latin1') }, extra });
}
{
  // lcf of a sample that matches none of the standards (−FeO): all weights 0, fractions undefined ('—', null), never NaN
  const neg = readFileSync(F + 'series/fe_ref_FeO.xdi', 'utf8').split('\n').map((l) => (/^\s*[\d.]/.test(l) ? l.replace(/(\S+)\s+(\S+)/, (_, e, m) => `${e} ${-Number(m)}`) : l)).join('\n');
  const extra = { expectExit: 0, expectErr: "every weight is 0: the sample matches none of 'fe_ref_FeO', 'fe_ref_Fe2O3'" };
  const argv = ['lcf', '{dir}/minus_FeO.xdi', '--mu', 'norm', '--eshift', 'none', '--standard', '{fixtures}/series/fe_ref_FeO.xdi', '--standard', '{fixtures}/series/fe_ref_Fe2O3.xdi'];
  mk('lcf-all-weights-zero-text.json', { seedFile: 'fe_ref_FeO.xdi', mutations: ['norm negated'], argv, files: { 'minus_FeO.xdi': Buffer.from(neg) }, extra });
  mk('lcf-all-weights-zero-json.json', { seedFile: 'fe_ref_FeO.xdi', mutations: ['norm negated'], argv: [...argv, '--json'], files: { 'minus_FeO.xdi': Buffer.from(neg) }, extra });
}
