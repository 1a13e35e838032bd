import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Tier } from '../../src/core/index.js';
import { openDatabase, type Db } from '../../src/db/index.js';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../support/fake-xtream-provider.js';
import { seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { startApp, type StartAppOptions, type TestApp } from '../support/start-app.js';

/**
 * A listening app, a fake provider with one account, and that account created through the real
 * accounts domain (so its password is really stored and revealed). Channels are seeded per test.
 */
export interface StreamFixture {
  t: TestApp;
  provider: FakeProvider;
  accountId: number;
  username: string;
  password: string;
  /** A second connection to the app's database, for seeding and for breaking it. */
  db: Db;
  /** Adds an enabled lineup channel whose primary mapping has these tier variants. */
  addChannel(
    channelId: string,
    streams: { streamId: number; tier: Tier }[],
    options?: { enabled?: boolean; accountId?: number },
  ): number;
  close(): Promise<void>;
}

export interface StreamFixtureOptions {
  provider?: FakeProviderOptions;
  app?: StartAppOptions;
  username?: string;
  password?: string;
  maxConnections?: number;
}

/** Starts provider + app and creates the streaming account. */
export async function startStreamFixture(options: StreamFixtureOptions = {}): Promise<StreamFixture> {
  const username = options.username ?? 'viewer';
  const password = options.password ?? 's3cret-Pa55';
  const provider = await startFakeProvider({ accounts: [{ username, password }], ...options.provider });
  let t: TestApp;
  try {
    // No grace by default: most tests check that a hang-up frees the slot; grace tests set their own.
    t = await startApp({ ...options.app, config: { tunerWaitMs: 300, hubGraceMs: 0, ...options.app?.config } });
  } catch (error) {
    await provider.close();
    throw error;
  }
  const account = t.domains.accounts.create({
    name: 'Fake provider',
    serverUrl: provider.url,
    username,
    password,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
  });
  // A second connection to the app's SQLite file (WAL): seeding from outside, like another process.
  const seedDb = openDatabase(join(t.dataDir, 'tunerbridge.db'));
  return {
    t,
    provider,
    accountId: account.id,
    username,
    password,
    addChannel(channelId, streams, channelOptions = {}) {
      const lineupChannelId = seedLineupChannel(seedDb, { channelId, enabled: channelOptions.enabled ?? true });
      const providerChannelId = seedProviderChannel(seedDb, {
        accountId: channelOptions.accountId ?? account.id,
        name: `Provider ${channelId}`,
        streams,
      });
      seedMapping(seedDb, { lineupChannelId, providerChannelId, primary: true });
      return lineupChannelId;
    },
    db: seedDb,
    async close() {
      seedDb.close();
      await t.close();
      await provider.close();
    },
  };
}

/** A client of one stream: a real socket of its own, read as bytes arrive. */
export interface StreamClient {
  status: number;
  headers: IncomingHttpHeaders;
  /** Bytes received so far. */
  received(): number;
  /** The first bytes received (kept up to 64 KiB, or `keepBytes`). */
  head(): Buffer;
  waitForBytes(n: number, timeoutMs?: number): Promise<void>;
  /** The whole body as text (for error answers; waits for the end). */
  text(): Promise<string>;
  /** Resolves when the response ended or the connection closed. */
  ended: Promise<void>;
  /** Stops reading (a slow client): the socket buffers fill and backpressure must reach the upstream. */
  pause(): void;
  resume(): void;
  /** Hangs up like a viewer who zaps away. */
  close(): void;
}

/** Opens `GET|HEAD url` on a new connection and resolves at the response headers. */
export function openStream(url: string, method: 'GET' | 'HEAD' = 'GET', keepBytes = 65_536): Promise<StreamClient> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent: false }, (res: IncomingMessage) => {
      let received = 0;
      const firstChunks: Buffer[] = [];
      let firstLength = 0;
      const waiters = new Set<() => void>();
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (firstLength < keepBytes) {
          firstChunks.push(chunk);
          firstLength += chunk.length;
        }
        for (const w of waiters) w();
      });
      const ended = new Promise<void>((done) => {
        res.once('end', () => done());
        res.once('close', () => done());
        res.once('error', () => done());
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        received: () => received,
        head: () => Buffer.concat(firstChunks),
        waitForBytes: (n, timeoutMs = 5000) =>
          new Promise<void>((ok, fail) => {
            const check = () => {
              if (received >= n) {
                waiters.delete(check);
                clearTimeout(timer);
                ok();
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`only ${received} of ${n} bytes arrived`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        text: async () => {
          await ended;
          return Buffer.concat(firstChunks).toString('utf8');
        },
        ended,
        pause: () => void res.pause(),
        resume: () => void res.resume(),
        close: () => req.destroy(),
      });
    });
    req.once('error', reject);
    req.end();
  });
}

/** Polls until `predicate()` holds (rejects after `timeoutMs`). */
export async function waitUntil(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads the app's events of one category through the API. */
export async function eventsOf(
  f: StreamFixture,
  category: string,
): Promise<{ message: string; level: string; details: Record<string, unknown> | null }[]> {
  const res = await f.t.app.inject({ method: 'GET', url: `/api/events?category=${category}&limit=1000` });
  return res.json<{ items: { message: string; level: string; details: Record<string, unknown> | null }[] }>().items;
}
