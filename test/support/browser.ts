import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from '@jest/globals';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); `CHROMIUM_PATH` points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser suites did not run; the closing summary line repeats it (summary-reporter.cjs). */
export const BROWSER_SKIPPED = 'Browser suites skipped: Chromium is not installed';

/** Where the browser suites leave their screenshots. */
export const BROWSER_OUTPUT = process.env.TEST_OUTPUT_DIR
  ? join(process.env.TEST_OUTPUT_DIR, 'www')
  : join(process.cwd(), 'test-output', 'www');

/** The flags Chromium runs with here: headless, no sandbox (containers), nothing phoning home. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe` when Chromium is installed; otherwise the suite is reported as
 * skipped with the reason in its title (as `describeOnPostgres` does), so
 * the HTTP suites still run and the summary says what did not.
 */
export function describeWithChromium(title: string, suite: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(title, suite);
    return;
  }
  describe.skip(`${title} (${BROWSER_SKIPPED}: ${CHROMIUM} is missing)`, () => {
    it('runs with Chromium installed', () => undefined);
  });
}

/** A fresh Chromium with its own new profile; `close()` also removes the profile. */
export async function openChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'aw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1000, height: 720 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility finding, as axe-core reports it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page (WCAG 2.x A and AA rules) and returns the
 * serious and critical violations. It runs through the DevTools protocol,
 * which the page's CSP (`script-src 'none'`) does not govern, so the page is
 * checked exactly as served.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, options: unknown): Promise<any> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return (result.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: v.impact as string | null,
      help: v.help as string,
      nodes: (v.nodes as any[]).map((n) => String(n.target)),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a screenshot of what the page shows as `<name>.png` in {@link BROWSER_OUTPUT}. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(BROWSER_OUTPUT, { recursive: true });
  const path = join(BROWSER_OUTPUT, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
