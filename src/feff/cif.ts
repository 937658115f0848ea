/**
 * CIF crystal structures → a FEFF cluster. Reads one data block of a CIF 1.1 file: the cell
 * (`_cell_length_*`, `_cell_angle_*`), the symmetry operations (`_space_group_symop_operation_xyz`
 * or `_symmetry_equiv_pos_as_xyz`) and the atom sites (`_atom_site_label`, `_atom_site_type_symbol`,
 * `_atom_site_fract_x/y/z`, `_atom_site_occupancy`). The sites are expanded by the operations,
 * de-duplicated, and every atom within rmax of the chosen absorber site is kept.
 *
 * Not supported (each refused with a message saying so): several structures in one file (data
 * blocks with atom sites; one beside a data_global block is used, with a note), a space
 * group given only by its Hall or Hermann–Mauguin symbol (no explicit operations; P 1 is accepted),
 * partial occupancy (substitutional or positional disorder), Cartesian-only coordinates
 * (`_atom_site_Cartn_*`). CIF 2.0 lists and tables are not read; magnetic and modulated
 * structures, and anisotropic displacements, are ignored.
 */
import { XafsError } from '../errors.js';
import { sourceText, type TextSource } from '../io/text.js';
import { elementOfLabel, elementSymbol, lookupElement } from './elements.js';
import { centreCluster, checkClusterSize, checkStructureBytes, MAX_CLUSTER_ATOMS, MIN_DISTANCE, type Cluster, type ClusterAtom } from './structure.js';

/** One data block: each tag with its values (one for a single item, one per row in a loop) and where it was. */
interface CifBlock {
  name: string;
  items: Map<string, { values: string[]; line: number }>;
}

interface Token {
  text: string;
  line: number;
  /** Quoted or a text field: never a keyword. */
  quoted: boolean;
}

function tokenize(text: string, path: string): Token[] {
  const lines = text.split('\n');
  const out: Token[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(';')) {
      // text field up to the next line starting with ';'
      const start = i;
      const body = [line.slice(1)];
      i++;
      while (i < lines.length && !lines[i]!.startsWith(';')) body.push(lines[i++]!);
      if (i >= lines.length) throw new XafsError('EFORMAT', `${path} line ${start + 1}: text field opened with ';' is never closed`);
      out.push({ text: body.join('\n').trim(), line: start + 1, quoted: true });
      continue;
    }
    let j = 0;
    while (j < line.length) {
      const c = line[j]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        j++;
        continue;
      }
      if (c === '#') break;
      if (c === "'" || c === '"') {
        // CIF 1.1: a quote ends the string only when followed by whitespace or the line end
        let k = j + 1;
        while (k < line.length && !(line[k] === c && (k + 1 === line.length || /\s/.test(line[k + 1]!)))) k++;
        if (k >= line.length) throw new XafsError('EFORMAT', `${path} line ${i + 1}: string opened with ${c} is never closed`);
        out.push({ text: line.slice(j + 1, k), line: i + 1, quoted: true });
        j = k + 1;
        continue;
      }
      let k = j;
      while (k < line.length && !/\s/.test(line[k]!)) k++;
      out.push({ text: line.slice(j, k), line: i + 1, quoted: false });
      j = k;
    }
  }
  return out;
}

/** The data blocks of a CIF text. */
function parseBlocks(text: string, path: string): CifBlock[] {
  const toks = tokenize(text, path);
  const blocks: CifBlock[] = [];
  let block: CifBlock | undefined;
  const need = (t: Token): CifBlock => {
    if (!block) throw new XafsError('EFORMAT', `${path} line ${t.line}: '${t.text}' before the first data_ block: is this a CIF file?`);
    return block;
  };
  let i = 0;
  while (i < toks.length) {
    const t = toks[i]!;
    const low = t.text.toLowerCase();
    if (!t.quoted && low.startsWith('data_')) {
      block = { name: t.text.slice(5), items: new Map() };
      blocks.push(block);
      i++;
    } else if (!t.quoted && low === 'loop_') {
      const b = need(t);
      const tags: Token[] = [];
      i++;
      while (i < toks.length && !toks[i]!.quoted && toks[i]!.text.startsWith('_')) tags.push(toks[i++]!);
      const values: Token[] = [];
      while (i < toks.length) {
        const v = toks[i]!;
        const vl = v.text.toLowerCase();
        if (!v.quoted && (v.text.startsWith('_') || vl === 'loop_' || vl.startsWith('data_') || vl.startsWith('save_') || vl === 'global_')) break;
        values.push(v);
        i++;
      }
      if (tags.length === 0) throw new XafsError('EFORMAT', `${path} line ${t.line}: loop_ without tags`);
      if (values.length % tags.length !== 0) {
        throw new XafsError('EFORMAT', `${path} line ${t.line}: the loop of ${tags[0]!.text} has ${values.length} values for ${tags.length} columns (not a whole number of rows): check for a missing value or an unquoted space`);
      }
      tags.forEach((tag, c) => {
        const col: string[] = [];
        for (let r = c; r < values.length; r += tags.length) col.push(values[r]!.text);
        b.items.set(tag.text.toLowerCase(), { values: col, line: tag.line });
      });
    } else if (!t.quoted && t.text.startsWith('_')) {
      const b = need(t);
      const v = toks[i + 1];
      if (!v || (!v.quoted && (v.text.startsWith('_') || v.text.toLowerCase() === 'loop_' || v.text.toLowerCase().startsWith('data_')))) {
        throw new XafsError('EFORMAT', `${path} line ${t.line}: ${t.text} has no value`);
      }
      b.items.set(t.text.toLowerCase(), { values: [v.text], line: t.line });
      i += 2;
    } else {
      need(t);
      i++; // stray value (save frames and the like): ignored
    }
  }
  return blocks;
}

/** A CIF number: '3.6149(2)' → 3.6149; '.' and '?' (unknown) → undefined. */
function cifNumber(s: string | undefined): number | undefined {
  if (s === undefined || s === '.' || s === '?') return undefined;
  const v = Number(s.replace(/\(\d+\)$/, ''));
  return Number.isFinite(v) ? v : NaN;
}

/** A symmetry operation as a 3×4 matrix (rotation | translation) acting on fractional coordinates. */
type SymOp = number[][];

/** Parses 'x,y,z', '-x+1/2, y-x, z+0.25', ... Throws naming the operation. */
export function parseSymOp(op: string, where: string): SymOp {
  const parts = op.replace(/\s+/g, '').toLowerCase().split(',');
  if (parts.length !== 3) throw new XafsError('EFORMAT', `${where}: symmetry operation '${op}' does not have three parts (like 'x,y,z' or '-x+1/2,y,-z')`);
  return parts.map((p) => {
    const row = [0, 0, 0, 0];
    const terms = p.match(/[+-]?[^+-]+/g);
    if (!terms) throw new XafsError('EFORMAT', `${where}: symmetry operation '${op}' has an empty part`);
    for (const term of terms) {
      const m = /^([+-]?)(?:(\d*\.?\d+(?:\/\d+)?)\*?)?([xyz])?$/.exec(term);
      if (!m || (m[2] === undefined && m[3] === undefined)) throw new XafsError('EFORMAT', `${where}: cannot read '${term}' in symmetry operation '${op}'`);
      const sign = m[1] === '-' ? -1 : 1;
      let num = 1;
      if (m[2] !== undefined) {
        const [a, b] = m[2].split('/');
        num = Number(a) / (b === undefined ? 1 : Number(b));
      }
      if (m[3] !== undefined) row['xyz'.indexOf(m[3])] += sign * num;
      else row[3] += sign * num;
    }
    return row;
  });
}

/** The parts of a CIF a cluster is built from. */
export interface CifStructure {
  block: string;
  /** a, b, c (Å), α, β, γ (degrees). */
  cell: [number, number, number, number, number, number];
  ops: SymOp[];
  sites: { label: string; element: string; frac: [number, number, number]; line: number }[];
  notes: string[];
}

const UNSUPPORTED = 'multiple data blocks, Hall or H-M symbols without explicit operations, partial occupancy, Cartesian-only coordinates';

/** Reads the structure of a one-block CIF (see the file comment for what is not supported). */
export function readCif(input: string | TextSource): CifStructure {
  if (typeof input === 'string') checkStructureBytes(input, 'CIF');
  const { text, path } = sourceText(input);
  const blocks = parseBlocks(text, path);
  if (blocks.length === 0) throw new XafsError('EFORMAT', `${path}: no data_ block: is this a CIF file?`);
  const withSites = blocks.filter((b) => b.items.has('_atom_site_fract_x') || b.items.has('_atom_site_label'));
  if (blocks.length > 1 && withSites.length !== 1) {
    throw new XafsError(
      'EFORMAT',
      `${path} holds ${blocks.length} data blocks (${blocks.map((b) => `data_${b.name}`).join(', ')}): CIF files with several structures are not supported; save the one you want on its own`,
    );
  }
  const b = withSites[0] ?? blocks[0]!;
  const notes: string[] = [];
  if (blocks.length > 1) notes.push(`${path}: using data_${b.name}, the only block with atom sites`);
  const get = (tag: string) => b.items.get(tag);

  // coordinates
  const fx = get('_atom_site_fract_x');
  const fy = get('_atom_site_fract_y');
  const fz = get('_atom_site_fract_z');
  if (!fx || !fy || !fz) {
    const cart = get('_atom_site_cartn_x');
    throw new XafsError(
      'EFORMAT',
      cart
        ? `${path} (data_${b.name}) gives Cartesian coordinates only (_atom_site_Cartn_x at line ${cart.line}): not supported; export fractional coordinates (_atom_site_fract_x/y/z) or write an XYZ file`
        : `${path} (data_${b.name}) has no atomic coordinates (no _atom_site_fract_x/y/z loop): it cannot be turned into a cluster; use a CIF with atom sites`,
    );
  }

  // cell
  const cellTags = ['_cell_length_a', '_cell_length_b', '_cell_length_c', '_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'];
  const cell = cellTags.map((t, i) => {
    const it = get(t);
    const v = cifNumber(it?.values[0]);
    if (v === undefined && i >= 3) return 90;
    if (v === undefined || !Number.isFinite(v) || v <= 0) {
      throw new XafsError('EFORMAT', `${path} (data_${b.name}): ${t} is ${it ? `'${it.values[0]}' (line ${it.line}), not a positive number` : 'missing'}: the cell is needed to place the atoms`);
    }
    return v;
  }) as CifStructure['cell'];
  checkCell(cell, `${path} (data_${b.name})`);

  // symmetry
  const opsItem = get('_space_group_symop_operation_xyz') ?? get('_symmetry_equiv_pos_as_xyz');
  let ops: SymOp[];
  if (opsItem) {
    ops = opsItem.values.map((o) => parseSymOp(o, `${path} line ${opsItem.line}`));
  } else {
    const sym = get('_space_group_name_h-m_alt') ?? get('_symmetry_space_group_name_h-m') ?? get('_space_group_name_hall') ?? get('_symmetry_space_group_name_hall');
    const name = sym?.values[0]?.replace(/\s+/g, '');
    if (sym && name !== undefined && !/^P1$/i.test(name) && name !== '?' && name !== '.') {
      throw new XafsError(
        'EFORMAT',
        `${path} (data_${b.name}) gives the space group only as '${sym.values[0]}' (line ${sym.line}) without symmetry operations: space-group symbols are not expanded; add the _space_group_symop_operation_xyz loop (any CIF exported by VESTA, Mercury or the ICSD/COD has it)`,
      );
    }
    if (!sym) notes.push(`${path}: no symmetry operations and no space group: taken as P 1 (the sites are the whole cell)`);
    ops = [parseSymOp('x,y,z', path)];
  }

  // sites
  const labels = get('_atom_site_label');
  const types = get('_atom_site_type_symbol');
  const occ = get('_atom_site_occupancy');
  const sites: CifStructure['sites'] = [];
  for (let i = 0; i < fx.values.length; i++) {
    const label = labels?.values[i] ?? `site ${i + 1}`;
    const where = `${path} (site ${label}, line ${fx.line})`;
    const raw = types?.values[i] ?? label;
    const el = elementOfLabel(raw);
    if (lookupElement(el) === undefined) throw new XafsError('EFORMAT', `unknown element '${raw}' in ${where}: use an element symbol from H to Cf (Fe, Cu, O, ...)`);
    const frac = [fx, fy, fz].map((c) => cifNumber(c.values[i])) as number[];
    if (frac.some((v) => v === undefined || !Number.isFinite(v))) {
      throw new XafsError('EFORMAT', `${where}: fractional coordinates '${[fx, fy, fz].map((c) => c.values[i]).join(' ')}' are not numbers: a CIF without coordinates cannot be turned into a cluster`);
    }
    const o = cifNumber(occ?.values[i]);
    if (o !== undefined && Number.isFinite(o) && Math.abs(o - 1) > 0.01) {
      throw new XafsError('EFORMAT', `${where}: occupancy ${occ!.values[i]}: partial occupancy (disorder) is not supported; make an ordered model (one element per site, occupancy 1) or write an XYZ cluster`);
    }
    sites.push({ label, element: elementSymbol(lookupElement(el)!), frac: frac as [number, number, number], line: fx.line });
  }
  if (sites.length === 0) throw new XafsError('EFORMAT', `${path} (data_${b.name}) has an empty atom-site loop: a CIF without coordinates cannot be turned into a cluster`);
  return { block: b.name, cell, ops, sites, notes };
}

/**
 * Refuses a cell no crystal has, before anything is expanded: an edge shorter than MIN_DISTANCE
 * (an atom would sit that close to its own image), an angle outside (0°, 180°), or angles that
 * make the cell flat: V/(a·b·c) = sqrt(1 − cos²α − cos²β − cos²γ + 2·cosα·cosβ·cosγ) below 0.01
 * (a cell of angles near 180° or summing to 360° holds no volume; the flattest real cells,
 * rhombohedral ones with α ≈ 20°, are near 0.1).
 */
function checkCell(cell: CifStructure['cell'], where: string): void {
  const [a, b, c, al, be, ga] = cell;
  const names = ['_cell_length_a', '_cell_length_b', '_cell_length_c', '_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'];
  [a, b, c].forEach((v, i) => {
    if (v < MIN_DISTANCE) throw new XafsError('EFORMAT', `${where}: ${names[i]} is ${v} Å, shorter than ${MIN_DISTANCE} Å: every atom would lie that close to its own image; give the cell in Å`);
  });
  [al, be, ga].forEach((v, i) => {
    if (!(v > 0 && v < 180)) throw new XafsError('EFORMAT', `${where}: ${names[i + 3]} is ${v}°, outside (0°, 180°); give the cell angles in degrees`);
  });
  const r = Math.PI / 180;
  const [ca, cb, cg] = [Math.cos(al * r), Math.cos(be * r), Math.cos(ga * r)];
  const f = Math.sqrt(Math.max(0, 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg));
  if (!(f >= MIN_CELL_VOLUME_FRACTION)) {
    throw new XafsError('EFORMAT', `${where}: the cell angles ${al}°, ${be}°, ${ga}° make a flat cell (volume ${(a * b * c * f).toPrecision(3)} Å³, ${(100 * f).toPrecision(2)} % of a·b·c; at least ${100 * MIN_CELL_VOLUME_FRACTION} % needed): check _cell_angle_alpha, _beta and _gamma`);
  }
}

/** Smallest V/(a·b·c) a cell may have (see checkCell). */
const MIN_CELL_VOLUME_FRACTION = 0.01;
/** Most site images (sites × symmetry operations) expanded into the cell. */
const MAX_SITE_IMAGES = 100_000;
/** Most lattice-image candidates examined for one cluster (cells × atoms per cell). */
const MAX_IMAGES = 5_000_000;

/** Fractional → Cartesian matrix (a along x, b in the xy plane), rows are the cell vectors. */
function cellVectors(cell: CifStructure['cell']): number[][] {
  const [a, b, c, al, be, ga] = cell;
  const r = Math.PI / 180;
  const [ca, cb, cg, sg] = [Math.cos(al * r), Math.cos(be * r), Math.cos(ga * r), Math.sin(ga * r)];
  const cx = c * cb;
  const cy = (c * (ca - cb * cg)) / sg;
  const cz = Math.sqrt(Math.max(0, c * c - cx * cx - cy * cy));
  return [
    [a, 0, 0],
    [b * cg, b * sg, 0],
    [cx, cy, cz],
  ];
}

const wrap = (v: number): number => {
  const w = v - Math.floor(v);
  return w > 1 - 1e-6 ? 0 : w;
};

/**
 * The cluster of radius `rmax` (Å) around the `absorber` element's site in a CIF (the first such
 * site, with a note when there are several inequivalent ones, or the site labelled `site`).
 */
export function readCifCluster(file: string | TextSource, absorber: string, rmax: number, site?: string): Cluster {
  const path = typeof file === 'string' ? file : file.path;
  const cif = readCif(file);
  const notes = [...cif.notes];
  const abs = lookupElement(absorber);
  if (abs === undefined) throw new XafsError('EFORMAT', `unknown element '${absorber}' (the absorber): use an element symbol from H to Cf (Fe, Cu, O, ...)`);
  const absEl = elementSymbol(abs);
  const candidates = cif.sites.filter((s) => s.element === absEl);
  if (candidates.length === 0) {
    throw new XafsError('EOPTION', `absorber ${absEl} is not in ${path} (elements: ${[...new Set(cif.sites.map((s) => s.element))].join(', ')}): give --absorber one of those`);
  }
  let chosen = candidates[0]!;
  if (site !== undefined) {
    const hit = candidates.find((s) => s.label === site);
    if (!hit) throw new XafsError('EOPTION', `site '${site}' is not a ${absEl} site of ${path} (the ${absEl} sites: ${candidates.map((s) => s.label).join(', ')}): give --site one of those`);
    chosen = hit;
  } else if (candidates.length > 1) {
    notes.push(`${path} has ${candidates.length} inequivalent ${absEl} sites (${candidates.map((s) => s.label).join(', ')}): the absorber is ${chosen.label}; choose another with --site`);
  }

  // expand the asymmetric unit into the cell, de-duplicating images closer than 0.01 Å: bounded
  // first (the de-duplication compares each image with the site's others)
  if (cif.sites.length * cif.ops.length > MAX_SITE_IMAGES) {
    throw new XafsError('EOPTION', `${path}: ${cif.sites.length} sites × ${cif.ops.length} symmetry operations, more than the ${MAX_SITE_IMAGES} site images this reads (a unit cell FEFF can use holds far fewer atoms): use a smaller structure or an XYZ cluster`);
  }
  const vec = cellVectors(cif.cell);
  const cart = (f: number[]): [number, number, number] => [0, 1, 2].map((d) => f[0]! * vec[0]![d]! + f[1]! * vec[1]![d]! + f[2]! * vec[2]![d]!) as [number, number, number];
  const cellAtoms: { label: string; element: string; f: number[] }[] = [];
  for (const s of cif.sites) {
    const mine: number[][] = [];
    for (const op of cif.ops) {
      const f = op.map((row) => wrap(row[0]! * s.frac[0] + row[1]! * s.frac[1] + row[2]! * s.frac[2] + row[3]!));
      const dup = mine.some((g) => {
        const d = g.map((v, k) => v - f[k]! - Math.round(v - f[k]!));
        return Math.hypot(...cart(d)) < 0.01;
      });
      if (!dup) mine.push(f);
    }
    for (const f of mine) cellAtoms.push({ label: s.label, element: s.element, f });
  }

  // every image within rmax of the absorber site; the number of cells needed along each axis is
  // rmax divided by the spacing of the lattice planes (1/|a*|)
  const origin = cart(chosen.frac.map(wrap));
  const det = vec[0]![0]! * (vec[1]![1]! * vec[2]![2]! - vec[1]![2]! * vec[2]![1]!) - vec[0]![1]! * (vec[1]![0]! * vec[2]![2]! - vec[1]![2]! * vec[2]![0]!) + vec[0]![2]! * (vec[1]![0]! * vec[2]![1]! - vec[1]![1]! * vec[2]![0]!);
  const cross = (p: number[], q: number[]) => [p[1]! * q[2]! - p[2]! * q[1]!, p[2]! * q[0]! - p[0]! * q[2]!, p[0]! * q[1]! - p[1]! * q[0]!];
  const spacing = [cross(vec[1]!, vec[2]!), cross(vec[2]!, vec[0]!), cross(vec[0]!, vec[1]!)].map((v) => Math.abs(det) / Math.hypot(v[0]!, v[1]!, v[2]!));
  const n = spacing.map((d) => Math.ceil(rmax / d) + 1);
  // bound the work before doing it: the atoms the sphere will hold (cell atoms × sphere/cell
  // volume) and the images examined
  const expected = Math.round((cellAtoms.length * (4 / 3) * Math.PI * rmax ** 3) / Math.abs(det));
  const images = n.reduce((p, k) => p * (2 * k + 1), cellAtoms.length);
  if (expected > 2 * MAX_CLUSTER_ATOMS || images > MAX_IMAGES) {
    throw new XafsError(
      'EOPTION',
      `${path}: about ${expected} atoms within rmax ${rmax} Å of ${chosen.label} (${cellAtoms.length} atoms in a cell of ${Math.abs(det).toPrecision(4)} Å³), more than FEFF takes (${MAX_CLUSTER_ATOMS}): reduce rmax, or check the cell lengths (Å)`,
    );
  }
  const atoms: ClusterAtom[] = [{ element: absEl, x: origin[0], y: origin[1], z: origin[2], label: chosen.label }];
  for (let i = -n[0]!; i <= n[0]!; i++)
    for (let j = -n[1]!; j <= n[1]!; j++)
      for (let k = -n[2]!; k <= n[2]!; k++)
        for (const a of cellAtoms) {
          const p = cart([a.f[0]! + i, a.f[1]! + j, a.f[2]! + k]);
          const r = Math.hypot(p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]);
          if (r < 1e-4) {
            if (a.element !== absEl || a.label !== chosen.label) atoms.push({ element: a.element, x: p[0], y: p[1], z: p[2], label: a.label }); // a clash, refused below
            continue;
          }
          if (r <= rmax + 1e-6) atoms.push({ element: a.element, x: p[0], y: p[1], z: p[2], label: a.label });
        }
  // round to 1e-6 Å (what feff.inp holds) so the text does not depend on the last bit
  const rounded = atoms.map((a) => ({ ...a, x: Math.round((a.x - origin[0]) * 1e6) / 1e6 + 0, y: Math.round((a.y - origin[1]) * 1e6) / 1e6 + 0, z: Math.round((a.z - origin[2]) * 1e6) / 1e6 + 0 }));
  checkClusterSize(rounded.length, `${path} (the cluster of rmax ${rmax} Å around ${chosen.label})`, 'reduce rmax');
  return centreCluster(rounded, 0, path, notes);
}
