/**
 * `npm run screenshots`: the README's pictures of the web UI. Starts the real server on a temp
 * data dir with the demo provider set up (as `serve --demo` does), opens each main page in
 * Debian's chromium (CHROMIUM_PATH to override) at 1280×800 in light mode, and the lineup once
 * in dark mode, and writes docs/screenshots/<page>.png. Builds the UI first when web/dist is stale.
 *
 *   npm run screenshots              every page
 *   npm run screenshots -- lineup    only these (file names without .png)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { systemClock } from '../src/core/index.js';
import { setUpDemo } from '../src/demo/index.js';
import { ensureUiBuilt, launchBrowser } from '../test/support/browser.js';
import { repoRoot } from '../test/support/paths.js';
import { startApp } from '../test/support/start-app.js';

interface Shot {
  name: string;
  path: string;
  colorScheme: 'light' | 'dark';
}

// Channel pages are addressed by the lineup's numeric id; the demo's first channel is the first row.
const firstChannel = 1;
const shots: Shot[] = [
  ...['setup', 'lineup', 'providers', 'guide', 'accounts', 'live', 'events', 'settings'].map((name) => ({
    name,
    path: `/${name}`,
    colorScheme: 'light' as const,
  })),
  { name: 'channel', path: `/channels/${firstChannel}`, colorScheme: 'light' },
  { name: 'lineup-dark', path: '/lineup', colorScheme: 'dark' },
];

/** Waits until the page shows its content: the navigation there, no spinner left, fonts loaded. */
async function settle(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
  const deadline = Date.now() + 15_000;
  while ((await page.locator('[aria-label="Loading"]').count()) > 0) {
    if (Date.now() > deadline) throw new Error(`${page.url()} still loading after 15 s`);
    await page.waitForTimeout(100);
  }
  // A string: the Node-side tsconfig has no DOM types.
  await page.evaluate('document.fonts.ready.then(() => true)');
  // Mantine's transitions (the active link, badges) run for ~150 ms.
  await page.waitForTimeout(400);
}

async function main(): Promise<void> {
  const wanted = new Set(process.argv.slice(2));
  const selected = wanted.size ? shots.filter((s) => wanted.has(s.name)) : shots;
  if (selected.length === 0) throw new Error(`no such screenshot; known: ${shots.map((s) => s.name).join(', ')}`);
  const outDir = join(repoRoot, 'docs', 'screenshots');
  mkdirSync(outDir, { recursive: true });
  ensureUiBuilt();

  const t = await startApp({ logLevel: 'warn' });
  let browser: Browser | undefined;
  let demo: { close(): Promise<void> } | undefined;
  try {
    demo = await setUpDemo(t.domains, systemClock);
    browser = await launchBrowser();
    for (const shot of selected) {
      const context = await browser.newContext({
        baseURL: t.url,
        viewport: { width: 1280, height: 800 },
        colorScheme: shot.colorScheme,
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(shot.path);
      await settle(page);
      if (errors.length) throw new Error(`${shot.path}: ${errors.join('; ')}`);
      const file = join(outDir, `${shot.name}.png`);
      await page.screenshot({ path: file });
      process.stdout.write(`${file}\n`);
      await context.close();
    }
  } finally {
    await browser?.close();
    await t.close();
    await demo?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`screenshots: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
