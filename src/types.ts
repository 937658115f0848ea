/** Shared data shapes. Arrays are Float64Array; energies in eV, k in 1/Å, R in Å. */

export interface Column {
  label: string;
  values: Float64Array;
  /** Units where the file states them (XDI `Column.N: energy eV`). */
  units?: string;
}

/** A plain-text column file (XDI or beamline ASCII) as read, before any choice of mu. */
export interface ColumnFile {
  format: 'xdi' | 'ascii';
  path: string;
  /** Column labels exactly as Larch 0.9.58 read_ascii names them (lowercased identifiers). */
  labels: string[];
  columns: Column[];
  /** Header fields: XDI `family.tag` (lowercased) or read_ascii attrs (`column_1`, ...). */
  metadata: Record<string, string>;
  /** Free-form user comments (XDI, after `# ///`). */
  comments: string[];
  /** Raw header lines (comment characters kept). */
  header: string[];
}

/** One XAFS group as stored in an Athena project. */
export interface AthenaGroup {
  label: string;
  energy: Float64Array;
  mu: Float64Array;
  i0?: Float64Array;
  signal?: Float64Array;
  stddev?: Float64Array;
  /** Stored processing parameters (bkg_e0, bkg_rbkg, bkg_pre1, ..., fft_kmin, ...), numbers where numeric. */
  params: Record<string, unknown>;
  /** True when the record is χ(k) rather than μ(E) (then energy holds k and mu holds χ). */
  isChi: boolean;
}

export interface AthenaProject {
  format: 'athena';
  path: string;
  version: string;
  groups: AthenaGroup[];
}

/** A spectrum ready for processing: energy (eV, strictly increasing) and μ(E). */
export interface Spectrum {
  energy: Float64Array;
  mu: Float64Array;
  /** Where it came from: a file path, or `file#group` for an Athena group. */
  source?: string;
  labels?: string[];
  metadata?: Record<string, unknown>;
  /** Warnings raised while reading (sorted scan, duplicate energies, ...). */
  warnings?: string[];
}
