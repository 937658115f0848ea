// Types of engine.mjs (plain JavaScript so that scripts/fuzz.mjs loads it without a build).
export declare const ROOT: string;
export declare const FIXTURES: string;
export declare const FUZZ_DIR: string;
export declare const MAX_MS: number;
export declare const CELL_VALUES: string[];

export interface Rng {
  next(): number;
  int(n: number): number;
  range(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
  weighted<T>(entries: readonly (readonly [number, T])[]): T;
}
export declare function mulberry32(seed: number): () => number;
export declare function rng(seed: number): Rng;
export declare function caseSeed(seed: number, index: number): number;

export interface Seed {
  name: string;
  path: string;
  kind: 'mu' | 'series' | 'athena' | 'chi' | 'feffdat' | 'recipe';
  mu: string | null;
  element?: string;
  group?: string;
  commands: string[];
  bytes: Buffer;
}
export declare function loadSeeds(): Seed[];

export interface FuzzCase {
  id: string;
  seed: number;
  index: number;
  command: string;
  argv: string[];
  files: Record<string, Buffer>;
  seedFile: string;
  mutations: string[];
}
export interface Mutated {
  bytes: Buffer;
  notes: string[];
}
export declare function mutateText(bytes: Buffer, r: Rng, count?: number): Mutated;
export declare function mutateProject(bytes: Buffer, r: Rng): Mutated;
export declare function mutateGzipText(bytes: Buffer, r: Rng): Mutated;
export declare function mutateRecipe(recipe: unknown, r: Rng): { recipe: unknown; notes: string[] };
export declare function generateCase(seeds: Seed[], seed: number, index: number): FuzzCase;
export declare function caseToJson(c: FuzzCase, extra?: Record<string, unknown>): string;
export declare function caseFromJson(text: string): FuzzCase & Record<string, unknown>;
export declare function materialize(c: FuzzCase, dir: string): string[];
export declare function writtenFiles(c: FuzzCase, dir: string): [string, Buffer][];

export interface RunResult {
  code: number | null;
  out: string;
  err: string;
  ms: number;
  timedOut?: boolean;
  crashed?: string;
  files?: [string, Buffer][];
}
export type Category = 'exit-code' | 'internal-error' | 'stack' | 'timeout' | 'crash' | 'nonfinite' | 'control-chars' | 'json';
export interface Violation {
  category: Category;
  detail: string;
}
export declare function nonfiniteInFile(name: string, text: string): string | null;
export declare function check(c: Pick<FuzzCase, 'argv'>, res: RunResult): Violation[];

export interface KnownDefect {
  item: number | null;
  category: Category | Category[];
  commands?: string[];
  pattern?: string;
  cutoffMs?: number;
  note: string;
  reproducers: string[];
}
export declare function loadKnownDefects(): KnownDefect[];
export declare function knownDefect(known: KnownDefect[], c: FuzzCase, violation: Violation, res: RunResult): KnownDefect | undefined;
export declare function caseTimeout(known: KnownDefect[]): number;
