import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { parseXml, seedProgramme, seedSource, type XmlNode } from './epg-fixture.js';

const hour = 3_600_000;
// A fixed "now" on an even UTC hour plus 10 minutes: the window is [now-4h, now+7d) by hour.
const now = Date.UTC(2026, 10, 24, 12, 10);
const clock = { now: () => now };

// The DTD's order of programme children (the ones we can write).
const programmeOrder = [
  'title',
  'sub-title',
  'desc',
  'credits',
  'date',
  'category',
  'keyword',
  'language',
  'orig-language',
  'length',
  'icon',
  'url',
  'country',
  'episode-num',
  'video',
  'audio',
  'previously-shown',
  'premiere',
  'last-chance',
  'new',
  'subtitles',
  'rating',
  'star-rating',
  'review',
  'image',
];

function childNames(node: XmlNode): string[] {
  return node.children.map((c) => c.name);
}

describe('/epg.xml', () => {
  let t: TestApp;
  let db: Db;
  let account: number;
  beforeEach(async () => {
    t = await startApp({ listen: false, deps: { clock } });
    db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
    account = seedAccountRow(db);
  });
  afterEach(async () => {
    db.close();
    await t.close();
  });

  function addChannel(
    channelId: string,
    name: string,
    number: number,
    options: { enabled?: boolean; synthetic?: boolean; icon?: string } = {},
  ) {
    const id = seedLineupChannel(db, {
      channelId,
      displayName: name,
      number,
      enabled: options.enabled ?? true,
      synthetic: options.synthetic ?? false,
      icon: options.icon ?? null,
    });
    const provider = seedProviderChannel(db, {
      accountId: account,
      name: `P ${channelId}`,
      streams: [{ streamId: number, tier: 'HD' }],
      icon: 'http://provider/logo.png',
    });
    seedMapping(db, { lineupChannelId: id, providerChannelId: provider });
    return id;
  }

  async function getGuide(): Promise<XmlNode> {
    const res = await t.app.inject({ url: '/epg.xml' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    return parseXml(res.body);
  }

  it('writes enabled channels only, with names Plex maps by, and programmes in DTD order in UTC', async () => {
    const source = seedSource(db);
    addChannel('bbc1.uk', 'BBC One & Two', 101, { icon: 'http://guide/bbc.png' });
    addChannel('off.uk', 'Disabled', 102, { enabled: false });
    const start = now - hour;
    seedProgramme(db, {
      sourceId: source,
      channelId: 'bbc1.uk',
      start,
      stop: start + 2 * hour,
      title: 'News <at> "Six"',
      subTitle: 'Part 1',
      description: 'Bad\u0001char',
      categories: ['News', 'Current affairs'],
      xmltvNs: '1.4.0/1',
      onscreen: 'S02E05',
      icon: 'http://guide/p.png',
      rating: 'PG',
      isNew: true,
      previouslyShown: true,
    });
    seedProgramme(db, { sourceId: source, channelId: 'off.uk', start, title: 'Hidden' });

    const tv = await getGuide();
    expect(tv.name).toBe('tv');
    const channels = tv.children.filter((c) => c.name === 'channel');
    expect(channels.map((c) => c.attrs.id)).toEqual(['bbc1.uk']);
    expect(childNames(tv).lastIndexOf('channel')).toBeLessThan(childNames(tv).indexOf('programme'));
    expect(channels[0]!.children.filter((c) => c.name === 'display-name').map((c) => c.text)).toEqual([
      'BBC One & Two',
      '101',
      '101 BBC One & Two',
    ]);
    // The channel's logo is our cached copy, on the address the client used; a programme's image stays as it was.
    const logoKey = createHash('sha256').update('http://guide/bbc.png').digest('hex');
    expect(channels[0]!.children.find((c) => c.name === 'icon')?.attrs.src).toBe(
      `http://localhost:80/logos/${logoKey}.png`,
    );

    const programmes = tv.children.filter((c) => c.name === 'programme');
    expect(programmes.every((p) => p.attrs.channel === 'bbc1.uk')).toBe(true);
    const news = programmes[0]!;
    expect(news.attrs.start).toBe('20261124111000 +0000');
    expect(news.attrs.stop).toBe('20261124131000 +0000');
    expect(childNames(news)).toEqual([
      'title',
      'sub-title',
      'desc',
      'category',
      'category',
      'icon',
      'episode-num',
      'episode-num',
      'previously-shown',
      'new',
      'rating',
    ]);
    const positions = childNames(news).map((n) => programmeOrder.indexOf(n));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(news.children[0]!.text).toBe('News <at> "Six"');
    expect(news.children[2]!.text).toBe('Badchar');
    expect(news.children.filter((c) => c.name === 'episode-num').map((c) => [c.attrs.system, c.text])).toEqual([
      ['xmltv_ns', '1.4.0/1'],
      ['onscreen', 'S02E05'],
    ]);
    expect(news.children.at(-1)!.children[0]).toMatchObject({ name: 'value', text: 'PG' });
    // The channel has guide data, so no placeholders follow.
    expect(programmes).toHaveLength(1);
  });

  it('gives synthetic channels and channels without programmes 2-hour "— Live" placeholders over the window', async () => {
    addChannel('custom.1', 'My Cam', 5, { synthetic: true });
    addChannel('empty.uk', 'Empty', 6);
    const tv = await getGuide();
    const programmes = tv.children.filter((c) => c.name === 'programme');
    const cam = programmes.filter((p) => p.attrs.channel === 'custom.1');
    // [08:00, 12:00 + 7 days): 2 placeholders before 12:00, then 7 × 12.
    expect(cam).toHaveLength(2 + 7 * 12);
    expect(cam[0]!.attrs.start).toBe('20261124080000 +0000');
    expect(cam[0]!.attrs.stop).toBe('20261124100000 +0000');
    expect(cam.at(-1)!.attrs.stop).toBe('20261201120000 +0000');
    expect(cam[0]!.children[0]).toMatchObject({ name: 'title', text: 'My Cam — Live' });
    expect(programmes.filter((p) => p.attrs.channel === 'empty.uk')).toHaveLength(cam.length);
  });

  it('drops duplicates of the same channel and start across sources, fills missing stops and keeps the window', async () => {
    const a = seedSource(db, 'A');
    const b = seedSource(db, 'B');
    addChannel('ch.1', 'One', 1);
    seedProgramme(db, { sourceId: a, channelId: 'ch.1', start: now, stop: null, title: 'From A' });
    seedProgramme(db, { sourceId: b, channelId: 'ch.1', start: now, title: 'From B' });
    seedProgramme(db, { sourceId: b, channelId: 'ch.1', start: now + 30 * 60_000, title: 'Next' });
    seedProgramme(db, { sourceId: a, channelId: 'ch.1', start: now - 10 * hour, title: 'Long ago' });
    seedProgramme(db, { sourceId: a, channelId: 'ch.1', start: now + 8 * 24 * hour, title: 'Too late' });
    const tv = await getGuide();
    const programmes = tv.children.filter((c) => c.name === 'programme');
    expect(programmes.map((p) => p.children[0]!.text)).toEqual(['From A', 'Next']);
    expect(programmes[0]!.attrs.stop).toBe('20261124124000 +0000');
  });

  it("keeps the oldest source's programme at equal starts even when its row was written later", async () => {
    const a = seedSource(db, 'A');
    const b = seedSource(db, 'B');
    addChannel('ch.1', 'One', 1);
    seedProgramme(db, { sourceId: b, channelId: 'ch.1', start: now, title: 'From B' });
    seedProgramme(db, { sourceId: a, channelId: 'ch.1', start: now, title: 'From A' });
    seedProgramme(db, { sourceId: b, channelId: 'ch.1', start: now + hour, title: 'Only B' });
    const tv = await getGuide();
    expect(tv.children.filter((c) => c.name === 'programme').map((p) => p.children[0]!.text)).toEqual([
      'From A',
      'Only B',
    ]);
  });

  it('answers 304 to the current ETag, and renders anew when the lineup or the guide changes', async () => {
    const source = seedSource(db);
    const id = addChannel('ch.1', 'One', 1);
    const first = await t.app.inject({ url: '/epg.xml' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    expect(Number(first.headers['content-length'])).toBe(first.rawPayload.length);
    const again = await t.app.inject({ url: '/epg.xml', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    seedProgramme(db, { sourceId: source, channelId: 'ch.1', start: now, title: 'Fresh' });
    const afterGuide = await t.app.inject({ url: '/epg.xml', headers: { 'if-none-match': etag } });
    expect(afterGuide.statusCode).toBe(200);
    expect(afterGuide.body).toContain('<title>Fresh</title>');

    // Through the lineup domain, which owns the table and tells the guide output that it changed.
    expect(
      (await t.app.inject({ method: 'PATCH', url: `/api/channels/${id}`, payload: { enabled: false } })).statusCode,
    ).toBe(200);
    const afterLineup = await t.app.inject({
      url: '/epg.xml',
      headers: { 'if-none-match': afterGuide.headers.etag as string },
    });
    expect(afterLineup.statusCode).toBe(200);
    expect(parseXml(afterLineup.body).children).toHaveLength(0);
  });

  it('gzips when the client accepts it, and always at /epg.xml.gz', async () => {
    addChannel('ch.1', 'Ünïcode', 1);
    const plain = await t.app.inject({ url: '/epg.xml' });
    const gz = await t.app.inject({ url: '/epg.xml', headers: { 'accept-encoding': 'br, gzip;q=0.8' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(plain.body);
    expect(gz.headers.etag).not.toBe(plain.headers.etag);
    const refused = await t.app.inject({ url: '/epg.xml', headers: { 'accept-encoding': 'gzip;q=0' } });
    expect(refused.headers['content-encoding']).toBeUndefined();
    const file = await t.app.inject({ url: '/epg.xml.gz' });
    expect(file.headers['content-type']).toBe('application/gzip');
    expect(gunzipSync(file.rawPayload).toString('utf8')).toContain('<display-name>Ünïcode</display-name>');
    const cached = await t.app.inject({
      url: '/epg.xml.gz',
      headers: { 'if-none-match': file.headers.etag as string },
    });
    expect(cached.statusCode).toBe(304);
  });
});
