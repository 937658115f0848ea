// The HTML report opened in a real browser (Debian's Chromium through playwright-core): every
// figure has a non-empty box and marks, nothing is logged as an error, and a screenshot is saved
// to build/ for a person to look at. Skipped, with the reason, where /usr/bin/chromium is absent
// (CI installs it: .ci/run).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/plot/index.js';
import { CU, fixture, xafs } from '../cli/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const BUILD = fileURLToPath(new URL('../../build/', import.meta.url));
const BATCH = fileURLToPath(new URL('./data/batch/', import.meta.url));

interface Box {
  width: number;
  height: number;
  marks: number;
  lines: number;
}

let tmp = '';
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'xafs-report-'));
  mkdirSync(BUILD, { recursive: true });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!HAVE)(`xafs report in Chromium (${HAVE ? CHROMIUM : `skipped: ${CHROMIUM} is not installed; apt-get install chromium`})`, () => {
  it('fit, spectrum and batch reports: every figure rendered with marks, no console errors, screenshots in build/', async () => {
    const { chromium } = await import('playwright-core');
    const fitDir = join(tmp, 'fit');
    expect((await xafs('fit', fixture('recipes/ru_dualatom.recipe.json'), '--out', fitDir)).code).toBe(0);
    const reports: [string, string, number][] = [
      ['fit', await buildReport(fitDir), 3],
      ['spectrum', await buildReport(CU), 3],
      ['batch', await buildReport(BATCH), 1],
    ];
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      for (const [name, html, nfig] of reports) {
        const file = join(tmp, `${name}.html`);
        writeFileSync(file, html);
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const boxes: Box[] = await page.$$eval('figure > svg', (svgs) =>
          svgs.map((s) => {
            const r = s.getBoundingClientRect();
            return { width: r.width, height: r.height, marks: s.querySelectorAll('.role-mark path, .role-mark image, .role-mark line').length, lines: s.querySelectorAll('.mark-line path').length };
          }),
        );
        expect(boxes, name).toHaveLength(nfig);
        for (const b of boxes) {
          expect(b.width, name).toBeGreaterThan(250);
          expect(b.height, name).toBeGreaterThan(150);
          expect(b.marks, name).toBeGreaterThan(0);
          expect(b.lines, name).toBeGreaterThan(0);
        }
        // the text of the axes came out (fonts loaded, nothing collapsed)
        const titles = await page.$$eval('figure svg .role-axis-title text', (ts) => ts.map((t) => t.textContent));
        expect(titles.length, name).toBeGreaterThanOrEqual(2 * nfig);
        expect(errors, name).toEqual([]);
        await page.screenshot({ path: join(BUILD, `report-${name}.png`), fullPage: true });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  });
});
