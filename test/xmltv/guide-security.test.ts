import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGuideServer, type FakeGuideServer } from '../support/fake-guide-server.js';
import { makeTempDir } from '../support/temp-dir.js';
import { hourlyProgrammes, startGuideApp, xmltvDocument, type GuideTestApp } from './guide-fixture.js';

interface SourceBody {
  id: number;
  url: string;
  lastError: string | null;
  programmes: number;
}

const guide = xmltvDocument([{ id: 'A.uk', names: ['A'] }], hourlyProgrammes(['A.uk'], 3));

/** Everything a client, the event log and the log file could show. */
function everythingShown(t: GuideTestApp, ...bodies: string[]): string {
  return [
    ...bodies,
    JSON.stringify(t.t.domains.events.list({ limit: 1000 }).items),
    t.t.logs.join('\n'),
    JSON.stringify(t.db.prepare('SELECT url, last_error FROM xmltv_sources').all()),
  ].join('\n');
}

describe('guide URL secrets', () => {
  let t: GuideTestApp;
  let server: FakeGuideServer;
  beforeEach(async () => {
    t = await startGuideApp();
    server = await startFakeGuideServer();
    server.route('/guide.xml', { body: guide });
    server.route('/other.xml', { body: guide });
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  const create = (url: string) => t.inject({ method: 'POST', url: '/api/xmltv-sources', payload: { name: 'G', url } });
  const patch = (id: number, url: string) =>
    t.inject({ method: 'PATCH', url: `/api/xmltv-sources/${id}`, payload: { url } });
  const refresh = (id: number) => t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });

  it('keeps any query, userinfo and Xtream path like a password: masked everywhere, sent as it was', async () => {
    const host = server.url.slice('http://'.length);
    const shapes: [string, string, string][] = [
      ['/guide.xml?token=T0K3N-1', '/guide.xml?token=***', '/guide.xml?token=T0K3N-1'],
      ['/guide.xml?pwd=PWD-2&key=KEY-3', '/guide.xml?pwd=***&key=***', '/guide.xml?pwd=PWD-2&key=KEY-3'],
      ['/guide.xml?BAREKEY-4', '/guide.xml?***', '/guide.xml?BAREKEY-4'],
      ['/live/USER-5/PASS-6/guide.xml', '/live/***/***/guide.xml', '/live/USER-5/PASS-6/guide.xml'],
    ];
    server.route('/live/USER-5/PASS-6/guide.xml', { body: guide });
    const bodies: string[] = [];
    for (const [path, masked] of shapes) {
      const created = await create(`${server.url}${path}`);
      expect(created.statusCode).toBe(201);
      const source = created.json<SourceBody>();
      expect(source.url).toBe(`${server.url}${masked}`);
      const refreshed = await refresh(source.id);
      expect(refreshed.statusCode).toBe(200);
      bodies.push(created.body, refreshed.body, (await t.inject({ url: `/api/xmltv-sources/${source.id}` })).body);
    }
    // Userinfo: undici refuses to send it, so only the masking is checked here.
    const withUser = await create(`http://USERINFO-7:SECRET-8@${host}/guide.xml`);
    expect(withUser.json<SourceBody>().url).toBe(`http://***:***@${host}/guide.xml`);
    bodies.push(withUser.body, (await t.inject({ url: '/api/xmltv-sources' })).body);

    expect(server.requests).toEqual(shapes.map(([, , sent]) => sent));
    const shown = everythingShown(t, ...bodies);
    for (const secret of ['T0K3N-1', 'PWD-2', 'KEY-3', 'BAREKEY-4', 'USER-5', 'PASS-6', 'USERINFO-7', 'SECRET-8'])
      expect(shown, secret).not.toContain(secret);
    expect(t.db.prepare('SELECT count(*) FROM xmltv_sources WHERE url_secret IS NOT NULL').pluck().get()).toBe(5);
  });

  it('refuses to point stored credentials at another host; the masked URL may change on the same one', async () => {
    const id = (await create(`${server.url}/guide.xml?token=T0K3N&fmt=xml`)).json<SourceBody>().id;
    const stored = t.db.prepare('SELECT url, url_secret FROM xmltv_sources WHERE id = ?').get(id);

    // The masked URL shown, pointed at another host (or port, or scheme): refused, nothing changed.
    for (const elsewhere of [
      'http://attacker.example/guide.xml?token=***&fmt=***',
      `${server.url.replace(/:\d+$/, ':1')}/guide.xml?token=***&fmt=***`,
      `${server.url.replace('http:', 'https:')}/guide.xml?token=***&fmt=***`,
    ]) {
      const refused = await patch(id, elsewhere);
      expect(refused.statusCode, elsewhere).toBe(400);
      expect(refused.json<{ error: string }>().error).toBe(
        'the guide URL points elsewhere but keeps masked credentials (***): send the full URL with its credentials',
      );
    }
    expect(t.db.prepare('SELECT url, url_secret FROM xmltv_sources WHERE id = ?').get(id)).toEqual(stored);

    // Same server, another path and format: the token stays what it was.
    const moved = await patch(id, `${server.url}/other.xml?token=***&fmt=gz`);
    expect(moved.statusCode).toBe(200);
    expect(moved.json<SourceBody>().url).toBe(`${server.url}/other.xml?token=***&fmt=***`);
    expect((await refresh(id)).statusCode).toBe(200);
    // A *** the stored URL has nothing for: refused.
    expect((await patch(id, `${server.url}/other.xml?token=***&extra=***`)).statusCode).toBe(400);

    // A complete URL elsewhere stands for itself: allowed, and no stored credential goes with it.
    const other = await startFakeGuideServer();
    try {
      other.route('/free.xml', { body: guide });
      expect((await patch(id, `${other.url}/free.xml`)).statusCode).toBe(200);
      expect((await refresh(id)).statusCode).toBe(200);
      expect(other.requests).toEqual(['/free.xml']);
    } finally {
      await other.close();
    }
    expect(server.requests).toEqual(['/other.xml?token=T0K3N&fmt=gz']);
    expect(t.db.prepare('SELECT url_secret FROM xmltv_sources WHERE id = ?').pluck().get(id)).toBeNull();
  });
});

describe('guide files', () => {
  let t: GuideTestApp;
  let outside: ReturnType<typeof makeTempDir>;
  let extra: ReturnType<typeof makeTempDir>;
  beforeEach(async () => {
    outside = makeTempDir();
    extra = makeTempDir();
    t = await startGuideApp({ config: { guideDir: extra.path } });
  });
  afterEach(async () => {
    await t.close();
    outside.remove();
    extra.remove();
  });

  const create = (url: string) => t.inject({ method: 'POST', url: '/api/xmltv-sources', payload: { name: 'F', url } });
  const refresh = (id: number) => t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
  const refusal = "a guide file must be inside the data dir's guides/ folder (or the folder given with --guide-dir)";

  it('reads files only from the data dir’s guides/ folder or --guide-dir', async () => {
    const inside = t.writeGuide('guide.xml', guide);
    writeFileSync(join(extra.path, 'extra.xml'), guide);
    writeFileSync(join(outside.path, 'guide.xml'), guide);
    writeFileSync(join(t.t.dataDir, 'beside.xml'), guide);

    for (const url of [inside, pathToFileURL(inside).href, join(extra.path, 'extra.xml')]) {
      const created = await create(url);
      expect(created.statusCode, url).toBe(201);
      expect((await refresh(created.json<SourceBody>().id)).json(), url).toMatchObject({ programmes: 3 });
    }
    for (const url of [
      join(outside.path, 'guide.xml'),
      pathToFileURL(join(outside.path, 'guide.xml')).href,
      join(t.t.dataDir, 'beside.xml'),
      join(t.t.dataDir, 'tunerbridge.db'),
      `${t.t.dataDir}/guides/../tunerbridge.db`,
      `${t.t.dataDir}/guides/../guides/guide.xml`, // `..` is refused as written
      `file://${t.t.dataDir}/guides/../tunerbridge.db`,
      '/etc/passwd',
      `${join(t.t.dataDir, 'guides')}-not/guide.xml`,
    ]) {
      const refused = await create(url);
      expect(refused.statusCode, url).toBe(400);
      expect(refused.json(), url).toEqual({ error: refusal });
    }
    // A file that is not there yet may be named (it is looked for at each import).
    expect((await create(join(t.t.dataDir, 'guides', 'later.xml'))).statusCode).toBe(201);
  });

  it('follows no symlink out of the folder, whether there when saved or placed later', async () => {
    writeFileSync(join(outside.path, 'secret.txt'), 'TOP-SECRET-CONTENT');
    mkdirSync(join(t.t.dataDir, 'guides'), { recursive: true });
    const link = join(t.t.dataDir, 'guides', 'link.xml');
    symlinkSync(join(outside.path, 'secret.txt'), link);
    expect((await create(link)).json()).toEqual({ error: refusal });
    symlinkSync(outside.path, join(t.t.dataDir, 'guides', 'dir'));
    expect((await create(join(t.t.dataDir, 'guides', 'dir', 'secret.txt'))).json()).toEqual({ error: refusal });

    // Saved while a real file, then swapped for a symlink: the import checks the real path again.
    const swapped = t.writeGuide('swapped.xml', guide);
    const id = (await create(swapped)).json<SourceBody>().id;
    expect((await refresh(id)).statusCode).toBe(200);
    rmSync(swapped);
    symlinkSync(join(outside.path, 'secret.txt'), swapped);
    const failed = await refresh(id);
    expect(failed.statusCode).toBe(502);
    expect(failed.json()).toEqual({ error: 'guide file is outside the allowed folders' });
    expect(t.visibleProgrammes(id)).toHaveLength(3);
    expect(everythingShown(t, failed.body)).not.toContain('TOP-SECRET');
  });

  it('puts no byte of a broken file in the error, the event or the log', async () => {
    const broken = [
      '<SECRETROOT1><a/></SECRETROOT1>',
      '<tv><channel id="a"><SECRETTAG2></channel></tv>',
      '<tv><channel id="a"></SECRETCLOSE3></tv>',
      '<?xml version="1.0" encoding="x-SECRETENC4"?><tv/>',
      '<tv><channel id="a" SECRETATTR5="1" SECRETATTR5="2"/></tv>',
      'SECRETTEXT6 is not XML',
      '<tv><programme start="20260101000000 +0000" channel="c"><title>SECRETTEXT7</title></programme>',
    ];
    const errors: string[] = [];
    for (const [i, content] of broken.entries()) {
      const id = (await create(t.writeGuide(`broken-${i}.xml`, content))).json<SourceBody>().id;
      const failed = await refresh(id);
      expect(failed.statusCode, content).toBe(502);
      errors.push(failed.json<{ error: string }>().error, failed.body);
    }
    expect(errors.filter((_, i) => i % 2 === 0)).toEqual([
      'not an XMLTV document (root element is not <tv>)',
      'malformed XML at line 1 (unexpected close tag)',
      'malformed XML at line 1 (unexpected close tag)',
      'unsupported encoding in the XML declaration',
      'malformed XML at line 1 (duplicate attribute)',
      'not an XMLTV document (not XML)',
      'document ended early (truncated)',
    ]);
    const shown = everythingShown(t, ...errors);
    // The markers, in any case (a log line may name the secret store: not file content).
    expect(shown).not.toMatch(/SECRET(ROOT|TAG|CLOSE|ENC|ATTR|TEXT)/i);
  });
});

describe('guide import bounds', () => {
  let t: GuideTestApp;
  let id: number;
  beforeEach(async () => {
    t = await startGuideApp({
      config: { guideMaxChannels: 5, guideMaxProgrammes: 40, guideMaxDisplayNames: 3, guideMaxXmlBytes: 1024 ** 2 },
    });
    id = t.guides.create({ name: 'G', url: t.writeGuide('g.xml', guide) }).id;
    expect(await t.guides.refresh(id)).toMatchObject({ channels: 1, programmes: 3 });
  });
  afterEach(() => t.close());

  const channelsXml = (n: number, names = 1) =>
    Array.from(
      { length: n },
      (_, i) =>
        `<channel id="c${i}">${Array.from({ length: names }, (_, j) => `<display-name>N${j}</display-name>`).join('')}</channel>`,
    ).join('');
  const cases: [string, string | Buffer, string][] = [
    ['too many channels', `<tv>${channelsXml(6)}</tv>`, 'guide has more than 5 channels'],
    [
      'too many distinct programme channel ids',
      xmltvDocument(
        [],
        hourlyProgrammes(['p1', 'p2', 'p3', 'p4', 'p5', 'p6'], 1).map((p) => ({ ...p })),
      ),
      'guide has more than 5 channels',
    ],
    [
      'channels and programme channels together',
      xmltvDocument(
        [
          { id: 'a', names: ['A'] },
          { id: 'b', names: ['B'] },
          { id: 'c', names: ['C'] },
        ],
        hourlyProgrammes(['a', 'x', 'y', 'z'], 1),
      ),
      'guide has more than 5 channels',
    ],
    [
      'too many display names in one element',
      `<tv>${channelsXml(1, 4)}</tv>`,
      'guide has a channel with more than 3 display names',
    ],
    [
      'display names piled up by repeating a channel',
      `<tv>${Array.from({ length: 4 }, (_, i) => `<channel id="same"><display-name>Name ${i}</display-name></channel>`).join('')}</tv>`,
      'guide has a channel with more than 3 display names',
    ],
    ['too many programmes', xmltvDocument([], hourlyProgrammes(['a'], 41)), 'guide has more than 40 programmes'],
    [
      'a gzip bomb',
      gzipSync(Buffer.from(`<tv>${'<!-- padding -->'.repeat(200_000)}</tv>`)),
      'guide larger than 1 MiB of XML',
    ],
    [
      'a long channel id',
      `<tv><channel id="${'i'.repeat(300)}"/></tv>`,
      'guide has a channel id longer than 256 characters',
    ],
    ['a huge processing-instruction target', `<tv><?${'p'.repeat(200_000)} x?></tv>`, 'text too long'],
    ['a huge comment', `<tv><!--${'c'.repeat(200_000)}--></tv>`, 'text too long'],
    ['a huge CDATA section', `<tv><![CDATA[${'d'.repeat(200_000)}]]></tv>`, 'text too long'],
    ['a huge DOCTYPE', `<!DOCTYPE tv [${' '.repeat(200_000)}]><tv/>`, 'text too long'],
    ['a huge tag name', `<tv><${'n'.repeat(200_000)}/></tv>`, 'text too long'],
  ];
  for (const [what, content, reason] of cases) {
    it(`fails on ${what} with the reason, keeping the previous guide`, async () => {
      t.writeGuide('g.xml', content);
      const response = await t.inject({ method: 'POST', url: `/api/xmltv-sources/${id}/refresh` });
      expect(response.statusCode).toBe(502);
      expect(response.json()).toEqual({ error: reason });
      expect(t.visibleProgrammes(id)).toHaveLength(3);
      expect(t.allProgrammeRows(id)).toBe(3);
      expect(t.guides.get(id)).toMatchObject({ lastError: reason, programmes: 3, channels: 1 });
      expect(t.lineup.list({ limit: 100 }).items.map((c) => c.channelId)).toEqual(['A.uk']);
      expect(t.events('guide')[0]).toMatchObject({ level: 'error', details: { reason } });
    });
  }

  it('accepts a guide right at the bounds, names cut at 200 characters', async () => {
    const long = 'L'.repeat(250);
    t.writeGuide(
      'g.xml',
      xmltvDocument(
        [
          { id: 'a', names: ['A1', 'A2', long] },
          { id: 'b', names: ['B'] },
        ],
        hourlyProgrammes(['a', 'b', 'c', 'd', 'e'], 8),
      ),
    );
    expect(await t.guides.refresh(id)).toMatchObject({ channels: 5, programmes: 40 });
    const a = t.lineup.list({ limit: 100 }).items.find((c) => c.channelId === 'a');
    expect(a?.displayNames).toEqual(['A1', 'A2', 'L'.repeat(200)]);
  });
});
