// Types of runner.mjs.
import type { FuzzCase, RunResult, Violation } from './engine.mjs';
export declare const PROGRAM: string;
export declare const BIN: string;
export declare function built(): boolean;
export interface InProcessRunner {
  run(argv: string[]): Promise<RunResult>;
  close(): Promise<void>;
}
export declare function inProcessRunner(opts?: { timeoutMs?: number }): InProcessRunner;
export declare function runChild(argv: string[], opts?: { cwd?: string; timeoutMs?: number }): Promise<RunResult & { signal: string | null }>;
export declare function runCase(c: FuzzCase, runner: 'child' | InProcessRunner, opts?: { timeoutMs?: number }): Promise<{ case: FuzzCase; res: RunResult; violations: Violation[] }>;
