import { connect } from 'node:net';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { isValidDeviceId } from '../../src/tuner/device-id.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { startApp, type StartAppOptions, type TestApp } from '../support/start-app.js';
import { makeTempDir } from '../support/temp-dir.js';
import { openStream, startStreamFixture, type StreamFixture } from '../streaming/stream-fixture.js';

interface Opened {
  t: TestApp;
  db: Db;
}
const opened: Opened[] = [];

async function open(options: StartAppOptions = {}): Promise<Opened> {
  const t = await startApp(options);
  const db = openDatabase(join(t.dataDir, 'tunerbridge.db'));
  const o = { t, db };
  opened.push(o);
  return o;
}

afterEach(async () => {
  for (const o of opened.splice(0)) {
    o.db.close();
    await o.t.close();
  }
});

/** An enabled lineup channel whose primary provider channel has these tiers. */
function addChannel(
  db: Db,
  accountId: number,
  channelId: string,
  input: {
    name?: string;
    number?: number;
    tiers?: ('4K' | 'FHD' | 'HD' | 'SD')[];
    enabled?: boolean;
    primary?: boolean;
  } = {},
) {
  const lineup = seedLineupChannel(db, {
    channelId,
    displayName: input.name ?? channelId,
    enabled: input.enabled ?? true,
    ...(input.number ? { number: input.number } : {}),
  });
  const streams = (input.tiers ?? ['SD']).map((tier, i) => ({ streamId: Math.floor(Math.random() * 1e6) + i, tier }));
  const provider = seedProviderChannel(db, { accountId, name: `P ${channelId}`, streams });
  seedMapping(db, { lineupChannelId: lineup, providerChannelId: provider, primary: input.primary ?? true });
  return lineup;
}

/** Parses XML into a flat list of [element path, text] pairs, failing on malformed input. */
function parseXml(text: string): { path: string; text: string }[] {
  const parser = new SaxesParser({ xmlns: true });
  const stack: string[] = [];
  const out: { path: string; text: string }[] = [];
  let buffer = '';
  parser.on('opentag', (tag) => {
    stack.push(tag.local);
    buffer = '';
  });
  parser.on('text', (t) => (buffer += t));
  parser.on('closetag', () => {
    out.push({ path: stack.join('/'), text: buffer.trim() });
    stack.pop();
    buffer = '';
  });
  parser.write(text).close();
  return out;
}

describe('/discover.json', () => {
  it('describes a Silicondust tuner with a valid DeviceID and URLs from the Host the client used', async () => {
    const { t } = await open({ listen: false });
    const res = await t.app.inject({ url: '/discover.json', headers: { host: '192.168.1.50:5004' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(
      [
        'BaseURL',
        'DeviceAuth',
        'DeviceID',
        'FirmwareName',
        'FirmwareVersion',
        'FriendlyName',
        'LineupURL',
        'Manufacturer',
        'ModelNumber',
        'TunerCount',
      ].sort(),
    );
    expect(body).toMatchObject({
      FriendlyName: 'Tunerbridge',
      Manufacturer: 'Silicondust',
      ModelNumber: 'HDHR5-4K',
      BaseURL: 'http://192.168.1.50:5004',
      LineupURL: 'http://192.168.1.50:5004/lineup.json',
      TunerCount: 1,
    });
    expect(body.DeviceID).toMatch(/^[0-9A-F]{8}$/);
    expect(isValidDeviceId(Number.parseInt(body.DeviceID as string, 16))).toBe(true);
    expect(body.DeviceAuth).toMatch(/^\S{8,}$/);
  });

  it('uses --advertise-url and the configured friendly name', async () => {
    const { t } = await open({
      listen: false,
      config: { advertiseUrl: 'http://10.0.0.9:8080', friendlyName: 'Living room' },
    });
    const body = (await t.app.inject({ url: '/discover.json', headers: { host: '127.0.0.1:1' } })).json<
      Record<string, unknown>
    >();
    expect(body).toMatchObject({
      FriendlyName: 'Living room',
      BaseURL: 'http://10.0.0.9:8080',
      LineupURL: 'http://10.0.0.9:8080/lineup.json',
    });
  });

  it("counts tuners as the active accounts' effective limits, or the override", async () => {
    const { t, db } = await open({ listen: false });
    seedAccountRow(db, { maxConnections: 2 });
    seedAccountRow(db, { maxConnections: 3 });
    seedAccountRow(db, { maxConnections: 5, active: false });
    // No user limit: the provider's advertised limit counts; neither: 1.
    const providerOnly = seedAccountRow(db, {});
    db.prepare('UPDATE accounts SET max_connections = NULL, provider_max_connections = 4 WHERE id = ?').run(
      providerOnly,
    );
    const neither = seedAccountRow(db, {});
    db.prepare('UPDATE accounts SET max_connections = NULL, provider_max_connections = NULL WHERE id = ?').run(neither);
    expect((await t.app.inject('/discover.json')).json<{ TunerCount: number }>().TunerCount).toBe(2 + 3 + 4 + 1);

    const overridden = await open({ listen: false, config: { tunerCountOverride: 6 } });
    expect((await overridden.t.app.inject('/discover.json')).json<{ TunerCount: number }>().TunerCount).toBe(6);
  });

  it('keeps the DeviceID across restarts, and takes a fixed one from the config', async () => {
    const dir = makeTempDir();
    try {
      const first = await startApp({ dataDir: dir.path, listen: false });
      const id1 = (await first.app.inject('/discover.json')).json<{ DeviceID: string }>().DeviceID;
      const uuid1 = first.domains.tunerDevice.identity.uuid;
      await first.close({ keepDataDir: true });
      const second = await startApp({ dataDir: dir.path, listen: false });
      const id2 = (await second.app.inject('/discover.json')).json<{ DeviceID: string }>().DeviceID;
      expect(id2).toBe(id1);
      expect(second.domains.tunerDevice.identity.uuid).toBe(uuid1);
      await second.close({ keepDataDir: true });

      const fixed = await startApp({ dataDir: dir.path, listen: false, config: { deviceId: '12345674' } });
      expect((await fixed.app.inject('/discover.json')).json<{ DeviceID: string }>().DeviceID).toBe('12345674');
      await fixed.close({ keepDataDir: true });
      await expect(startApp({ dataDir: dir.path, listen: false, config: { deviceId: '12345675' } })).rejects.toThrow(
        /invalid device id/,
      );

      // A stored id that fails the check (hand-edited database) is replaced by a valid one, once.
      const db = openDatabase(join(dir.path, 'tunerbridge.db'));
      db.prepare("UPDATE settings SET value = json_set(value, '$.deviceId', ?) WHERE key = 'tuner.identity'").run(
        0x12345675,
      );
      db.close();
      const repaired = await startApp({ dataDir: dir.path, listen: false });
      const id3 = (await repaired.app.inject('/discover.json')).json<{ DeviceID: string }>().DeviceID;
      expect(id3).not.toBe('12345675');
      expect(id3).not.toBe(id1);
      expect(isValidDeviceId(Number.parseInt(id3, 16))).toBe(true);
      expect(repaired.domains.tunerDevice.identity.uuid).toBe(uuid1);
      await repaired.close({ keepDataDir: true });
      const again = await startApp({ dataDir: dir.path, listen: false });
      expect((await again.app.inject('/discover.json')).json<{ DeviceID: string }>().DeviceID).toBe(id3);
      await again.close({ keepDataDir: true });
    } finally {
      dir.remove();
    }
  });
});

describe('/lineup.json and /lineup.xml', () => {
  it('lists only enabled channels with a primary mapping, by number, with string GuideNumbers, encoded URLs and HD flags', async () => {
    const { t, db } = await open({ listen: false });
    const account = seedAccountRow(db);
    addChannel(db, account, 'bbc1.uk', { name: 'BBC One', number: 101, tiers: ['SD', 'FHD'] });
    addChannel(db, account, 'itv/1 & co.uk', { name: 'ITV "1" & Co', number: 7, tiers: ['SD'] });
    addChannel(db, account, 'uhd.test', { name: 'UHD', number: 50, tiers: ['4K'] });
    addChannel(db, account, 'off.uk', { number: 3, enabled: false });
    addChannel(db, account, 'secondary-only.uk', { number: 4, primary: false });
    seedLineupChannel(db, { channelId: 'unmapped.uk', number: 5 });

    const res = await t.app.inject({
      url: '/lineup.json?show=found&tuning=1&whatever',
      headers: { host: 'tuner.lan:5004' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual([
      { GuideNumber: '7', GuideName: 'ITV "1" & Co', URL: 'http://tuner.lan:5004/stream/itv%2F1%20%26%20co.uk' },
      { GuideNumber: '50', GuideName: 'UHD', URL: 'http://tuner.lan:5004/stream/uhd.test', HD: 1 },
      { GuideNumber: '101', GuideName: 'BBC One', URL: 'http://tuner.lan:5004/stream/bbc1.uk', HD: 1 },
    ]);
    expect((await t.app.inject('/lineup.json?show=demo')).json()).toHaveLength(3);

    const xml = await t.app.inject({ url: '/lineup.xml', headers: { host: 'tuner.lan:5004' } });
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    const nodes = parseXml(xml.body);
    expect(nodes.filter((n) => n.path === 'Lineup/Program')).toHaveLength(3);
    const field = (name: string) => nodes.filter((n) => n.path === `Lineup/Program/${name}`).map((n) => n.text);
    expect(field('GuideNumber')).toEqual(['7', '50', '101']);
    expect(field('GuideName')).toEqual(['ITV "1" & Co', 'UHD', 'BBC One']);
    expect(field('URL')[0]).toBe('http://tuner.lan:5004/stream/itv%2F1%20%26%20co.uk');
    expect(field('HD')).toEqual(['1', '1']);
  });

  it('uses --advertise-url for every stream URL', async () => {
    const { t, db } = await open({ listen: false, config: { advertiseUrl: 'https://tv.example.net' } });
    addChannel(db, seedAccountRow(db), 'bbc1.uk', { number: 1 });
    expect((await t.app.inject('/lineup.json')).json()).toEqual([
      { GuideNumber: '1', GuideName: 'bbc1.uk', URL: 'https://tv.example.net/stream/bbc1.uk' },
    ]);
  });

  it('answers an empty lineup with []', async () => {
    const { t } = await open({ listen: false });
    expect((await t.app.inject('/lineup.json')).json()).toEqual([]);
    expect(parseXml((await t.app.inject('/lineup.xml')).body).map((n) => n.path)).toEqual(['Lineup']);
  });
});

describe('scan and device description', () => {
  it('reports a possible, finished scan', async () => {
    const { t } = await open({ listen: false });
    expect((await t.app.inject('/lineup_status.json')).json()).toEqual({
      ScanInProgress: 0,
      ScanPossible: 1,
      Source: 'Cable',
      SourceList: ['Cable'],
    });
  });

  it('answers POST /lineup.post?scan=start|abort with an empty 200, whatever the body, and 400 for another scan value', async () => {
    const { t } = await open({ listen: false });
    for (const url of ['/lineup.post?scan=start&source=Cable', '/lineup.post?scan=abort', '/lineup.post']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'scan=start',
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
      expect(res.headers['content-length']).toBe('0');
    }
    const jsonEmpty = await t.app.inject({
      method: 'POST',
      url: '/lineup.post?scan=start',
      headers: { 'content-type': 'application/json' },
    });
    expect(jsonEmpty.statusCode).toBe(200);
    const bad = await t.app.inject({ method: 'POST', url: '/lineup.post?scan=explode' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/^invalid request/);
  });

  it('serves a UPnP root device description naming the same device', async () => {
    const { t } = await open({ listen: false, config: { friendlyName: 'Den <TV> & more' } });
    const discover = (await t.app.inject({ url: '/discover.json', headers: { host: '10.1.1.1:5004' } })).json<{
      DeviceID: string;
    }>();
    const res = await t.app.inject({ url: '/device.xml', headers: { host: '10.1.1.1:5004' } });
    expect(res.headers['content-type']).toMatch(/^application\/xml/);
    const nodes = parseXml(res.body);
    const value = (path: string) => nodes.find((n) => n.path === path)?.text;
    expect(value('root/specVersion/major')).toBe('1');
    expect(value('root/URLBase')).toBe('http://10.1.1.1:5004');
    expect(value('root/device/deviceType')).toBe('urn:schemas-upnp-org:device:MediaServer:1');
    expect(value('root/device/friendlyName')).toBe('Den <TV> & more');
    expect(value('root/device/manufacturer')).toBe('Silicondust');
    expect(value('root/device/modelNumber')).toBe('HDHR5-4K');
    expect(value('root/device/serialNumber')).toBe(discover.DeviceID);
    expect(value('root/device/UDN')).toBe(`uuid:${t.domains.tunerDevice.identity.uuid}`);
    expect(res.body).toContain('xmlns="urn:schemas-upnp-org:device-1-0"');
  });
});

/** One raw HTTP/1.0 exchange, as Plex's set-up does it. */
function http10(url: string, path: string, method = 'GET'): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`${method} ${path} HTTP/1.0\r\nHost: ${hostname}:${port}\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('HTTP/1.0 (Plex set-up)', () => {
  it('answers every set-up endpoint with a Content-Length and no chunking, then closes', async () => {
    const { t, db } = await open();
    addChannel(db, seedAccountRow(db), 'bbc1.uk', { name: 'BBC One', number: 1 });
    for (const [path, method] of [
      ['/discover.json', 'GET'],
      ['/lineup_status.json', 'GET'],
      ['/lineup.json', 'GET'],
      ['/lineup.xml', 'GET'],
      ['/device.xml', 'GET'],
      ['/lineup.post?scan=start&source=Cable', 'POST'],
    ] as const) {
      const raw = await http10(t.url, path, method);
      const [head, body] = raw.split('\r\n\r\n', 2) as [string, string];
      expect(head, path).toMatch(/^HTTP\/1\.[01] 200 /);
      expect(head.toLowerCase(), path).not.toContain('transfer-encoding');
      const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1];
      expect(length, path).toBeDefined();
      expect(Buffer.byteLength(body), path).toBe(Number(length));
    }
    const lineup = JSON.parse((await http10(t.url, '/lineup.json')).split('\r\n\r\n', 2)[1]!) as { URL: string }[];
    expect(lineup[0]!.URL).toBe(`${t.url}/stream/bbc1.uk`);
  });
});

describe('/auto/v{GuideNumber}', () => {
  let f: StreamFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  it('plays the channel with that number through the stream proxy (best tier of its primary mapping)', async () => {
    f = await startStreamFixture();
    const lineupId = f.addChannel('bbc1.uk', [
      { streamId: 201, tier: 'SD' },
      { streamId: 202, tier: 'FHD' },
    ]);
    f.db.prepare('UPDATE xmltv_channel_settings SET channel_number = 42 WHERE xmltv_channel_id = ?').run(lineupId);
    const client = await openStream(`${f.t.url}/auto/v42?transcode=heavy`);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('video/mp2t');
    await client.waitForBytes(188 * 4);
    expect(client.head()[0]).toBe(0x47);
    expect(f.provider.streamRequests().map((r) => r.streamId)).toEqual([202]);
    client.close();
  });

  it('answers 404 for an unknown number, a disabled channel and a malformed path, without contacting the provider', async () => {
    f = await startStreamFixture();
    const lineupId = f.addChannel('off.uk', [{ streamId: 301, tier: 'HD' }], { enabled: false });
    const number = (
      f.db
        .prepare('SELECT channel_number AS n FROM xmltv_channel_settings WHERE xmltv_channel_id = ?')
        .get(lineupId) as { n: number }
    ).n;
    for (const path of [`/auto/v${number}`, '/auto/v999', '/auto/5', '/auto/vabc', '/auto/v1.1']) {
      const res = await f.t.app.inject(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json(), path).toEqual({ error: 'channel not found' });
    }
    expect(f.provider.streamRequests()).toHaveLength(0);
  });
});
