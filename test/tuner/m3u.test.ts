import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/db/index.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';

/** Where Tunerbridge serves its cached copy of a logo: the URL's SHA-256 and its extension. */
const cachedLogo = (base: string, url: string, ext = 'png') =>
  `${base}/logos/${createHash('sha256').update(url).digest('hex')}.${ext}`;

/** Splits an #EXTINF line into its attributes and the trailing name (after the last comma). */
function parseExtinf(line: string): { attrs: Record<string, string>; name: string } {
  expect(line.startsWith('#EXTINF:-1 ')).toBe(true);
  const comma = line.lastIndexOf(',');
  const attrs: Record<string, string> = {};
  for (const m of line.slice(0, comma).matchAll(/([\w-]+)="([^"]*)"/g)) attrs[m[1]!] = m[2]!;
  return { attrs, name: line.slice(comma + 1) };
}

describe('/playlist.m3u', () => {
  let t: TestApp;
  let db: Db;
  beforeEach(async () => {
    t = await startApp({ listen: false });
    db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
  });
  afterEach(async () => {
    db.close();
    await t.close();
  });

  function seed(
    name: string,
    options: {
      number: number;
      icon?: string | null;
      providerIcon?: string | null;
      group?: string;
      enabled?: boolean;
      mapped?: boolean;
      channelId?: string;
    },
  ) {
    const account = seedAccountRow(db);
    const lineupId = seedLineupChannel(db, {
      channelId: options.channelId ?? `${name}.id`,
      displayName: name,
      number: options.number,
      icon: options.icon ?? null,
      enabled: options.enabled,
    });
    if (options.mapped === false) return;
    const provider = seedProviderChannel(db, {
      accountId: account,
      name: `P ${name}`,
      streams: [{ streamId: options.number * 10, tier: 'HD' }],
      icon: options.providerIcon ?? null,
      categoryName: options.group ?? null,
    });
    seedMapping(db, { lineupChannelId: lineupId, providerChannelId: provider });
  }

  it('lists enabled, mapped channels by number with tvg attributes, logo fallback and stream URLs', async () => {
    seed('Second', { number: 20, icon: null, providerIcon: 'http://p/logo2.png', group: 'News' });
    seed('First', { number: 3, icon: 'http://guide/logo1.png', providerIcon: 'http://p/logo1.png', group: 'UK' });
    seed('Disabled', { number: 5, enabled: false });
    seed('Unmapped', { number: 6, mapped: false });

    const res = await t.app.inject({ url: '/playlist.m3u', headers: { host: 'tuner.lan:5004' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/x-mpegurl; charset=utf-8');
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^#EXTM3U url-tvg="http:\/\/tuner\.lan:5004\/epg\.xml"/);
    expect(lines).toHaveLength(5);
    const first = parseExtinf(lines[1]!);
    expect(first.attrs).toEqual({
      'tvg-id': 'First.id',
      'tvg-name': 'First',
      'tvg-logo': cachedLogo('http://tuner.lan:5004', 'http://guide/logo1.png'),
      'tvg-chno': '3',
      'group-title': 'UK',
    });
    expect(first.name).toBe('First');
    expect(lines[2]).toBe('http://tuner.lan:5004/stream/First.id');
    const second = parseExtinf(lines[3]!);
    expect(second.attrs['tvg-logo']).toBe(cachedLogo('http://tuner.lan:5004', 'http://p/logo2.png'));
    expect(second.attrs['tvg-chno']).toBe('20');
    expect(lines[4]).toBe('http://tuner.lan:5004/stream/Second.id');
  });

  it('keeps names with commas, quotes and non-ASCII intact where each client reads them', async () => {
    seed('Ça, "Télé" 台', { number: 1, channelId: 'ça/1 "x"' });
    const res = await t.app.inject({ url: '/playlist.m3u', headers: { host: 'h:1' } });
    const lines = res.body.trimEnd().split('\n');
    const entry = parseExtinf(lines[1]!);
    // Attributes hold no raw quote; the full name with its comma is in tvg-name.
    expect(entry.attrs['tvg-name']).toBe('Ça, ”Télé” 台');
    expect(entry.attrs['tvg-id']).toBe('ça/1 ”x”');
    // After the last comma: the whole name, its own comma replaced by a look-alike.
    expect(entry.name).toBe('Ça‚ "Télé" 台');
    expect(lines[2]).toBe(`http://h:1/stream/${encodeURIComponent('ça/1 "x"')}`);
    expect(Buffer.from(res.rawPayload).toString('utf8')).toContain('台');
  });

  it('uses --advertise-url for every URL', async () => {
    db.close();
    await t.close();
    t = await startApp({ listen: false, config: { advertiseUrl: 'http://192.168.1.5:5004' } });
    db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
    seed('One', { number: 1 });
    const res = await t.app.inject({ url: '/playlist.m3u', headers: { host: 'other:1' } });
    const lines = res.body.trimEnd().split('\n');
    expect(lines[0]).toContain('url-tvg="http://192.168.1.5:5004/epg.xml"');
    expect(lines[2]).toBe('http://192.168.1.5:5004/stream/One.id');
  });
});
