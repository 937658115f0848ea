// Fault injection for the fault tests: small tmpfs mounts (full disk, read-only file system) when
// the tests run as root, and a real `xafs` child process with its exit, stderr and a signal sent
// on a condition. Tests that need a mount are skipped with a printed reason otherwise.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../series/batch/helpers.js';

export { BIN, ROOT };

function tryMount(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'not root: cannot mount a tmpfs';
  const dir = mkdtempSync(join(tmpdir(), 'xafs-fault-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    execFileSync('umount', [dir], { stdio: 'ignore' });
    return null;
  } catch (e) {
    return `mount -t tmpfs failed (${(e as Error).message.split('\n')[0]})`;
  }
}

/** Why the mount tests cannot run here (null: they can). Printed by the tests that skip. */
export const noMount: string | null = tryMount();
if (noMount) console.log(`test/fault: tmpfs tests skipped: ${noMount}`);

/** A tmpfs of `size` (e.g. '256k') at a new folder, `ro` for a read-only one. */
export function mountTmpfs(size: string, ro = false): { dir: string; remount: (opts: string) => void; umount: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-fault-mnt-'));
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `${ro ? 'ro,' : ''}size=${size}`, 'tmpfs', dir]);
  return {
    dir,
    remount: (opts) => execFileSync('mount', ['-o', `remount,${opts}`, dir]),
    umount: () => execFileSync('umount', ['-l', dir]),
  };
}

export interface Child {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * `node dist/cli/main.js ...args` as a child process. `onTick` is called every 10 ms with the
 * child until it exits (to send a signal once a condition holds).
 */
export function xafsChild(args: string[], options: { env?: Record<string, string>; onTick?: (child: ReturnType<typeof spawn>) => void } = {}): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const tick = options.onTick ? setInterval(() => options.onTick!(child), 10) : null;
    child.on('close', (code, signal) => {
      if (tick) clearInterval(tick);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
