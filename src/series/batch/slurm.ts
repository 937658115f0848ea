/**
 * A batch on a Slurm cluster (docs/slurm.md): the shards of `xafs batch --shard i/n` as one job
 * array, their merge (`xafs merge-results`) as a second job that starts once every task ended well.
 *
 * Layout of the output folder DIR (on a filesystem the submit host and the nodes share):
 *
 *   DIR/slurm/array.sbatch, merge.sbatch   the two job scripts (bash; every path single-quoted)
 *   DIR/slurm/jobs.json                    what was submitted (task count, recipe, job ids)
 *   DIR/slurm/token                        this submission's random token (see below)
 *   DIR/slurm/tasks/I.node                 written by task I once it saw DIR: node name, job id
 *   DIR/slurm/logs/shard-I.JOB.log         task I's output; merge.JOB.log the merge's
 *   DIR/shards/I/                          shard I's output folder (xafs batch --shard I/N)
 *   DIR/results.csv, results.jsonl, recipe.json   the merged results (what an unsharded run writes)
 *
 * Slurm array task ids are the shard numbers: --array=1-N and `--shard $SLURM_ARRAY_TASK_ID/N`,
 * both 1-based (run.ts `parseShard`).
 *
 * A node that does not see DIR (a node-local /tmp of the same name, an unmounted filesystem) is
 * caught by the token: each job first reads DIR/slurm/token and compares it with the token
 * written into its script; a mismatch or a missing file stops it with exit status 75 before it
 * writes anything. The merge writes into DIR/slurm/merged and moves the files into DIR at the end,
 * results.csv last, so that DIR/results.csv exists only once complete.
 *
 * Whether a shard is finished is read from its folder (recipe.json, shard.json and as many rows as
 * its range in results.csv and results.jsonl: what merge-results checks), never from Slurm, whose
 * records of finished jobs vanish after MinJobAge and which has no accounting on small clusters.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { XafsError } from '../../errors.js';
import { prepareAnalysis } from './analyze.js';
import { openInputs } from './inputs.js';
import { defaultOutDir, type BatchRecipe } from './recipe.js';
import { CHUNK_SIZE, recipeFileText } from './run.js';
import { scanLines } from './writer.js';

/** Exit status of a job script that cannot see or write the output folder. */
export const EXIT_NO_FOLDER = 75;

export interface SlurmBatchOptions {
  /** Array tasks, one shard each (1 ≤ tasks ≤ the number of 64-spectrum chunks). */
  tasks: number;
  /** Output folder, shared by the submit host and the nodes. @default outputs.dir of the recipe, else '<recipe name>.results' */
  out?: string;
  /** Extra sbatch options for both jobs, one string split like a shell line ('--account=x -p short --time=2:00:00'). @default none; with `resume`, those of the earlier submission */
  sbatch?: string;
  /** Resubmit only the shards whose folders are not complete (and the merge). @default false */
  resume?: boolean;
  /** Replace an earlier submission's folders and results in `out`. @default false (refused) */
  force?: boolean;
  /** Worker threads per task. @default $SLURM_CPUS_PER_TASK on the node, else 1 */
  jobs?: number;
  /** The node executable the jobs run. @default process.execPath */
  node?: string;
  /** The xafs command-line script the jobs run. @default dist/cli/main.js of this package */
  entry?: string;
  /** Diagnostics (analyses skipped in shards). */
  warn?: (message: string) => void;
}

export interface SlurmSubmission {
  /** Output folder (absolute). */
  out: string;
  tasks: number;
  /** Spectra in the series. */
  total: number;
  /** The shards submitted in this array (all of them, or the unfinished ones with `resume`). */
  submitted: number[];
  /** Job id of the array, null when no shard needed to run. */
  arrayJob: string | null;
  /** Job id of the merge, null when the results were already complete. */
  mergeJob: string | null;
  /** True when `resume` found the jobs of the earlier submission still queued or running (nothing submitted). */
  attached: boolean;
}

export interface SlurmTaskFailure {
  shard: number;
  /** Its log file (may not exist when the task never started). */
  log: string;
  /** Slurm's state and exit code while Slurm still knows the job ('FAILED 2:0', 'CANCELLED'), else ''. */
  state: string;
  /** True when the task could not see or write the output folder (exit 75, or it never wrote its log). */
  noFolder: boolean;
  /** Whether it started (saw the output folder and wrote DIR/slurm/tasks/I.node). */
  started: boolean;
  node: string;
}

export interface SlurmOutcome {
  /** Every shard complete and merged into DIR/results.csv. */
  complete: boolean;
  failures: SlurmTaskFailure[];
  /** When the shards are complete but the merge did not produce the results: its log and state. */
  mergeFailure: { log: string; state: string; noFolder: boolean } | null;
  /** Rows of the merged results and those with status 'error' (when complete). */
  rows: number;
  errors: number;
}

interface JobsRecord {
  tasks: number;
  recipe: string;
  recipeText: string;
  arrayJob: string | null;
  mergeJob: string | null;
  submitted: number[];
  /** The extra sbatch options, reused by --resume when none are given. */
  sbatch: string[];
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Splits an sbatch option string like a shell would (quotes, backslashes); no expansion of any kind. */
export function splitSbatchArgs(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new XafsError('EOPTION', `sbatch options: unterminated ${quote} quote in '${s}'`);
  if (has) out.push(cur);
  return out;
}

/** The options xafs sets itself on both jobs: given in `sbatch` they would break the array or its bookkeeping. */
const RESERVED = /^(--(array|dependency|output|error|parsable|wrap|wait|kill-on-invalid-dep|chdir|test-only)(=|$)|-[adoeWD])/;

/** Validates the extra sbatch options (see SlurmBatchOptions.sbatch). */
export function checkSbatchArgs(s: string | undefined): string[] {
  if (s === undefined) return [];
  const args = splitSbatchArgs(s);
  for (const a of args) {
    if (/[\0-\x1f\x7f]/.test(a)) throw new XafsError('EOPTION', `sbatch options: '${a.replace(/[\0-\x1f\x7f]/g, '?')}' holds a control character (a line break?)`);
    if (RESERVED.test(a)) throw new XafsError('EOPTION', `sbatch options: ${a.split('=')[0]} is set by xafs itself (array, dependency, log files, working folder); leave it out`);
  }
  if (args.length > 0 && !args[0]!.startsWith('-')) throw new XafsError('EOPTION', `sbatch options: '${args[0]}' is not an option (they start with -, e.g. '--account=abc --time=1:00:00')`);
  return args;
}

/** Runs a Slurm command; ENOENT → a clear XafsError naming it. */
function slurm(cmd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new XafsError('ENOENT', `${cmd} not found on PATH: run on a Slurm login node (or load the site's Slurm module), or run without Slurm (xafs batch --shard i/n on each machine, then xafs merge-results)`);
    }
    throw new XafsError('EOPTION', `${cmd} could not be run: ${r.error.message}`);
  }
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** The jobs among `ids` that Slurm still lists as queued, running or completing: id → entries (one per array task). */
export function activeJobs(ids: string[]): Map<string, number> {
  const live = new Map<string, number>();
  if (ids.length === 0) return live;
  // squeue lists only the jobs not yet ended (-r: one line per array task); an id it no longer
  // knows makes it fail, so then each is asked alone
  const r = slurm('squeue', ['-h', '-r', '-j', ids.join(','), '-o', '%i %T']);
  if (r.status !== 0) {
    // a controller that does not answer is not a job that ended
    if (!/invalid job id/i.test(r.stderr)) throw new XafsError('EOPTION', `squeue failed: ${r.stderr.trim().split('\n').join(' | ') || `exit status ${r.status}`}`);
    if (ids.length > 1) for (const id of ids) for (const [k, v] of activeJobs([id])) live.set(k, v);
    return live;
  }
  for (const line of r.stdout.split('\n')) {
    const base = line.trim().split(/[\s_]/)[0];
    if (base && ids.includes(base)) live.set(base, (live.get(base) ?? 0) + 1);
  }
  return live;
}

/** Slurm's record of a job's tasks while it keeps them (MinJobAge): task id → state, exit code, node. */
interface JobRecord {
  state: string;
  exit: string;
  node: string;
  reason: string;
}

function jobRecords(id: string): Map<number | null, JobRecord> {
  const m = new Map<number | null, JobRecord>();
  const r = slurm('scontrol', ['show', 'job', '-o', id]);
  if (r.status !== 0) return m;
  for (const line of r.stdout.split('\n')) {
    const f = (k: string) => new RegExp(`(?:^| )${k}=(\\S*)`).exec(line)?.[1] ?? '';
    if (!f('JobId')) continue;
    const task = f('ArrayTaskId');
    const t = /^\d+$/.test(task) ? Number(task) : null;
    m.set(t, { state: f('JobState'), exit: f('ExitCode'), node: f('NodeList'), reason: f('Reason') });
  }
  return m;
}

const pad = (i: number, n: number): string => String(i).padStart(String(n).length, '0');

function paths(out: string, tasks: number) {
  const s = join(out, 'slurm');
  return {
    slurm: s,
    array: join(s, 'array.sbatch'),
    merge: join(s, 'merge.sbatch'),
    jobs: join(s, 'jobs.json'),
    token: join(s, 'token'),
    tasks: join(s, 'tasks'),
    logs: join(s, 'logs'),
    merged: join(s, 'merged'),
    shard: (i: number) => join(out, 'shards', pad(i, tasks)),
    taskLog: (i: number, job: string) => join(s, 'logs', `shard-${i}.${job}.log`),
    mergeLog: (job: string) => join(s, 'logs', `merge.${job}.log`),
  };
}

/** Slurm expands %x in --output names; a literal % is %%. */
const slurmName = (p: string): string => p.replace(/%/g, '%%');

/** Is shard i's folder a complete run of this recipe (see the module comment)? */
export function shardComplete(dir: string, i: number, tasks: number, recipeText: string): boolean {
  const rp = join(dir, 'recipe.json');
  const sp = join(dir, 'shard.json');
  if (!existsSync(rp) || !existsSync(sp) || readFileSync(rp, 'utf8') !== recipeText) return false;
  let sh: { shard?: string; rows?: [number, number] };
  try {
    sh = JSON.parse(readFileSync(sp, 'utf8')) as typeof sh;
  } catch {
    return false;
  }
  if (sh.shard !== `${i}/${tasks}` || !Array.isArray(sh.rows)) return false;
  const want = sh.rows[1] - sh.rows[0] + 1;
  return scanLines(join(dir, 'results.csv')).lines === want && scanLines(join(dir, 'results.jsonl')).lines === want;
}

/** '1-3,5,7-8' for [1,2,3,5,7,8]. */
export function arraySpec(ids: number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < ids.length; ) {
    let j = k;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(j === k ? `${ids[k]}` : `${ids[k]}-${ids[j]}`);
    k = j + 1;
  }
  return parts.join(',');
}

function preamble(what: string, out: string, token: string): string {
  const p = paths(out, 1);
  return `#!/bin/bash
# ${what}
# Written by xafs batch --slurm (docs/slurm.md); submitted with the options in jobs.json.
set -u
out=${shq(out)}
# this submission's token: a node that sees another folder (or none) under this name stops here
if [ "$(cat ${shq(p.token)} 2>/dev/null)" != ${shq(token)} ]; then
  echo "xafs slurm: node $(hostname) does not see the output folder $out (no ${p.token} with this submission's token): put --out on a filesystem shared by the submit host and the nodes" >&2
  exit ${EXIT_NO_FOLDER}
fi
`;
}

function arrayScript(o: { out: string; token: string; tasks: number; node: string; entry: string; recipe: string; jobs?: number }): string {
  const p = paths(o.out, o.tasks);
  const w = String(o.tasks).length;
  const jobs = o.jobs !== undefined ? String(o.jobs) : '"${SLURM_CPUS_PER_TASK:-1}"';
  return (
    preamble(`xafs batch: shard $SLURM_ARRAY_TASK_ID of ${o.tasks}, one Slurm array task each (--array=1-${o.tasks})`, o.out, o.token) +
    `i="\${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch --array=1-${o.tasks}}"
marker=${shq(p.tasks)}/"$i.node"
if ! { printf '%s %s\\n' "$(hostname)" "\${SLURM_JOB_ID:-}" > "$marker.tmp" && mv -f "$marker.tmp" "$marker"; } 2>/dev/null; then
  echo "xafs slurm: node $(hostname) cannot write in the output folder $out (${p.tasks}): check its permissions and free space" >&2
  exit ${EXIT_NO_FOLDER}
fi
shard="$out/shards/$(printf '%0${w}d' "$i")"
${shq(o.node)} ${shq(o.entry)} batch ${shq(o.recipe)} --shard "$i/${o.tasks}" --out "$shard" --resume --jobs ${jobs}
rc=$?
# 1: the shard ran to its end and some spectra failed (rows with status 'error'): complete, merged like the others
[ "$rc" -eq 1 ] && exit 0
exit "$rc"
`
  );
}

function mergeScript(o: { out: string; token: string; tasks: number; node: string; entry: string }): string {
  const p = paths(o.out, o.tasks);
  const w = String(o.tasks).length;
  return (
    preamble(`xafs merge-results of the ${o.tasks} shards into the output folder (after the array, afterok)`, o.out, o.token) +
    `dirs=()
for i in $(seq 1 ${o.tasks}); do
  d="$out/shards/$(printf '%0${w}d' "$i")"
  if [ ! -f "$d/results.csv" ]; then
    echo "xafs slurm: the shard folder $d is missing (shard $i/${o.tasks} did not run): nothing merged; finish it with xafs batch --slurm ${o.tasks} --resume" >&2
    exit 2
  fi
  dirs+=("$d")
done
tmp=${shq(p.merged)}
rm -rf "$tmp"
${shq(o.node)} ${shq(o.entry)} merge-results "\${dirs[@]}" --out "$tmp" || exit $?
# into place one file at a time, results.csv last: it exists only once everything else does
rm -rf "$out/arrays"
[ -d "$tmp/arrays" ] && mv "$tmp/arrays" "$out/arrays"
mv -f "$tmp/recipe.json" "$out/recipe.json" && mv -f "$tmp/results.jsonl" "$out/results.jsonl" && mv -f "$tmp/results.csv" "$out/results.csv" || exit 1
rm -rf "$tmp"
`
  );
}

function readJobs(path: string): JobsRecord | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JobsRecord;
  } catch {
    return null;
  }
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

function sbatch(args: string[], what: string): string {
  const r = slurm('sbatch', ['--parsable', ...args]);
  const id = r.stdout.trim().split(';')[0] ?? '';
  if (r.status !== 0 || !/^\d+$/.test(id)) {
    const why = (r.stderr.trim() || r.stdout.trim() || `exit status ${r.status}`).split('\n').join(' | ');
    throw new XafsError('EOPTION', `sbatch refused the ${what}: ${why}`);
  }
  return id;
}

/**
 * Writes the job scripts and submits the array and the merge (see the module comment). Throws
 * XafsError (nothing submitted, no results) for a bad recipe, an output folder already used, a
 * missing sbatch or a refused submission.
 */
export async function submitSlurm(recipe: BatchRecipe, options: SlurmBatchOptions): Promise<SlurmSubmission> {
  const tasks = options.tasks;
  if (!Number.isInteger(tasks) || tasks < 1) throw new XafsError('EOPTION', `the number of array tasks must be a whole number ≥ 1, got ${tasks}`);
  let extra = checkSbatchArgs(options.sbatch);
  const out = resolve(options.out ?? defaultOutDir(recipe));
  if (/[\\\n\r]/.test(out)) throw new XafsError('EOPTION', `${JSON.stringify(out)}: Slurm log names cannot hold a backslash or a line break: choose another output folder`);
  const p = paths(out, tasks);
  // sbatch present? (before anything is written)
  slurm('sbatch', ['--version']);
  // the recipe's references and inputs are checked here, not on 1000 nodes
  prepareAnalysis(recipe);
  const plan = await openInputs(recipe.inputs, recipe.baseDir);
  const total = plan.count;
  await plan.close();
  const chunks = Math.ceil(total / CHUNK_SIZE);
  if (chunks === 0) throw new XafsError('EOPTION', `${recipe.path}: the inputs hold no spectra`);
  if (tasks > chunks) throw new XafsError('EOPTION', `${tasks} array tasks for ${total} spectra: a shard is whole chunks of ${CHUNK_SIZE} spectra, so at most ${chunks} tasks`);
  if (recipe.pca || recipe.mcr || recipe.globalFit) options.warn?.('pca, mcr and globalFit need the whole series: the shards skip them (run them unsharded on the merged series)');
  const recipeText = recipeFileText(recipe, total);
  const recipePath = resolve(recipe.path);
  const before = readJobs(p.jobs);

  let todo = Array.from({ length: tasks }, (_, k) => k + 1);
  if (options.resume && before) {
    if (before.tasks !== tasks) throw new XafsError('EOPTION', `cannot resume in ${out}: it was submitted as ${before.tasks} array tasks, not ${tasks}; resume with the same number`);
    if (before.recipeText !== recipeText) throw new XafsError('EOPTION', `cannot resume in ${out}: its recipe (or input count, or xafs version) differs from ${recipe.path} as it is now; submit into another folder, or restore the recipe`);
    if (options.sbatch === undefined) extra = before.sbatch ?? [];
    if (activeJobs([before.arrayJob, before.mergeJob].filter((x): x is string => x !== null)).size > 0) {
      return { out, tasks, total, submitted: before.submitted, arrayJob: before.arrayJob, mergeJob: before.mergeJob, attached: true };
    }
    todo = todo.filter((i) => !shardComplete(p.shard(i), i, tasks, recipeText));
    if (todo.length === 0 && existsSync(join(out, 'results.csv'))) {
      return { out, tasks, total, submitted: [], arrayJob: null, mergeJob: null, attached: false };
    }
  } else {
    const shards = join(out, 'shards');
    const used = before !== null || existsSync(join(out, 'results.csv')) || (existsSync(shards) && readdirSync(shards).length > 0);
    if (used && options.resume && !options.force) {
      throw new XafsError('EOPTION', `nothing to resume in ${out}: no Slurm submission there (slurm/jobs.json); pass --force to replace what it holds, or choose another --out`);
    }
    if (used && !options.force) {
      throw new XafsError('EOPTION', `${out} already holds ${before ? 'a Slurm submission' : 'results'}: pass --resume to finish it, --force to replace it, or choose another --out`);
    }
    if (before) {
      const live = activeJobs([before.arrayJob, before.mergeJob].filter((x): x is string => x !== null));
      if (live.size > 0) throw new XafsError('EOPTION', `${out}: jobs ${[...live.keys()].join(', ')} of the earlier submission are still queued or running: scancel them, or wait and pass --resume`);
    }
    for (const f of ['results.csv', 'results.jsonl', 'recipe.json', 'shard.json']) rmSync(join(out, f), { force: true });
    for (const d of ['arrays', 'shards', 'slurm']) rmSync(join(out, d), { recursive: true, force: true });
  }
  // a merged table left by an earlier, partial attempt must not survive next to new shards
  if (todo.length > 0) for (const f of ['results.csv', 'results.jsonl']) rmSync(join(out, f), { force: true });

  const token = randomBytes(12).toString('hex');
  const node = resolve(options.node ?? process.execPath);
  // the real file, not a node-local symlink such as /usr/local/bin/xafs
  const entryGiven = resolve(options.entry ?? fileURLToPath(new URL('../../cli/main.js', import.meta.url)));
  const entry = existsSync(entryGiven) ? realpathSync(entryGiven) : entryGiven;
  const fresh = !existsSync(p.slurm);
  for (const d of [p.slurm, p.tasks, p.logs]) mkdirSync(d, { recursive: true });
  for (const i of todo) rmSync(join(p.tasks, `${i}.node`), { force: true });
  writeAtomic(p.token, token + '\n');
  writeFileSync(p.array, arrayScript({ out, token, tasks, node, entry, recipe: recipePath, jobs: options.jobs }), { mode: 0o755 });
  writeFileSync(p.merge, mergeScript({ out, token, tasks, node, entry }), { mode: 0o755 });

  const name = basename(recipePath).replace(/(\.recipe)?\.(json|ya?ml)$/i, '');
  let arrayJob: string | null = null;
  // a refused first submission leaves the folder as it found it; jobs.json keeps the earlier submission until this one is accepted
  const withdraw = () => fresh && rmSync(p.slurm, { recursive: true, force: true });
  if (todo.length > 0) {
    try {
      arrayJob = sbatch([`--job-name=xafs-${name}`, `--array=${arraySpec(todo)}`, `--output=${join(slurmName(p.logs), 'shard-%a.%A.log')}`, `--chdir=${out}`, ...extra, p.array], `array of ${todo.length} tasks`);
    } catch (e) {
      withdraw();
      throw e;
    }
  }
  let mergeJob: string;
  try {
    mergeJob = sbatch([`--job-name=xafs-${name}-merge`, ...(arrayJob ? [`--dependency=afterok:${arrayJob}`, '--kill-on-invalid-dep=yes'] : []), `--output=${join(slurmName(p.logs), 'merge.%j.log')}`, `--chdir=${out}`, ...extra, p.merge], 'merge job');
  } catch (e) {
    // an array without its merge would end with shards and no results: withdrawn
    withdraw();
    if (arrayJob) {
      slurm('scancel', [arrayJob]);
      if (e instanceof XafsError) throw new XafsError(e.code, `${e.message} (array job ${arrayJob} was cancelled: nothing runs)`);
    }
    throw e;
  }
  const record: JobsRecord = { tasks, recipe: recipePath, recipeText, arrayJob, mergeJob, submitted: todo, sbatch: extra };
  writeAtomic(p.jobs, JSON.stringify(record, null, 2) + '\n');
  return { out, tasks, total, submitted: todo, arrayJob, mergeJob, attached: false };
}

export interface WaitSlurmOptions {
  /** Shortest poll interval, ms; then a tenth of the time waited so far, up to `maxPollMs`. @default 1000 */
  pollMs?: number;
  /** @default 30000 */
  maxPollMs?: number;
  /** Called when the count of ended shards changes. */
  onProgress?: (p: { ended: number; submitted: number }) => void;
}

/** Counts the error rows of a results.jsonl (the header line has no status). */
async function countErrorRows(path: string): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) if (line.includes('"status":"error"')) n++;
  return n;
}

/**
 * Polls squeue until the array and the merge of a submission have ended, then reads the outcome
 * from the folders: which shards are complete, whether DIR/results.csv was written.
 */
export async function waitSlurm(sub: SlurmSubmission, options: WaitSlurmOptions = {}): Promise<SlurmOutcome> {
  const p = paths(sub.out, sub.tasks);
  const ids = [sub.arrayJob, sub.mergeJob].filter((x): x is string => x !== null);
  const minDelay = options.pollMs ?? 1000;
  const t0 = Date.now();
  const maxDelay = options.maxPollMs ?? 30000;
  let lastEnded = -1;
  let unanswered = 0;
  for (;;) {
    let live: Map<string, number>;
    try {
      live = activeJobs(ids);
      unanswered = 0;
    } catch (e) {
      // a busy or restarting controller: asked again, for about ten minutes at the longest interval
      if (++unanswered > 20) throw e;
      await new Promise((r) => setTimeout(r, maxDelay));
      continue;
    }
    const ended = sub.submitted.length - (sub.arrayJob ? (live.get(sub.arrayJob) ?? 0) : 0);
    if (ended !== lastEnded) {
      options.onProgress?.({ ended, submitted: sub.submitted.length });
      lastEnded = ended;
    }
    if (live.size === 0) break;
    // a merge whose array failed never starts; Slurm cancels it (--kill-on-invalid-dep), unless the site overrides that
    if (sub.arrayJob && !live.has(sub.arrayJob) && sub.mergeJob && live.has(sub.mergeJob) && jobRecords(sub.mergeJob).get(null)?.reason === 'DependencyNeverSatisfied') {
      slurm('scancel', [sub.mergeJob]);
    }
    // polled often at first (short jobs, tests), then rarely enough to spare a busy controller
    await new Promise((r) => setTimeout(r, Math.min(maxDelay, Math.max(minDelay, (Date.now() - t0) / 10))));
  }
  const recipeText = readJobs(p.jobs)?.recipeText ?? '';
  const records = sub.arrayJob ? jobRecords(sub.arrayJob) : new Map<number | null, JobRecord>();
  const failures: SlurmTaskFailure[] = [];
  for (let i = 1; i <= sub.tasks; i++) {
    if (shardComplete(p.shard(i), i, sub.tasks, recipeText)) continue;
    const rec = records.get(i);
    const log = sub.arrayJob ? p.taskLog(i, sub.arrayJob) : join(p.logs, `shard-${i}.*.log`);
    const exit = rec ? Number(rec.exit.split(':')[0]) : NaN;
    const ran = existsSync(join(p.tasks, `${i}.node`));
    const noFolder = exit === EXIT_NO_FOLDER || (!ran && !existsSync(log) && rec !== undefined && !/^CANCELLED/.test(rec.state));
    failures.push({ shard: i, log, state: rec ? `${rec.state} ${rec.exit}` : '', noFolder, started: ran, node: rec?.node ?? '' });
  }
  const csv = join(sub.out, 'results.csv');
  const complete = failures.length === 0 && existsSync(csv);
  let mergeFailure: SlurmOutcome['mergeFailure'] = null;
  if (failures.length === 0 && !complete && sub.mergeJob) {
    const rec = jobRecords(sub.mergeJob).get(null);
    mergeFailure = { log: p.mergeLog(sub.mergeJob), state: rec ? `${rec.state} ${rec.exit}` : '', noFolder: rec ? Number(rec.exit.split(':')[0]) === EXIT_NO_FOLDER : false };
  }
  const rows = complete ? scanLines(csv).lines - 1 : 0;
  const errors = complete ? await countErrorRows(join(sub.out, 'results.jsonl')) : 0;
  return { complete, failures, mergeFailure, rows, errors };
}
