/**
 * The progress bar of `xafs batch` (cli-progress) on stderr: spectra done, rate (spectra/s) and
 * ETA. Only on a terminal outside CI (stderr is a TTY and the CI variable is unset); silent when
 * piped, redirected or in CI, so logs stay clean.
 */
import cliProgress from 'cli-progress';
import type { BatchProgress } from './run.js';

export interface ProgressBar {
  update(p: BatchProgress): void;
  stop(): void;
}

/** Whether a bar should be drawn on this stream. */
export function wantProgress(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.CI;
}

const fmtEta = (s: number) => (!Number.isFinite(s) ? '?' : s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

/** A bar on stderr, or a no-op when `wantProgress` says no. */
export function progressBar(enabled = wantProgress()): ProgressBar {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: 'xafs batch [{bar}] {value}/{total} spectra | {rate} spectra/s | ETA {etaText} | {failed} failed', stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  // the rate is measured from the first chunk written, so start-up (workers, references) does not dilute it
  let first: BatchProgress | null = null;
  return {
    update(p) {
      first ??= p;
      const dt = p.seconds - first.seconds;
      const rate = dt > 0 ? (p.analyzed - first.analyzed) / dt : p.seconds > 0 ? p.analyzed / p.seconds : 0;
      const eta = rate > 0 ? (p.total - p.done) / rate : Infinity;
      const payload = { rate: rate >= 100 ? Math.round(rate) : rate.toFixed(1), etaText: fmtEta(eta), failed: p.failed };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else bar.update(p.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
