/**
 * The HTML report of a teaching scenario in a real browser: headless Chromium (playwright-core, the
 * system's /usr/bin/chromium, no downloaded browsers) opens the file, the SVG has the lanes and marks
 * the timeline model says, hovering a mark shows its details, nothing is fetched from the network, and
 * a screenshot is saved to out/teach-<id>.png for people to look at.
 *
 * Skipped, with a message, where /usr/bin/chromium is missing (.ci/run installs it when it can) — unless
 * SBSIM_REQUIRE_BROWSER=1 is set (.ci/run sets it): then a missing Chromium fails the run instead.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderScenario } from '../../src/cli/teach.ts';
import { scenarioById } from '../../src/scenarios/index.ts';
import { buildTimeline } from '../../src/trace/timeline.ts';

const CHROMIUM = '/usr/bin/chromium';
const SCENARIO_ID = 'delivery-count-table';
const OUT_DIR = fileURLToPath(new URL('../../out/', import.meta.url));
const hasChromium = existsSync(CHROMIUM);
/** Set by .ci/run: in CI a missing browser is a failure, not a green skip. */
const requireBrowser = process.env.SBSIM_REQUIRE_BROWSER === '1';

if (!hasChromium && !requireBrowser) {
  console.warn(
    `test/browser/html-report.test.ts: SKIPPED — ${CHROMIUM} does not exist (install it with: apt-get install -y chromium)`,
  );
}

/** The flags the project runs Chromium with: headless, sandbox-free, and silent on the network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe.runIf(!hasChromium && requireBrowser)('HTML report in headless Chromium (required)', () => {
  it(`${CHROMIUM} exists`, () => {
    expect.fail(
      `${CHROMIUM} does not exist and SBSIM_REQUIRE_BROWSER=1 requires the browser test to run (install it with: apt-get install -y chromium)`,
    );
  });
});

describe.skipIf(!hasChromium)('HTML report in headless Chromium', () => {
  const scenario = scenarioById(SCENARIO_ID);
  if (!scenario) throw new Error(`scenario ${SCENARIO_ID} is missing`);
  const timelines = scenario.run().map((r) => buildTimeline(r.trace));
  const total = (f: (t: (typeof timelines)[number]) => number): number => timelines.reduce((n, t) => n + f(t), 0);

  let workDir = '';
  let context: BrowserContext | undefined;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'sbsim-browser-'));
    const userDataDir = join(workDir, 'profile');
    mkdirSync(userDataDir);
    const file = join(workDir, `teach-${SCENARIO_ID}.html`);
    writeFileSync(file, renderScenario(scenario, 'html'));
    // A fresh profile directory: playwright passes it as --user-data-dir (it refuses that flag in `args`).
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1600, height: 900 },
    });
    // Anything but the file itself is a failure: record it and refuse it.
    await context.route(/^(?!file:)/, (route) => route.abort());
    page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('draws one SVG per run with one lane per consumer and the broker', async () => {
    expect(await page.locator('svg.timeline').count()).toBe(timelines.length);
    expect(await page.locator('svg.timeline .lane').count()).toBe(total((t) => t.lanes.length));
    const firstLanes = await page
      .locator('svg.timeline')
      .first()
      .locator('.lane')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    expect(firstLanes).toEqual(['broker', 'consumer:c1', 'consumer:c2']);
    expect(await page.locator('h1').textContent()).toBe(scenario.title);
  });

  it('has the marks and spans the timeline model says, countable by class', async () => {
    expect(await page.locator('svg.timeline .mark').count()).toBe(total((t) => t.marks.length));
    expect(await page.locator('.mark.settle.complete').count()).toBe(3);
    expect(await page.locator('.mark.lock-expired').count()).toBe(1);
    expect(await page.locator('.mark.op-failed').count()).toBe(1);
    expect(await page.locator('.mark.deliver').count()).toBe(
      total((t) => t.marks.filter((m) => m.kind === 'deliver').length),
    );
    expect(await page.locator('.span.lock').count()).toBe(
      total((t) => t.spans.filter((s) => s.kind === 'lock').length),
    );
    expect(await page.locator('.span.lock.expired').count()).toBe(1);
  });

  it('hovering a mark shows its details; moving away hides them', async () => {
    const tooltip = page.locator('#tooltip');
    expect(await tooltip.isHidden()).toBe(true);
    const expired = page.locator('.mark.lock-expired');
    await expired.hover();
    expect(await tooltip.isVisible()).toBe(true);
    expect(await tooltip.textContent()).toBe('t=30s: lock s1@1 of consumer:c1 on s1 expired');
    expect(await tooltip.textContent()).toBe(await expired.getAttribute('data-detail'));
    await page.locator('h1').hover();
    expect(await tooltip.isHidden()).toBe(true);
    // Hover a delivery and leave the tooltip up for the screenshot.
    await page.locator('.mark.deliver').nth(1).hover();
    expect(await tooltip.textContent()).toMatch(/^t=30s: s1#1 delivered to consumer:c2, delivery count 1$/);
  });

  it('fetches nothing but the file, and saves a screenshot to out/', async () => {
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    mkdirSync(OUT_DIR, { recursive: true });
    const shot = join(OUT_DIR, `teach-${SCENARIO_ID}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
  });
});
