import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GuideReader } from '../../src/xmltv/index.js';
import { seedAccountRow, seedProviderChannel } from '../support/seed.js';
import { startFakeGuideServer, type FakeGuideServer } from '../support/fake-guide-server.js';
import { startFakeProvider } from '../support/fake-xtream-provider.js';
import { hourlyProgrammes, startGuideApp, xmltvDocument, type GuideTestApp } from './guide-fixture.js';

interface SourceBody {
  id: number;
  name: string;
  url: string;
  enabled: boolean;
  lastRefreshAt: string | null;
  lastError: string | null;
  channels: number;
  programmes: number;
  refresh: { bytesRead: number; programmes: number } | null;
}

const guideV1 = xmltvDocument(
  [
    { id: 'BBCOne.uk', names: ['BBC One', 'BBC 1'], icon: 'http://logos/bbc1.png' },
    { id: 'ITV1.uk', names: ['ITV'] },
  ],
  // Programmes for a channel with no <channel> element: XMLTV allows it.
  hourlyProgrammes(['BBCOne.uk', 'ITV1.uk', 'Dave.uk'], 3),
);

describe('XMLTV sources API', () => {
  let t: GuideTestApp;
  beforeEach(async () => {
    t = await startGuideApp();
  });
  afterEach(() => t.close());

  const create = async (body: Record<string, unknown>) =>
    t.inject({ method: 'POST', url: '/api/xmltv-sources', payload: body });

  it('creates, lists, reads, changes and deletes a source, masking credentials in its URL', async () => {
    const created = await create({
      name: ' My guide ',
      url: 'http://provider.example/xmltv.php?username=bob&password=s3cret',
    });
    expect(created.statusCode).toBe(201);
    const source = created.json<SourceBody>();
    expect(source).toMatchObject({
      name: 'My guide',
      enabled: true,
      lastRefreshAt: null,
      channels: 0,
      programmes: 0,
      refresh: null,
    });
    expect(source.url).toBe('http://provider.example/xmltv.php?username=***&password=***');
    expect(created.body).not.toContain('s3cret');

    expect(
      (await t.inject({ method: 'GET', url: '/api/xmltv-sources' })).json<SourceBody[]>().map((s) => s.id),
    ).toEqual([source.id]);
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/xmltv-sources/${source.id}`,
      payload: { enabled: false, name: 'Renamed' },
    });
    expect(patched.json()).toMatchObject({ id: source.id, name: 'Renamed', enabled: false });
    // A URL with credentials is kept like a password (AES here: the tests run without a keyring); the row holds it masked.
    expect(t.db.prepare('SELECT url, url_backend FROM xmltv_sources WHERE id = ?').get(source.id)).toEqual({
      url: 'http://provider.example/xmltv.php?username=***&password=***',
      url_backend: 'aes',
    });

    expect((await t.inject({ method: 'DELETE', url: `/api/xmltv-sources/${source.id}` })).statusCode).toBe(204);
    const gone = await t.inject({ method: 'GET', url: `/api/xmltv-sources/${source.id}` });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ error: 'guide source not found' });
  });

  it('rejects bad input with a 400 and a message', async () => {
    for (const body of [
      { name: 'x', url: 'relative/guide.xml' },
      { name: 'x', url: 'ftp://host/guide.xml' },
      { name: '', url: '/tmp/guide.xml' },
      { name: 'x', url: '/tmp/guide.xml', extra: 1 },
      { name: 'x' },
      { name: 'x', url: 12 },
    ]) {
      const response = await create(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json<{ error: string }>().error).toMatch(/\w/);
    }
    expect((await t.inject({ method: 'PATCH', url: '/api/xmltv-sources/1', payload: {} })).statusCode).toBe(400);
    expect((await t.inject({ method: 'POST', url: '/api/xmltv-sources/abc/refresh' })).statusCode).toBe(400);
    expect((await t.inject({ method: 'POST', url: '/api/xmltv-sources/99/refresh' })).statusCode).toBe(404);
    expect(t.db.prepare('SELECT count(*) FROM xmltv_sources').pluck().get()).toBe(0);
  });

  it('imports a local file: lineup channels (one named by its id), programmes, counts, an event, and matching', async () => {
    const account = seedAccountRow(t.db);
    const bbc = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: BBC One',
      streams: [{ streamId: 101, tier: 'HD' }],
    });
    const path = t.writeGuide('guide.xml', guideV1);
    const { id } = (await create({ name: 'File guide', url: path })).json<SourceBody>();

    const refreshed = await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
    expect(refreshed.statusCode).toBe(200);
    const result = refreshed.json<{ channels: number; programmes: number; durationMs: number }>();
    expect(result).toMatchObject({ channels: 3, programmes: 9 });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const channels = t.lineup.list({ limit: 100 }).items;
    expect(channels.map((c) => [c.channelId, c.displayName, c.displayNames])).toEqual([
      ['BBCOne.uk', 'BBC One', ['BBC One', 'BBC 1']],
      ['ITV1.uk', 'ITV', ['ITV']],
      ['Dave.uk', 'Dave.uk', ['Dave.uk']],
    ]);
    expect(channels[0]).toMatchObject({
      icon: 'http://logos/bbc1.png',
      enabled: true,
      mappings: [{ xtreamChannelId: bbc, isPrimary: true }],
    });
    // Unmatched channels start disabled.
    expect(channels[1]).toMatchObject({ enabled: false, matchStatus: 'unmatched' });

    expect(
      t
        .visibleProgrammes(id)
        .filter((p) => p.channel_id === 'Dave.uk')
        .map((p) => p.title),
    ).toEqual(['Dave.uk show 0', 'Dave.uk show 1', 'Dave.uk show 2']);
    const source = (await t.inject({ method: 'GET', url: `/api/xmltv-sources/${id}` })).json<SourceBody>();
    expect(source).toMatchObject({ channels: 3, programmes: 9, lastError: null, refresh: null });
    expect(source.lastRefreshAt).not.toBeNull();
    const event = t.events('guide')[0];
    expect(event).toMatchObject({ level: 'info', message: 'Guide "File guide" imported: 3 channels, 9 programmes' });
  });

  it('downloads from the real URL of a source whose URL carries credentials, also after the URL changes', async () => {
    const server = await startFakeGuideServer();
    try {
      server.route('/xmltv.php', { body: guideV1 });
      const { id } = (
        await create({ name: 'Provider guide', url: `${server.url}/xmltv.php?username=bob&password=s%26cret` })
      ).json<SourceBody>();
      expect((await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` })).json()).toMatchObject({
        programmes: 9,
      });
      await t.inject({
        method: 'PATCH',
        url: `/api/xmltv-sources/${id}`,
        payload: { url: `${server.url}/xmltv.php?username=bob&password=n3w` },
      });
      expect((await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` })).statusCode).toBe(200);
      expect(server.requests).toEqual([
        '/xmltv.php?username=bob&password=s%26cret',
        '/xmltv.php?username=bob&password=n3w',
      ]);
      expect(t.db.prepare('SELECT url FROM xmltv_sources').pluck().all().join()).not.toContain('n3w');
    } finally {
      await server.close();
    }
  });

  it("imports an account's own guide from its xmltv.php, with the account's current credentials", async () => {
    const provider = await startFakeProvider({ accounts: [{ username: 'alice', password: 'pw/1&', guide: guideV1 }] });
    try {
      const account = t.t.domains.accounts.create({
        name: 'Provider',
        serverUrl: `${provider.url}/`,
        username: 'alice',
        password: 'pw/1&',
      });
      const created = await create({ name: 'Provider guide', accountId: account.id });
      expect(created.statusCode).toBe(201);
      const source = created.json<SourceBody & { accountId: number }>();
      expect(source).toMatchObject({
        accountId: account.id,
        url: `${provider.url}/xmltv.php?username=***&password=***`,
      });
      expect((await t.inject({ method: 'POST', url: `/api/xmltv-sources/${source.id}/refresh` })).json()).toMatchObject(
        { channels: 3, programmes: 9 },
      );
      // A new password reaches the guide without touching the source.
      provider.setAccount({ username: 'alice', password: 'changed', guide: guideV1 });
      t.t.domains.accounts.update(account.id, { password: 'changed' });
      expect((await t.inject({ method: 'POST', url: `/api/xmltv-sources/${source.id}/refresh` })).statusCode).toBe(200);
      expect(provider.requests.filter((r) => r.path === '/xmltv.php').map((r) => r.password)).toEqual([
        'pw/1&',
        'changed',
      ]);

      expect((await create({ name: 'x', accountId: 999 })).statusCode).toBe(404);
      expect((await create({ name: 'x', accountId: account.id, url: '/tmp/a.xml' })).statusCode).toBe(400);
      // Deleting the account takes its guide source with it.
      t.t.domains.accounts.remove(account.id);
      expect((await t.inject({ method: 'GET', url: `/api/xmltv-sources/${source.id}` })).statusCode).toBe(404);
    } finally {
      await provider.close();
    }
  });

  it('downloads over HTTP, follows a redirect and detects gzip by its bytes, not its name', async () => {
    const server = await startFakeGuideServer();
    try {
      server.route('/guide.xml', { body: gzipSync(guideV1), contentType: 'application/xml' });
      server.route('/short', { redirectTo: '/guide.xml' });
      const { id } = (await create({ name: 'Web guide', url: `${server.url}/short` })).json<SourceBody>();
      const result = (await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` })).json<unknown>();
      expect(result).toMatchObject({ channels: 3, programmes: 9 });
      expect(server.requests).toEqual(['/short', '/guide.xml']);
      expect(t.visibleProgrammes(id)).toHaveLength(9);
    } finally {
      await server.close();
    }
  });

  it('replaces a source’s guide on refresh: programmes that are gone are gone, none duplicated', async () => {
    const path = t.writeGuide('guide.xml', guideV1);
    const { id } = (await create({ name: 'G', url: path })).json<SourceBody>();
    await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
    t.writeGuide(
      'guide.xml',
      xmltvDocument(
        [{ id: 'BBCOne.uk', names: ['BBC One'] }],
        [{ channel: 'BBCOne.uk', start: Date.UTC(2026, 11, 1, 20), title: 'Only one' }],
      ),
    );
    const result = (await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` })).json<unknown>();
    expect(result).toMatchObject({ channels: 1, programmes: 1 });
    expect(t.visibleProgrammes(id).map((p) => p.title)).toEqual(['Only one']);
    expect(t.allProgrammeRows(id)).toBe(1);
    // Lineup channels keep their numbers and settings although this guide no longer lists them.
    expect(t.lineup.list({ limit: 10 }).items.map((c) => c.channelId)).toEqual(['BBCOne.uk', 'ITV1.uk', 'Dave.uk']);
  });

  describe('a failed import leaves the previous guide untouched and says why', () => {
    let server: FakeGuideServer;
    let id: number;
    let before: ReturnType<GuideTestApp['visibleProgrammes']>;
    beforeEach(async () => {
      server = await startFakeGuideServer();
      server.route('/guide', { body: guideV1 });
      id = (await create({ name: 'Flaky', url: `${server.url}/guide` })).json<SourceBody>().id;
      expect((await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` })).statusCode).toBe(200);
      before = t.visibleProgrammes(id);
      expect(before).toHaveLength(9);
    });
    afterEach(() => server.close());

    const big = xmltvDocument(
      [{ id: 'BBCOne.uk', names: ['BBC One'] }],
      hourlyProgrammes(['BBCOne.uk', 'ITV1.uk'], 3000),
    );
    const cases: [string, () => void, RegExp][] = [
      [
        'malformed XML',
        () => server.route('/guide', { body: '<tv><channel id="a"><display-name>A</channel></tv>' }),
        /malformed XML/i,
      ],
      [
        'an HTML error page',
        () =>
          server.route('/guide', { body: '<html><body>Service Unavailable</body></html>', contentType: 'text/html' }),
        /not an XMLTV document/i,
      ],
      ['HTTP 500', () => server.route('/guide', { status: 500, body: 'oops' }), /HTTP 500/],
      [
        'a redirect to a file: URL',
        () => server.route('/guide', { redirectTo: 'file:///etc/passwd' }),
        /^guide server redirected to a location that is not HTTP\(S\)$/,
      ],
      [
        'broken gzip',
        () => {
          const gz = gzipSync(big);
          gz.fill(0x55, 200, 400);
          server.route('/guide', { body: gz });
        },
        /gzip/i,
      ],
      [
        'a truncated document',
        () => server.route('/guide', { body: big.slice(0, big.length / 2) }),
        /truncated|ended early/i,
      ],
      [
        'a connection cut mid-body',
        () => server.route('/guide', { body: big, chunkSize: 16 * 1024, cutAfterBytes: big.length / 2, cut: 'close' }),
        /interrupted/i,
      ],
    ];
    for (const [what, breakIt, reason] of cases) {
      it(`on ${what}`, async () => {
        breakIt();
        const response = await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
        expect(response.statusCode).toBe(502);
        const { error } = response.json<{ error: string }>();
        expect(error).toMatch(reason);
        expect(error).not.toContain('127.0.0.1');
        expect(t.visibleProgrammes(id)).toEqual(before);
        expect(t.allProgrammeRows(id)).toBe(before.length);
        const source = (await t.inject({ method: 'GET', url: `/api/xmltv-sources/${id}` })).json<SourceBody>();
        expect(source).toMatchObject({ lastError: error, programmes: 9, channels: 3, refresh: null });
        expect(t.events('guide')[0]).toMatchObject({
          level: 'error',
          message: `Guide "Flaky" import failed: ${error}`,
          details: { sourceId: id, reason: error },
        });
      });
    }
  });

  it('refuses a second refresh while one runs, and shows the running one’s progress', async () => {
    const server = await startFakeGuideServer();
    try {
      const doc = xmltvDocument([{ id: 'BBCOne.uk', names: ['BBC One'] }], hourlyProgrammes(['BBCOne.uk'], 400));
      server.route('/slow', { body: doc, chunkSize: 2048, chunkDelayMs: 5 });
      const { id } = (await create({ name: 'Slow', url: `${server.url}/slow` })).json<SourceBody>();
      const first = t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
      let progress: SourceBody['refresh'] = null;
      while (!progress || progress.bytesRead === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        progress = (await t.inject({ method: 'GET', url: `/api/xmltv-sources/${id}` })).json<SourceBody>().refresh;
      }
      const second = await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
      expect(second.statusCode).toBe(409);
      expect(second.json()).toEqual({ error: 'a refresh of this guide is already running' });
      expect((await first).json()).toMatchObject({ channels: 1, programmes: 400 });
      expect(server.requests).toEqual(['/slow']);
      expect(
        (await t.inject({ method: 'GET', url: `/api/xmltv-sources/${id}` })).json<SourceBody>().refresh,
      ).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('merges sources: a channel id in two guides is one lineup channel, its programmes shown once', async () => {
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const a = t.writeGuide(
      'a.xml',
      xmltvDocument(
        [{ id: 'BBCOne.uk', names: ['BBC One'] }],
        [{ channel: 'BBCOne.uk', start, stop: start + 3_600_000, title: 'News' }],
      ),
    );
    const b = t.writeGuide(
      'b.xml',
      xmltvDocument(
        [
          { id: 'BBCOne.uk', names: ['BBC 1 HD'] },
          { id: 'Film4.uk', names: ['Film4'] },
        ],
        [
          { channel: 'BBCOne.uk', start, stop: start + 3_600_000, title: 'News' },
          { channel: 'Film4.uk', start, title: 'Film' },
        ],
      ),
    );
    const first = (await create({ name: 'A', url: a })).json<SourceBody>().id;
    const second = (await create({ name: 'B', url: b })).json<SourceBody>().id;
    await t.inject({ method: 'POST', url: `/api/xmltv-sources/${first}/refresh` });
    await t.inject({ method: 'POST', url: `/api/xmltv-sources/${second}/refresh` });

    const channels = t.lineup.list({ limit: 10 }).items;
    expect(channels.map((c) => [c.channelId, c.displayNames])).toEqual([
      ['BBCOne.uk', ['BBC One', 'BBC 1 HD']],
      ['Film4.uk', ['Film4']],
    ]);
    const shown = new GuideReader(t.db).programmesOf('BBCOne.uk', start - 3_600_000, start + 24 * 3_600_000);
    expect(shown.map((p) => p.title)).toEqual(['News']);

    // Deleting B removes Film4 (only B had it) but keeps BBC One (A still has it).
    expect((await t.inject({ method: 'DELETE', url: `/api/xmltv-sources/${second}` })).statusCode).toBe(204);
    expect(t.lineup.list({ limit: 10 }).items.map((c) => c.channelId)).toEqual(['BBCOne.uk']);
    expect(t.db.prepare('SELECT count(*) FROM programmes WHERE source_id = ?').pluck().get(second)).toBe(0);
  });

  it('turns a synthetic channel into a guide channel when a guide brings its id, keeping its row and number', async () => {
    const synthetic = t.lineup.createSynthetic({ displayName: 'My BBC', channelId: 'BBCOne.uk' });
    t.lineup.update(synthetic.id, { number: 42 });
    const path = t.writeGuide('guide.xml', guideV1);
    const { id } = (await create({ name: 'G', url: path })).json<SourceBody>();
    await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
    expect(t.lineup.get(synthetic.id)).toMatchObject({
      channelId: 'BBCOne.uk',
      isSynthetic: false,
      number: 42,
      displayNames: ['BBC One', 'BBC 1'],
    });
    expect(t.lineup.list({ limit: 10 }).items.filter((c) => c.channelId === 'BBCOne.uk')).toHaveLength(1);
  });

  it('a disabled source’s programmes are hidden from the guide', async () => {
    const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const path = t.writeGuide(
      'a.xml',
      xmltvDocument(
        [{ id: 'X.uk', names: ['X'] }],
        [{ channel: 'X.uk', start, stop: start + 3_600_000, title: 'Show' }],
      ),
    );
    const id = (await create({ name: 'A', url: path })).json<SourceBody>().id;
    await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
    expect(new GuideReader(t.db).programmesOf('X.uk', start, start + 3_600_000)).toHaveLength(1);
    await t.inject({ method: 'PATCH', url: `/api/xmltv-sources/${id}`, payload: { enabled: false } });
    expect(new GuideReader(t.db).programmesOf('X.uk', start, start + 3_600_000)).toHaveLength(0);
  });

  it('keeps the daily refresh time, validated', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/xmltv-sources/schedule' })).json()).toEqual({
      refreshTime: '04:00',
    });
    const set = await t.inject({ method: 'PUT', url: '/api/xmltv-sources/schedule', payload: { refreshTime: '5:30' } });
    expect(set.json()).toEqual({ refreshTime: '05:30' });
    for (const refreshTime of ['25:00', '12:60', 'noon']) {
      expect(
        (await t.inject({ method: 'PUT', url: '/api/xmltv-sources/schedule', payload: { refreshTime } })).statusCode,
      ).toBe(400);
    }
    expect((await t.inject({ method: 'GET', url: '/api/xmltv-sources/schedule' })).json()).toEqual({
      refreshTime: '05:30',
    });
  });
});

describe('guide download limits', () => {
  let t: GuideTestApp;
  let server: FakeGuideServer;
  beforeEach(async () => {
    t = await startGuideApp({ config: { guideMaxBytes: 64 * 1024, guideIdleTimeoutMs: 300 } });
    server = await startFakeGuideServer();
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  const refresh = async (path: string) => {
    const id = t.guides.create({ name: path, url: `${server.url}${path}` }).id;
    const response = await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
    return { id, status: response.statusCode, error: response.json<{ error?: string }>().error };
  };
  const big = xmltvDocument([{ id: 'A.uk', names: ['A'] }], hourlyProgrammes(['A.uk'], 2000));

  it('refuses a guide larger than the cap, announced or not', async () => {
    server.route('/big', { body: big });
    expect(await refresh('/big')).toMatchObject({ status: 502, error: expect.stringMatching(/^guide larger than/) });
    // A file has no Content-Length: the cap holds while reading.
    const path = t.writeGuide('big.xml', big);
    const id = t.guides.create({ name: 'file', url: path }).id;
    const response = await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
    expect(response.statusCode).toBe(502);
    expect(response.json<{ error: string }>().error).toMatch(/^guide larger than/);
    expect(t.allProgrammeRows(id)).toBe(0);
  });

  it('gives up on a server that goes quiet mid-download', async () => {
    server.route('/stall', { body: big.slice(0, 50_000), cutAfterBytes: 10_000, cut: 'stall' });
    const result = await refresh('/stall');
    expect(result).toMatchObject({ status: 502, error: 'guide server did not answer in time' });
    expect(t.allProgrammeRows(result.id)).toBe(0);
  });
});
