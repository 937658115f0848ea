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
  /** Non-empty lines below the data block (Larch read_ascii `footer`). */
  footer?: string[];
  /** 1-based line number in the file of each data row (for messages that name a line). */
  rowLines?: number[];
  /** Which header parser named the columns ('generic', 'GSE EpicsScan', 'SSRL', ...). */
  beamline?: string;
  /** 1-based column the beamline header names as energy, when it says so (SSRL, CLS, KEK-PF). */
  energyColumn?: number;
  /** Energy units the header states when they are not eV ('keV', 'deg'). */
  energyUnits?: string;
  /** Monochromator d-spacing in Å stated by the header (KEK-PF, XDI Mono.d_spacing). */
  monoDspace?: number;
  /** XDI version from the first line (`1.0`, `1.1`) for XDI files. */
  xdiVersion?: string;
  /** What the reader adjusted (rows of another width dropped, with their lines). */
  warnings?: string[];
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
  /** Athena's record id (the `$old_group` hash key, e.g. 'uhcs'). */
  id?: string;
  /** Every stored argument of the record as written (Perl `@args` / JSON `args`), unconverted. */
  args?: Record<string, unknown>;
}

export interface AthenaProject {
  format: 'athena';
  path: string;
  version: string;
  groups: AthenaGroup[];
  /** Header comment lines of the project file. */
  header?: string[];
  /** Athena's journal (free text), one entry per line. */
  journal?: string[];
  /** Things skipped while reading (unreadable optional records), never fatal. */
  warnings?: string[];
}

/** One potential of a Feff calculation as listed in a feff.dat header (`Abs` is ipot 0). */
export interface FeffPotential {
  ipot: number;
  iz: number;
  /** Muffin-tin radius (bohr). */
  rmt: number;
  /** Norman radius (bohr). */
  rnm: number;
}

/** One atom of a scattering path (the absorber first); coordinates in Å. */
export interface FeffAtom {
  x: number;
  y: number;
  z: number;
  ipot: number;
  iz: number;
  label: string;
}

/** A FEFF path file (feffNNNN.dat), Larch 0.9.58 FeffDatFile semantics. */
export interface FeffDat {
  format: 'feffdat';
  path: string;
  title: string;
  version: string;
  potentials: FeffPotential[];
  /** Core-hole lifetime broadening (eV); null when the file has no Gam_ch line. */
  gamCh: number | null;
  /** Exchange model name ('H-L exch'). */
  exch: string;
  /**
   * Fermi level (eV), wave number at the Fermi level (1/Å), interstitial potential (eV), rs; null
   * when the file has no `Mu= kf= Vint= Rs_int=` line (they describe the run; χ(k) needs none).
   */
  mu: number | null;
  kf: number | null;
  vint: number | null;
  rsInt: number | null;
  nleg: number;
  degen: number;
  /** Half path length (Å). */
  reff: number;
  /** Average Norman radius (bohr, used as is). */
  rnorman: number;
  /** Feff's edge energy shift (eV). */
  edge: number;
  geom: FeffAtom[];
  /** Table columns: k (1/Å), real[2*phc], mag[feff], phase[feff], red factor, lambda (Å), real[p] (1/Å). */
  k: Float64Array;
  real2phc: Float64Array;
  magFeff: Float64Array;
  phaseFeff: Float64Array;
  redFactor: Float64Array;
  lambda: Float64Array;
  realP: Float64Array;
  /** Derived as Larch does: pha = real[2*phc] + phase[feff], amp = mag[feff]·red factor, lam = lambda, rep = real[p]. */
  pha: Float64Array;
  amp: Float64Array;
  lam: Float64Array;
  rep: Float64Array;
}

/** A spectrum ready for processing: energy (eV, sorted; repeated values are separated by pre_edge/autobk as Larch does) and μ(E). */
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
