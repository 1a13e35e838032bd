import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { escapeXml, escapeXmlLine, oneLine, requiredText } from '../../src/core/index.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { startApp, type TestApp } from '../support/start-app.js';

// Every C0 control character and DEL.
const controls = [...Array(32).keys()].map((c) => String.fromCharCode(c)).concat('\u007f');
// eslint-disable-next-line no-control-regex
const anyControl = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const controlButLineBreak = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe('control characters in names', () => {
  it('requiredText refuses each of them anywhere in the value; oneLine and escapeXmlLine turn runs into a space', () => {
    for (const c of controls) {
      expect(() => requiredText(`BBC${c}One`, 'name'), JSON.stringify(c)).toThrow(
        'name must not contain control characters',
      );
    }
    expect(requiredText('  BBC One \u00e9 📺  ', 'name')).toBe('BBC One \u00e9 📺');
    expect(oneLine('BBC\u0000\u0001One\r\nHD\u007f')).toBe('BBC One HD ');
    expect(escapeXmlLine('A\u0000&\nB\tC\u007f')).toBe('A &amp; B C ');
    expect(escapeXml('keeps\nlines\u007f')).toBe('keeps\nlines'); // descriptions keep their line breaks; DEL goes
  });

  describe('at the API', () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await startApp({ listen: false });
    });
    afterEach(() => t.close());

    const send = (method: 'POST' | 'PATCH', url: string, payload: Record<string, unknown>) =>
      t.app.inject({ method, url, payload });

    it('refuses them in account names and usernames, guide source names, channel names and ids (400, nothing stored)', async () => {
      const account = { name: 'Alice', serverUrl: 'http://127.0.0.1:9', username: 'alice', password: 'pw\u0001ok' };
      // A password may hold anything: it is never written anywhere but the credential store.
      const created = await send('POST', '/api/accounts', account);
      expect(created.statusCode).toBe(201);
      const id = created.json<{ id: number }>().id;

      for (const c of ['\u0000', '\u0001', '\n', '\u001b', '\u007f']) {
        const cases: [string, 'POST' | 'PATCH', string, Record<string, unknown>, string][] = [
          ['account name', 'POST', '/api/accounts', { ...account, name: `Bad${c}Name` }, 'name'],
          ['account username', 'POST', '/api/accounts', { ...account, username: `al${c}ice` }, 'username'],
          ['account rename', 'PATCH', `/api/accounts/${id}`, { name: `Bad${c}Name` }, 'name'],
          ['guide name', 'POST', '/api/xmltv-sources', { name: `G${c}uide`, url: 'http://127.0.0.1:9/g.xml' }, 'name'],
          ['channel name', 'POST', '/api/channels', { displayName: `Cam${c}One` }, 'displayName'],
          ['channel id', 'POST', '/api/channels', { displayName: 'Cam', channelId: `cam${c}.1` }, 'channelId'],
        ];
        for (const [what, method, url, payload, field] of cases) {
          const res = await send(method, url, payload);
          expect(res.statusCode, `${what} ${JSON.stringify(c)}`).toBe(400);
          expect(res.json()).toEqual({ error: `${field} must not contain control characters` });
        }
      }
      expect((await t.app.inject({ method: 'GET', url: '/api/accounts' })).json()).toEqual([
        expect.objectContaining({ name: 'Alice', username: 'alice' }),
      ]);
      expect((await t.app.inject({ method: 'GET', url: '/api/xmltv-sources' })).json()).toEqual([]);
    });
  });

  describe('in what Plex and players read', () => {
    let t: TestApp;
    let db: Db;
    beforeEach(async () => {
      // Names from provider or guide data are not checked on the way in (a guide is what it is):
      // the writers must be safe on their own.
      t = await startApp({ listen: false, config: { friendlyName: 'Tuner\u0000bridge\nHome' } });
      db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
      const accountId = seedAccountRow(db);
      const lineupChannelId = seedLineupChannel(db, {
        channelId: 'bbc\u0001one.uk',
        displayName: 'BBC\u0000One\r\n#EXTINF:-1,Fake\u007f',
        number: 1,
      });
      const providerChannelId = seedProviderChannel(db, {
        accountId,
        name: 'P BBC',
        streams: [{ streamId: 10, tier: 'HD' }],
        categoryName: 'News\u001b[31m',
      });
      seedMapping(db, { lineupChannelId, providerChannelId });
    });
    afterEach(async () => {
      db.close();
      await t.close();
    });

    const get = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      return res.body;
    };

    it('/playlist.m3u and /lineup.m3u: one #EXTINF line per channel, no control character in any line', async () => {
      for (const url of ['/playlist.m3u', '/lineup.m3u']) {
        const lines = (await get(url)).split('\n');
        expect(lines.at(-1)).toBe('');
        expect(
          lines.slice(0, -1).filter((l) => anyControl.test(l)),
          url,
        ).toEqual([]);
        expect(lines.filter((l) => l.startsWith('#EXTINF'))).toHaveLength(1);
        expect(lines).toHaveLength(4); // header, the #EXTINF line, the stream URL, the final newline
        expect(lines[1]).toContain('tvg-name="BBC One #EXTINF:-1,Fake "');
        expect(lines[1]).toContain('group-title="News [31m"');
      }
    });

    it('/lineup.xml, /device.xml and /epg.xml carry none (line breaks only between elements)', async () => {
      const lineup = await get('/lineup.xml');
      const device = await get('/device.xml');
      const epg = await get('/epg.xml');
      for (const [url, xml] of [
        ['/lineup.xml', lineup],
        ['/device.xml', device],
        ['/epg.xml', epg],
      ] as const) {
        expect(controlButLineBreak.test(xml), url).toBe(false);
        // Every line break ends an element's line: none sits inside a name.
        for (const line of xml.split('\n').slice(0, -1)) expect(line, url).toMatch(/>$|^<\?xml|^<!DOCTYPE/);
      }
      expect(lineup).toContain('<GuideName>BBC One #EXTINF:-1,Fake </GuideName>');
      expect(device).toContain('<friendlyName>Tuner bridge Home</friendlyName>');
      expect(epg).toContain('<channel id="bbc one.uk">');
      expect(epg).toContain('<display-name>BBC One #EXTINF:-1,Fake </display-name>');
      expect(epg).toContain('channel="bbc one.uk"');
      expect(epg).toContain('<title>BBC One #EXTINF:-1,Fake  — Live</title>'); // the placeholder programmes
    });
  });
});
