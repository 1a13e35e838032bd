import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
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
    const output = execFileSync('xmllint', ['--noout', '--nonet', '--dtdvalid', fixturePath('xmltv.dtd'), path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
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
      const id = seedLineupChannel(db, { channelId: `ch${i}.tv`, displayName: name, number: i + 1, icon: i === 0 ? 'http://x/a.png?a=1&b=2' : null, synthetic: i === 2 });
      const provider = seedProviderChannel(db, { accountId: account, name: `P${i}`, streams: [{ streamId: i + 1, tier: 'HD' }] });
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

  it('the validator does reject a programme with children out of DTD order', () => {
    const path = join(t.dataDir, 'bad.xml');
    writeFileSync(path, '<tv><programme start="20260101000000 +0000" channel="a"><desc>d</desc><title>t</title></programme></tv>');
    expect(validate(path).status).not.toBe(0);
  });
});
