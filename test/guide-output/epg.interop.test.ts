import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { fixturePath } from '../support/paths.js';
import { startApp, type TestApp } from '../support/start-app.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { seedProgramme, seedSource } from './epg-fixture.js';

/** Runs Debian's xmllint against the committed XMLTV DTD; returns its exit code and messages. */
function validate(path: string): { status: number; output: string } {
  try {
    const output = execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', fixturePath('xmltv.dtd'), path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { status: 0, output };
  } catch (error) {
    const e = error as { status: number; stderr: string };
    return { status: e.status, output: e.stderr };
  }
}

describe('/epg.xml against the XMLTV DTD (xmllint)', () => {
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

  it('is valid with every programme child we write, odd names and placeholders', async () => {
    const account = seedAccountRow(db);
    const source = seedSource(db);
    const names = ['BBC One & "Two" <HD>', 'Ça, Télé 台', 'My Cam'];
    names.forEach((name, i) => {
      const id = seedLineupChannel(db, {
        channelId: `ch${i}.tv`,
        displayName: name,
        number: i + 1,
        icon: i === 0 ? 'http://x/a.png?a=1&b=2' : null,
        synthetic: i === 2,
      });
      const provider = seedProviderChannel(db, {
        accountId: account,
        name: `P${i}`,
        streams: [{ streamId: i + 1, tier: 'HD' }],
      });
      seedMapping(db, { lineupChannelId: id, providerChannelId: provider });
    });
    const now = Date.now();
    seedProgramme(db, {
      sourceId: source,
      channelId: 'ch0.tv',
      start: now,
      title: 'A & B',
      subTitle: 'S',
      description: 'D\u0002',
      categories: ['News'],
      xmltvNs: '0.1.',
      onscreen: 'S01E02',
      icon: 'http://x/p.png',
      rating: '15',
      isNew: true,
      previouslyShown: true,
    });
    const res = await t.app.inject({ url: '/epg.xml' });
    const path = join(t.dataDir, 'out.xml');
    writeFileSync(path, res.rawPayload);
    const result = validate(path);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
    expect(res.body).toContain('— Live');
  });

  it('is valid after importing a real, messy guide (every programme child, CDATA, bare "&", offsets, no stop)', async () => {
    const account = seedAccountRow(db);
    seedProviderChannel(db, { accountId: account, name: 'UK: BBC One HD', streams: [{ streamId: 1, tier: 'HD' }] });
    seedProviderChannel(db, { accountId: account, name: 'FR: Arte & Cinéma', streams: [{ streamId: 2, tier: 'SD' }] });
    const pad = (n: number) => String(n).padStart(2, '0');
    // Local wall-clock text with an explicit offset, as many grabbers write it.
    const at = (ms: number, offsetHours: number) => {
      const d = new Date(ms + offsetHours * 3_600_000);
      const sign = offsetHours < 0 ? '-' : '+';
      return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}00 ${sign}${pad(Math.abs(offsetHours))}00`;
    };
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const guide = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tv SYSTEM "xmltv.dtd">
<tv generator-info-name="messy grabber">
  <channel id="bbc1.uk"><display-name>BBC One</display-name><display-name>BBC 1</display-name><icon src="http://img/x.png?a=1&b=2"/><url>http://bbc</url></channel>
  <channel id="arte.fr"><display-name lang="fr">Arte &amp; Cinéma</display-name></channel>
  <programme start="${at(hour, 1)}" stop="${at(hour + 3_600_000, 1)}" channel="bbc1.uk">
    <title lang="en">News & Weather</title><sub-title>Lunchtime</sub-title><desc><![CDATA[Headlines <b>& more</b>]]></desc>
    <category>News</category><category>Current affairs</category>
    <episode-num system="xmltv_ns">0.4.0/1</episode-num><episode-num system="onscreen">S01E05</episode-num>
    <icon src="http://img/p.png"/><rating system="BBFC"><value>U</value></rating><new/><previously-shown/>
  </programme>
  <programme start="${at(hour + 3_600_000, -5)}" channel="bbc1.uk"><title>Tom & Jerry</title></programme>
  <programme start="${at(hour, 0)}" stop="${at(hour + 7_200_000, 0)}" channel="arte.fr"><title>Le Film &#233;t&#xE9; 日本</title></programme>
</tv>`;
    mkdirSync(join(t.dataDir, 'guides'), { recursive: true });
    const file = join(t.dataDir, 'guides', 'guide.xml');
    writeFileSync(file, guide);
    const source = t.domains.guides.create({ name: 'Messy', url: file });
    expect(await t.domains.guides.refresh(source.id)).toMatchObject({ channels: 2, programmes: 3 });

    const res = await t.app.inject({ url: '/epg.xml' });
    const path = join(t.dataDir, 'imported.xml');
    writeFileSync(path, res.rawPayload);
    const result = validate(path);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
    const pad0 = (ms: number) => at(ms, 0);
    expect(res.body).toContain(`<programme start="${pad0(hour)}" stop="${pad0(hour + 3_600_000)}" channel="bbc1.uk">`);
    expect(res.body).toContain('<title>News &amp; Weather</title>');
    expect(res.body).toContain('<desc>Headlines &lt;b&gt;&amp; more&lt;/b&gt;</desc>');
    expect(res.body).toContain('<title>Tom &amp; Jerry</title>');
    expect(res.body).toContain('<title>Le Film été 日本</title>');
  });

  it('the validator does reject a programme with children out of DTD order', () => {
    const path = join(t.dataDir, 'bad.xml');
    writeFileSync(
      path,
      '<tv><programme start="20260101000000 +0000" channel="a"><desc>d</desc><title>t</title></programme></tv>',
    );
    expect(validate(path).status).not.toBe(0);
  });
});
