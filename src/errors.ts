/**
 * One error class for every user-facing failure. `code` is stable (scripts and tests match on
 * it); `message` says what went wrong, where (file, line, column) and what to do about it.
 * The CLI prints `message` on stderr and exits with `exitCode` (2 = bad input or usage).
 */
export type XafsErrorCode =
  | 'ENOENT' // missing file
  | 'EFORMAT' // unknown or malformed file format
  | 'ECOLUMN' // missing or misspelled column
  | 'EEXPR' // expression does not parse or names an unknown symbol
  | 'ENUMBER' // non-numeric cell
  | 'ENONFINITE' // NaN or inf in energy or mu
  | 'EORDER' // non-monotonic energies refused (--no-sort)
  | 'ETOOFEW' // too few points
  | 'ENOEDGE' // no edge in the data
  | 'ERANGE' // a k, R or energy range outside the data
  | 'EZERO' // all-zero mu
  | 'EOPTION' // bad option value
  | 'EFEFF' // malformed feff.dat
  | 'EWRITE' // output cannot be written (disk full, read-only, permission denied)
  | 'ELOCKED' // output folder in use by another run
  | 'EINTERNAL';

export class XafsError extends Error {
  readonly code: XafsErrorCode;
  readonly exitCode: number;
  constructor(code: XafsErrorCode, message: string, exitCode = 2) {
    super(message);
    this.name = 'XafsError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Warnings are collected, never printed by library code; the CLI prints them on stderr. */
export type Warn = (message: string) => void;
