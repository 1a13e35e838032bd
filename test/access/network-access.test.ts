import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type TestApp } from '../support/start-app.js';

const apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps.splice(0)) await t.close();
});

async function app(config: Parameters<typeof startApp>[0] = {}): Promise<TestApp> {
  const t = await startApp({ listen: false, ...config });
  apps.push(t);
  return t;
}

// Every route of the tuner surface: what Plex, Jellyfin, HDHomeRun tools and monitoring ask for.
const tunerRequests: { method?: 'GET' | 'HEAD' | 'POST'; url: string }[] = [
  { url: '/discover.json' },
  { url: '/lineup.json' },
  { url: '/lineup.xml' },
  { url: '/lineup_status.json' },
  { method: 'POST', url: '/lineup.post?scan=start' },
  { url: '/device.xml' },
  { url: '/status.json' },
  { url: '/tuners.html' },
  { url: '/auto/v1' },
  { method: 'HEAD', url: '/auto/v1' },
  { url: '/stream/bbc1.uk' },
  { url: '/playlist.m3u' },
  { url: '/lineup.m3u' },
  { url: '/epg.xml' },
  { url: '/epg.xml.gz' },
  { url: `/logos/${'0'.repeat(64)}.png` },
  { url: '/health' },
];

/** The FORBIDDEN lines the error handler wrote, with the client each one names. */
function forbiddenClients(t: TestApp): string[] {
  return t.logs
    .map((line) => JSON.parse(line) as { code?: string; details?: { client?: string } })
    .filter((entry) => entry.code === 'FORBIDDEN' && entry.details?.client !== undefined)
    .map((entry) => entry.details!.client!);
}

describe('tuner surface: who may reach it', () => {
  it('answers loopback, private, link-local, ULA and IPv4-mapped private clients on every tuner route', async () => {
    const t = await app();
    for (const remoteAddress of [
      '127.0.0.1',
      '::1',
      '10.0.0.7',
      '172.20.1.1',
      '192.168.1.5',
      '169.254.3.4',
      'fe80::1',
      'fd00::5',
      '::ffff:192.168.1.5',
    ]) {
      for (const request of tunerRequests) {
        const res = await t.app.inject({ ...request, remoteAddress });
        expect(res.statusCode, `${request.url} from ${remoteAddress}`).not.toBe(403);
      }
      const discover = await t.app.inject({ url: '/discover.json', remoteAddress });
      expect(discover.statusCode).toBe(200);
      expect(discover.json()).toHaveProperty('DeviceID');
    }
    expect(forbiddenClients(t)).toEqual([]);
  });

  it('refuses a public client on every tuner route with 403 {"error":"forbidden"}, and logs who it was', async () => {
    const t = await app();
    for (const remoteAddress of ['8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8', '100.64.0.1']) {
      for (const request of tunerRequests) {
        const res = await t.app.inject({ ...request, remoteAddress });
        expect(res.statusCode, `${request.url} from ${remoteAddress}`).toBe(403);
        if (request.method !== 'HEAD') expect(res.json()).toEqual({ error: 'forbidden' });
        expect(res.body).not.toContain('DeviceID');
      }
    }
    expect(new Set(forbiddenClients(t))).toEqual(new Set(['8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8', '100.64.0.1']));
    expect(forbiddenClients(t)).toHaveLength(4 * tunerRequests.length);
  });

  it('does not apply the tuner rule to /api (that is the admin guard’s job)', async () => {
    const t = await app();
    const res = await t.app.inject({ url: '/api/accounts', remoteAddress: '8.8.8.8' });
    expect(res.json()).not.toEqual({ error: 'forbidden' });
  });

  it('--allow-cidr narrows the default: the rest of the LAN and loopback are refused', async () => {
    const t = await app({ config: { allowCidrs: ['192.168.1.0/24'] } });
    expect((await t.app.inject({ url: '/discover.json', remoteAddress: '192.168.1.200' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/discover.json', remoteAddress: '::ffff:192.168.1.200' })).statusCode).toBe(200);
    for (const remoteAddress of ['192.168.2.1', '10.0.0.1', '127.0.0.1', '::1']) {
      const res = await t.app.inject({ url: '/lineup.json', remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden' });
    }
  });

  it('--allow-cidr 0.0.0.0/0,::/0 opens it to every address', async () => {
    const t = await app({ config: { allowCidrs: ['0.0.0.0/0', '::/0'] } });
    for (const remoteAddress of ['8.8.8.8', '2001:db8::1', '::ffff:8.8.8.8']) {
      const res = await t.app.inject({ url: '/discover.json', remoteAddress });
      expect(res.statusCode, remoteAddress).toBe(200);
      expect(res.json()).toHaveProperty('DeviceID');
    }
  });

  it('sees the real peer of a real socket (127.0.0.1 outside a narrowed list gets 403)', async () => {
    const t = await startApp({ config: { allowCidrs: ['192.168.1.0/24'] } });
    apps.push(t);
    const res = await fetch(`${t.url}/discover.json`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden' });
    expect(forbiddenClients(t)).toEqual(['127.0.0.1']);
  });
});

describe('X-Forwarded-For and --trusted-proxy', () => {
  it('ignores X-Forwarded-For without --trusted-proxy, both ways', async () => {
    const t = await app();
    const spoofed = await t.app.inject({
      url: '/discover.json',
      remoteAddress: '8.8.8.8',
      headers: { 'x-forwarded-for': '192.168.1.5' },
    });
    expect(spoofed.statusCode).toBe(403);
    const lan = await t.app.inject({
      url: '/discover.json',
      remoteAddress: '192.168.1.5',
      headers: { 'x-forwarded-for': '8.8.8.8' },
    });
    expect(lan.statusCode).toBe(200);
    expect(forbiddenClients(t)).toEqual(['8.8.8.8']);
  });

  it('believes X-Forwarded-For only from a trusted proxy, and only as far as the first untrusted hop', async () => {
    const t = await app({ config: { trustedProxies: ['10.0.0.2'] } });
    const via = (remoteAddress: string, forwardedFor: string) =>
      t.app.inject({ url: '/discover.json', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });

    expect((await via('10.0.0.2', '8.8.8.8')).statusCode).toBe(403);
    expect((await via('10.0.0.2', '192.168.1.5')).statusCode).toBe(200);
    // A client cannot hide behind an address it prepends itself: the proxy appended the real one.
    expect((await via('10.0.0.2', '192.168.1.5, 8.8.4.4')).statusCode).toBe(403);
    // Another LAN peer is not a proxy: its header is ignored and it is judged as itself.
    expect((await via('10.0.0.3', '8.8.8.8')).statusCode).toBe(200);
    // A public peer does not become private by saying so.
    expect((await via('8.8.8.8', '192.168.1.5')).statusCode).toBe(403);
    expect(forbiddenClients(t)).toEqual(['8.8.8.8', '8.8.4.4', '8.8.8.8']);
  });

  it('takes CIDRs: every proxy in the network is trusted', async () => {
    const t = await app({ config: { trustedProxies: ['172.16.0.0/12', 'fd00::/8'] } });
    for (const proxy of ['172.18.0.1', 'fd00::2']) {
      const res = await t.app.inject({
        url: '/discover.json',
        remoteAddress: proxy,
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(res.statusCode, proxy).toBe(403);
    }
    expect(forbiddenClients(t)).toEqual(['203.0.113.9', '203.0.113.9']);
  });
});

describe('admin API Host rule (DNS rebinding)', () => {
  it('refuses a foreign Host with 403 {"error":"forbidden host"} before any route runs', async () => {
    const t = await app();
    for (const host of ['evil.example', 'evil.example:5004', 'localhost.evil.example', '192.168.1.6.nip.io:5004']) {
      const res = await t.app.inject({ url: '/api/accounts', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden host' });
    }
    // A write with a foreign Host changes nothing.
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: { host: 'evil.example:5004' },
      payload: { name: 'x', serverUrl: 'http://127.0.0.1:1', username: 'u', password: 'secret-pw' },
    });
    expect(write.statusCode).toBe(403);
    expect(t.domains.accounts.list()).toEqual([]);
    expect(t.logs.join('\n')).not.toContain('secret-pw');
    const logged = t.logs.map((line) => JSON.parse(line) as { code?: string; details?: { host?: string } });
    expect(logged.filter((l) => l.code === 'FORBIDDEN').map((l) => l.details?.host)).toContain('evil.example:5004');
  });

  it('answers localhost, loopback addresses, the advertise host and --allowed-host names', async () => {
    const t = await app({ config: { advertiseUrl: 'http://tuner.example:5004', allowedHosts: ['nas.lan'] } });
    for (const host of [
      'localhost',
      'localhost:5004',
      '127.0.0.1:5004',
      '[::1]:5004',
      'tuner.example:5004',
      'NAS.lan:5004',
    ]) {
      const res = await t.app.inject({ url: '/api/accounts', headers: { host } });
      expect(res.statusCode, host).toBe(200);
      expect(res.json()).toEqual([]);
    }
  });

  it('answers the URL a real client uses (127.0.0.1:port)', async () => {
    const t = await startApp();
    apps.push(t);
    const res = await fetch(`${t.url}/api/accounts`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('leaves the tuner surface alone: Plex reaches it by any name', async () => {
    const t = await app();
    const res = await t.app.inject({ url: '/discover.json', headers: { host: 'evil.example:5004' } });
    expect(res.statusCode).toBe(200);
  });

  it('believes X-Forwarded-Host only from a trusted proxy', async () => {
    // The proxy is on loopback: with no admin password set, /api answers loopback clients only.
    const plain = await app();
    const ignored = await plain.app.inject({
      url: '/api/accounts',
      remoteAddress: '127.0.0.1',
      headers: { host: '127.0.0.1:5004', 'x-forwarded-host': 'evil.example' },
    });
    expect(ignored.statusCode).toBe(200);

    const proxied = await app({ config: { trustedProxies: ['127.0.0.1'], allowedHosts: ['tv.example.org'] } });
    const rebound = await proxied.app.inject({
      url: '/api/accounts',
      remoteAddress: '127.0.0.1',
      headers: { host: '127.0.0.1:5004', 'x-forwarded-host': 'evil.example' },
    });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json()).toEqual({ error: 'forbidden host' });
    const named = await proxied.app.inject({
      url: '/api/accounts',
      remoteAddress: '127.0.0.1',
      headers: { host: '127.0.0.1:5004', 'x-forwarded-host': 'tv.example.org' },
    });
    expect(named.statusCode).toBe(200);
  });
});
