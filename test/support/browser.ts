import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from './fake-xtream-provider.js';
import { repoRoot } from './paths.js';
import { startApp, type StartAppOptions, type TestApp } from './start-app.js';

/**
 * End-to-end browser tests of the web UI: Debian's chromium driven by playwright-core (nothing
 * downloads a browser), the REAL server (`startApp`, real SQLite in a temp dir) serving the built UI
 * from web/dist, and the fake Xtream provider with one account (added to the app unless
 * `withoutAccount`). One `startUi()` per test: a fresh app, data dir, provider, browser and context.
 */

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const webDir = join(repoRoot, 'web');
const distIndex = join(webDir, 'dist', 'index.html');
// Outside the work tree (nothing to ignore in git), one per checkout.
const lockDir = join(
  tmpdir(),
  `tunerbridge-web-build-${createHash('sha256').update(repoRoot).digest('hex').slice(0, 12)}.lock`,
);

/** Newest modification time (ms) of the files under `path` (a file or a folder). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when web/dist exists and is newer than every source of the UI's build. */
export function uiBuildIsFresh(): boolean {
  if (!existsSync(distIndex)) return false;
  const built = statSync(distIndex).mtimeMs;
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(webDir, p));
  return sources.filter((p) => existsSync(p)).every((p) => newestMtime(p) <= built);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds the UI (`vite build` in web/) unless web/dist is fresh. Test files run in parallel
 * workers, so a lock folder makes one of them build while the others wait for it (a lock left by a
 * killed run is taken over after 5 minutes).
 */
export function ensureUiBuilt(): void {
  if (uiBuildIsFresh()) return;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - statSync(lockDir, { throwIfNoEntry: false })!.mtimeMs > 5 * 60_000) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      sleep(250);
    }
  }
  try {
    if (uiBuildIsFresh()) return; // another worker built it while this one waited
    const vite = join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: webDir,
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (result.status !== 0)
      throw new Error(
        `building the web UI failed (${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`,
      );
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`no chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export interface UiFixture {
  t: TestApp;
  provider: FakeProvider;
  /** The provider account, created through the real accounts domain (not scanned); undefined with `withoutAccount`. */
  accountId: number | undefined;
  /** The fake provider's login (what a user types into the account form). */
  providerLogin: { username: string; password: string };
  browser: Browser;
  context: BrowserContext;
  /** Console messages of level error, from every page of the context (`[url] text`). */
  consoleErrors: string[];
  /** Uncaught exceptions in any page: `close()` fails the test when there is one. */
  pageErrors: Error[];
  /** Every answer of 400 or more a page received (`401 GET /api/events`): console errors do not name the URL. */
  errorResponses: string[];
  /** A new page at `path` (relative to the app), after its `load` event. */
  openPage(path: string): Promise<Page>;
  /** Signs in through the login form when the page shows it (the password `setPassword` set by default). */
  loginIfNeeded(page: Page, password?: string): Promise<void>;
  /** Sets the admin password (from loopback, as `tunerbridge` itself does); later `api()` calls use the session. */
  setPassword(password: string): Promise<void>;
  /** A JSON request to the app from the test (Node, loopback; with the bearer token once a password is set). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** Stops the browser, app and provider; throws when a page had an uncaught error. */
  close(): Promise<void>;
}

export interface StartUiOptions {
  app?: StartAppOptions;
  provider?: FakeProviderOptions;
  /** Leave the app with no account (a first run); the provider still knows the login. */
  withoutAccount?: boolean;
  /** Browser context options (viewport, colour scheme). */
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

export async function startUi(options: StartUiOptions = {}): Promise<UiFixture> {
  ensureUiBuilt();
  const username = 'viewer';
  const providerPassword = 's3cret-Pa55';
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const provider = await startFakeProvider({
      accounts: [{ username, password: providerPassword }],
      ...options.provider,
    });
    cleanups.push(() => provider.close());
    const t = await startApp(options.app);
    cleanups.push(() => t.close());
    const account = options.withoutAccount
      ? undefined
      : t.domains.accounts.create({
          name: 'Fake provider',
          serverUrl: provider.url,
          username,
          password: providerPassword,
        });
    const browser = await launchBrowser();
    cleanups.push(() => browser.close());
    const context = await browser.newContext({
      baseURL: t.url,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      colorScheme: options.colorScheme ?? 'light',
    });
    const consoleErrors: string[] = [];
    const pageErrors: Error[] = [];
    const errorResponses: string[] = [];
    context.on('page', (page) => {
      page.on('response', (response) => {
        if (response.status() >= 400) {
          const url = new URL(response.url());
          errorResponses.push(`${response.status()} ${response.request().method()} ${url.pathname}${url.search}`);
        }
      });
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`[${page.url()}] ${message.text()}`);
      });
      page.on('pageerror', (error) => pageErrors.push(error));
    });

    let token: string | undefined;
    let adminPassword: string | undefined;
    const api = async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (token) headers.authorization = `Bearer ${token}`;
      const res = await fetch(`${t.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    };

    return {
      t,
      provider,
      accountId: account?.id,
      providerLogin: { username, password: providerPassword },
      browser,
      context,
      consoleErrors,
      pageErrors,
      errorResponses,
      api,
      async openPage(path) {
        const page = await context.newPage();
        await page.goto(path);
        return page;
      },
      async setPassword(password) {
        const answer = await api<{ token: string }>('POST', '/api/auth/password', { newPassword: password });
        if (answer.status !== 200)
          throw new Error(`setting the password: ${answer.status} ${JSON.stringify(answer.body)}`);
        token = answer.body.token;
        adminPassword = password;
      },
      async loginIfNeeded(page, password = adminPassword) {
        const form = page.getByLabel('Admin password');
        const app = page.getByRole('navigation', { name: 'Main navigation' });
        await form.or(app).first().waitFor();
        if (!(await form.isVisible())) return;
        if (password === undefined) throw new Error('the page asks for a password and none was set');
        await form.fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await app.waitFor();
      },
      async close() {
        await cleanUp();
        if (pageErrors.length > 0)
          throw new Error(`uncaught error in the page: ${pageErrors.map((e) => e.stack ?? e.message).join('\n')}`);
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
