// xafs batch --slurm against a real Slurm: the single-node cluster of scripts/slurm-local.sh
// (Debian's slurmctld, slurmd, munge). The merged results must equal an unsharded run on this
// machine byte for byte; a cancelled array task gives exit 1 with its log, then --resume reruns
// only that shard; a node that does not see the output folder gives exit 2 and no results.
// Skipped, with the reason printed, when not root or when the cluster cannot be started.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBatchRecipe } from '../../../src/series/batch/recipe.js';
import { runBatch } from '../../../src/series/batch/run.js';
import { arraySpec, checkSbatchArgs, splitSbatchArgs } from '../../../src/series/batch/slurm.js';
import { BIN, ROOT, read, tempDir, writeColumns, writeRecipe } from './helpers.js';

const SCRIPT = join(ROOT, 'scripts/slurm-local.sh');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `during` is called once the submission is recorded (DIR/slurm/jobs.json). */
function xafs(args: string[], env: NodeJS.ProcessEnv = process.env, during?: (jobs: { arrayJob: string; mergeJob: string }) => void, out?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let poll: NodeJS.Timeout | undefined;
    if (during && out) {
      poll = setInterval(() => {
        const f = join(out, 'slurm/jobs.json');
        if (!existsSync(f)) return;
        clearInterval(poll);
        during(JSON.parse(readFileSync(f, 'utf8')) as { arrayJob: string; mergeJob: string });
      }, 50);
    }
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

const sh = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
};

/** Starts the local cluster (or finds it running); the reason when it cannot. */
function cluster(): { ok: boolean; reason: string; started: boolean } {
  if (!existsSync(BIN)) return { ok: false, reason: 'dist/cli/main.js is not built (npm run build)', started: false };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root: scripts/slurm-local.sh installs and starts slurmctld, slurmd and munge', started: false };
  const before = spawnSync('bash', [SCRIPT, 'status'], { encoding: 'utf8' }).status === 0;
  const r = spawnSync('bash', [SCRIPT], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { ok: false, reason: `scripts/slurm-local.sh failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').pop()}`, started: false };
  return { ok: true, reason: '', started: !before };
}

describe('sbatch options (--sbatch) and array specs', () => {
  it('splits like a shell, without expansion', () => {
    expect(splitSbatchArgs(`--account=abc  -p short --job-name='a b' --comment="say \\"hi\\"" --x=$(touch y)`)).toEqual(['--account=abc', '-p', 'short', '--job-name=a b', '--comment=say "hi"', '--x=$(touch', 'y)']);
    expect(splitSbatchArgs('')).toEqual([]);
  });
  it('refuses the options xafs sets, control characters and unterminated quotes', () => {
    expect(() => checkSbatchArgs('--time=1:00 --array=1-3')).toThrow('sbatch options: --array is set by xafs itself (array, dependency, log files, working folder); leave it out');
    expect(() => checkSbatchArgs('-o log.txt')).toThrow('sbatch options: -o is set by xafs itself');
    expect(() => checkSbatchArgs('--dependency=afterok:1')).toThrow('--dependency is set by xafs itself');
    expect(() => checkSbatchArgs("--comment='a\nb'")).toThrow("sbatch options: '--comment=a?b' holds a control character (a line break?)");
    expect(() => checkSbatchArgs("--comment='open")).toThrow("sbatch options: unterminated ' quote in '--comment='open'");
    expect(() => checkSbatchArgs('short')).toThrow("sbatch options: 'short' is not an option");
    expect(checkSbatchArgs('-A abc --time=2:00:00 --exclusive')).toEqual(['-A', 'abc', '--time=2:00:00', '--exclusive']);
  });
  it('writes task lists as Slurm ranges', () => {
    expect(arraySpec([1, 2, 3, 4])).toBe('1-4');
    expect(arraySpec([2])).toBe('2');
    expect(arraySpec([1, 2, 4, 6, 7, 8, 10])).toBe('1-2,4,6-8,10');
  });
});

describe.skipIf(!existsSync(BIN))('xafs batch --slurm without Slurm', () => {
  it('no sbatch on PATH: exit 2, a clear message, nothing written', async () => {
    const dir = tempDir('slurm-nosbatch');
    writeColumns(dir, 200);
    const file = writeRecipe(dir, { columns: 'series.dat' });
    const out = join(dir, 'out');
    const r = await xafs(['batch', file, '--out', out, '--slurm', '4'], { ...process.env, PATH: join(dir, 'empty-bin') });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('xafs: sbatch not found on PATH: run on a Slurm login node (or load the site\'s Slurm module), or run without Slurm (xafs batch --shard i/n on each machine, then xafs merge-results)\n');
    expect(existsSync(out)).toBe(false);
  });
  it('--wait and --sbatch need --slurm; --shard excludes it', async () => {
    const dir = tempDir('slurm-usage');
    const file = writeRecipe(dir, { columns: 'series.dat' });
    expect(await xafs(['batch', file, '--wait'])).toMatchObject({ code: 2, stderr: 'xafs: --wait goes with --slurm N (submit the batch as a Slurm array of N tasks)\n' });
    expect(await xafs(['batch', file, '--slurm', '2', '--shard', '1/2'])).toMatchObject({ code: 2, stderr: 'xafs: --shard and --slurm exclude each other: --slurm N runs shards 1/N … N/N as array tasks\n' });
    expect((await xafs(['batch', file, '--slurm', '0'])).code).toBe(2);
  });
});

const c = cluster();
if (!c.ok) console.warn(`skipping the Slurm tests (test/series/batch/slurm.test.ts): ${c.reason}`);

describe.skipIf(!c.ok)('xafs batch --slurm on a real single-node Slurm (scripts/slurm-local.sh)', () => {
  // 200 spectra = 4 chunks of 64 → 4 shards of 64, 64, 64 and 8 rows, and their unsharded run
  let dir = '';
  let file = '';
  let whole = '';
  beforeAll(async () => {
    dir = tempDir('slurm');
    writeColumns(dir, 200);
    file = writeRecipe(dir, { columns: 'series.dat' });
    whole = join(dir, 'whole');
    await runBatch(loadBatchRecipe(file), { jobs: 1, out: whole });
  });
  afterAll(() => {
    if (c.started) spawnSync('bash', [SCRIPT, 'stop']);
  });
  const same = (out: string) => {
    for (const f of ['results.csv', 'results.jsonl', 'recipe.json']) expect(read(join(out, f)).equals(read(join(whole, f))), f).toBe(true);
  };

  it('a 4-task array: results.csv row for row the unsharded run, in a folder whose name would inject shell code', async () => {
    // a space, a quote, a command substitution and a Slurm % pattern: all must stay literal
    const out = join(dir, `run 1'$(touch INJECTED)%j`);
    const r = await xafs(['batch', file, '--out', out, '--slurm', '4', '--wait', '--json']);
    expect(r.stderr).toContain('200 spectra in 4 shards on Slurm: 200 ok, 0 failed');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { arrayJob: string; mergeJob: string; submitted: number[]; rows: number; ok: number; failed: number; complete: boolean };
    expect(j).toMatchObject({ submitted: [1, 2, 3, 4], rows: 200, ok: 200, failed: 0, complete: true });
    same(out);
    expect(existsSync(join(ROOT, 'INJECTED')) || existsSync(join(dir, 'INJECTED')) || existsSync(join(out, 'INJECTED'))).toBe(false);
    expect(readdirSync(join(out, 'shards'))).toEqual(['1', '2', '3', '4']);
    // array task ids are the 1-based shard numbers; each task ran on a node that saw the folder
    expect(JSON.parse(read(join(out, 'shards/4/shard.json')).toString())).toMatchObject({ shard: '4/4', rows: [192, 200] });
    for (const i of [1, 2, 3, 4]) expect(readFileSync(join(out, `slurm/tasks/${i}.node`), 'utf8')).toMatch(/^\S+ \d+\n$/);
    expect(readFileSync(join(out, `slurm/logs/shard-4.${j.arrayJob}.log`), 'utf8')).toContain('xafs batch: 8 spectra (rows 192–199): 8 ok, 0 failed');
    expect(readFileSync(join(out, `slurm/logs/merge.${j.mergeJob}.log`), 'utf8')).toContain('xafs merge-results: 4 folders, 200 rows');
    // a second submission into the same folder is refused; --resume finds nothing to do
    expect(await xafs(['batch', file, '--out', out, '--slurm', '4'])).toMatchObject({ code: 2, stderr: `xafs: ${out} already holds a Slurm submission: pass --resume to finish it, --force to replace it, or choose another --out\n` });
    const again = await xafs(['batch', file, '--out', out, '--slurm', '4', '--resume', '--wait']);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`every shard in ${out} is complete and merged: nothing to submit`);
  }, 120_000);

  it('a cancelled array task: exit 1 naming its log, nothing merged; --resume reruns only that shard', async () => {
    const out = join(dir, 'run-cancel');
    // held at submission, so that task 2 is cancelled before it runs, whatever the timing
    const r = await xafs(['batch', file, '--out', out, '--slurm', '2', '--sbatch', '--hold', '--wait'], process.env, (jobs) => {
      sh('scancel', [`${jobs.arrayJob}_2`]);
      sh('scontrol', ['release', jobs.arrayJob]);
      sh('scontrol', ['release', jobs.mergeJob]);
    }, out);
    const jobs = JSON.parse(readFileSync(join(out, 'slurm/jobs.json'), 'utf8')) as { arrayJob: string; sbatch: string[] };
    expect(r.stderr).toContain('xafs batch: 1 of 2 shards failed: nothing merged');
    expect(r.stderr).toContain(`  shard 2: did not start (cancelled while pending?), log ${out}/slurm/logs/shard-2.${jobs.arrayJob}.log\n`);
    expect(r.stderr).toContain(`  once the cause is fixed, rerun only those shards: xafs batch ${file} --out ${out} --slurm 2 --resume --wait\n`);
    expect(r.code).toBe(1);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
    expect(existsSync(join(out, 'shards/2/results.csv'))).toBe(false);
    // the merge job, run by hand now: it refuses the missing shard folder and writes nothing
    const m = spawnSync('bash', [join(out, 'slurm/merge.sbatch')], { encoding: 'utf8' });
    expect(m.status).toBe(2);
    expect(m.stderr).toBe(`xafs slurm: the shard folder ${out}/shards/2 is missing (shard 2/2 did not run): nothing merged; finish it with xafs batch --slurm 2 --resume\n`);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
    // --resume: the earlier --sbatch options would hold the jobs again; replaced by harmless ones
    const again = await xafs(['batch', file, '--out', out, '--slurm', '2', '--resume', '--wait', '--json', '--sbatch', '--time=10']);
    expect(again.stderr).toContain('tasks 2 of 2');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ submitted: [2], rows: 200, ok: 200, failed: 0, complete: true });
    same(out);
  }, 120_000);

  it('a node that does not see the output folder: exit 2, nothing merged, no results', async () => {
    const out = join(dir, 'run-blind');
    // what a node sees when --out is node-local: the folder exists but holds another token
    const r = await xafs(['batch', file, '--out', out, '--slurm', '2', '--sbatch', '--hold', '--wait'], process.env, (jobs) => {
      writeFileSync(join(out, 'slurm/token'), 'another folder\n');
      sh('scontrol', ['release', jobs.arrayJob]);
      sh('scontrol', ['release', jobs.mergeJob]);
    }, out);
    expect(r.stderr).toContain(`xafs batch: tasks 1,2 could not see or write the output folder ${out}`);
    expect(r.stderr).toContain('put --out on a filesystem shared by the submit host and the nodes. Nothing merged.');
    expect(r.code).toBe(2);
    expect(existsSync(join(out, 'results.csv'))).toBe(false);
    expect(existsSync(join(out, 'shards'))).toBe(false);
    const jobs = JSON.parse(readFileSync(join(out, 'slurm/jobs.json'), 'utf8')) as { arrayJob: string };
    expect(readFileSync(join(out, `slurm/logs/shard-1.${jobs.arrayJob}.log`), 'utf8')).toContain(`does not see the output folder ${out}`);
  }, 120_000);

  it('a submission sbatch refuses: exit 2 quoting sbatch, nothing submitted', async () => {
    const out = join(dir, 'run-refused');
    mkdirSync(out);
    const r = await xafs(['batch', file, '--out', out, '--slurm', '4', '--sbatch', '--partition=nosuchpartition']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('xafs: sbatch refused the array of 4 tasks: sbatch: error: invalid partition specified: nosuchpartition | sbatch: error: Batch job submission failed: Invalid partition name specified\n');
    expect(readdirSync(out)).toEqual([]);
  }, 30_000);
});
