// Every temporary folder the tests make (mkdtemp under os.tmpdir(), in test workers and in the CLI
// processes they spawn) goes into one folder per run, removed when the run ends, so that test runs
// leave nothing behind in /tmp. Worker threads and child processes inherit TMPDIR.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'xafs-test-run-'));
  process.env.TMPDIR = dir;
  return () => {
    if (process.env.XAFS_KEEP_TEST_TMP) return;
    rmSync(dir, { recursive: true, force: true });
  };
}
