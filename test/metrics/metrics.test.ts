import { afterEach, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { adminPassword, bearer, lan, manualClock } from '../auth/auth-fixture.js';
import { backupId, channelWithBackup, primaryId } from '../streaming/backup-channel.js';
import {
  openStream,
  startStreamFixture,
  waitUntil,
  type StreamClient,
  type StreamFixture,
} from '../streaming/stream-fixture.js';
import { hourlyProgrammes, startGuideApp, xmltvDocument, type GuideTestApp } from '../xmltv/guide-fixture.js';

/** One sample of a scrape: its name and labels as Prometheus writes them, and its value. */
type Samples = Map<string, number>;

/** Parses the Prometheus text format into `name{label="v",…}` → value (comments skipped). */
function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

function valueOf(samples: Samples, key: string): number {
  const value = samples.get(key);
  if (value === undefined) throw new Error(`no sample ${key} in ${[...samples.keys()].join(', ')}`);
  return value;
}

describe('GET /metrics', () => {
  let f: StreamFixture | undefined;
  let g: GuideTestApp | undefined;
  const clients: StreamClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await f?.close();
    await g?.close();
    f = g = undefined;
  });

  async function scrape(
    headers: Record<string, string> = {},
  ): Promise<{ res: LightMyRequestResponse; samples: Samples }> {
    const res = await (f ?? g)!.t.app.inject({ url: '/metrics', headers });
    return { res, samples: res.statusCode === 200 ? parseSamples(res.body) : new Map() };
  }

  async function play(channelId: string): Promise<StreamClient> {
    const client = await openStream(`${f!.t.url}/stream/${channelId}`);
    clients.push(client);
    expect(client.status).toBe(200);
    await client.waitForBytes(20_000);
    return client;
  }

  it('shows a playing stream: one active stream, its viewers, upstream bytes and the slot it holds', async () => {
    f = await startStreamFixture({ maxConnections: 2, username: 'alice-7731' });
    f.addChannel('bbc1.uk', [{ streamId: 801, tier: 'HD' }]);
    const idle = await scrape();
    expect(idle.res.statusCode).toBe(200);
    expect(idle.res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(valueOf(idle.samples, 'tunerbridge_active_streams')).toBe(0);
    expect(valueOf(idle.samples, 'tunerbridge_upstream_bytes_total')).toBe(0);

    await play('bbc1.uk');
    await play('bbc1.uk');
    const { res, samples } = await scrape();
    expect(valueOf(samples, 'tunerbridge_active_streams')).toBe(1);
    expect(valueOf(samples, 'tunerbridge_viewers')).toBe(2);
    expect(valueOf(samples, 'tunerbridge_failovers_total')).toBe(0);
    // Both viewers got 20 000 bytes of the one upstream: at least that much came in.
    expect(valueOf(samples, 'tunerbridge_upstream_bytes_total')).toBeGreaterThanOrEqual(20_000);
    const account = `account_id="${f.accountId}",account="Fake provider"`;
    expect(valueOf(samples, `tunerbridge_tuner_slots_used{${account}}`)).toBe(1);
    expect(valueOf(samples, `tunerbridge_tuner_slots_limit{${account}}`)).toBe(2);
    // Names and ids only: never the provider's URL, user or password.
    expect(res.body).not.toContain(f.password);
    expect(res.body).not.toContain(f.provider.url);
    expect(res.body).not.toContain(f.username);
  });

  it('counts a failover, and keeps the totals of a stream that ended', async () => {
    f = await startStreamFixture({ maxConnections: 2 });
    channelWithBackup(f, 'same account');
    f.provider.setStream(primaryId, { fault: { kind: 'status', status: 500 } });
    const client = await play('news.uk');
    const sessions = (await f.t.app.inject({ url: '/api/sessions' })).json<{
      hubs: { candidate: { streamId: number } }[];
    }>();
    expect(sessions.hubs.map((h) => h.candidate.streamId)).toEqual([backupId]);
    const playing = await scrape();
    expect(valueOf(playing.samples, 'tunerbridge_failovers_total')).toBe(1);
    const bytes = valueOf(playing.samples, 'tunerbridge_upstream_bytes_total');
    expect(bytes).toBeGreaterThanOrEqual(20_000);

    client.close();
    await waitUntil(() => f!.t.domains.streaming.hubs.size === 0, 5000, 'hub closed');
    const { samples } = await scrape();
    expect(valueOf(samples, 'tunerbridge_active_streams')).toBe(0);
    expect(valueOf(samples, 'tunerbridge_viewers')).toBe(0);
    expect(valueOf(samples, `tunerbridge_tuner_slots_used{account_id="${f.accountId}",account="Fake provider"}`)).toBe(
      0,
    );
    // Counters never go down when a stream ends.
    expect(valueOf(samples, 'tunerbridge_failovers_total')).toBe(1);
    expect(valueOf(samples, 'tunerbridge_upstream_bytes_total')).toBeGreaterThanOrEqual(bytes);
  });

  it("shows each guide source's last import duration, age and programmes", async () => {
    const clock = manualClock(Date.UTC(2026, 5, 1, 12));
    g = await startGuideApp({ deps: { clock } });
    const path = g.writeGuide('big.xml', xmltvDocument([], hourlyProgrammes(['a.uk', 'b.uk'], 24, clock.now())));
    const source = g.guides.create({ name: 'My "main" guide', url: path });
    const never = g.guides.create({ name: 'Never imported', url: g.writeGuide('other.xml', xmltvDocument([], [])) });
    const result = await g.guides.refresh(source.id);
    clock.advance(90_000);

    const { samples } = await scrape();
    const label = `source_id="${source.id}",source="My \\"main\\" guide"`;
    expect(valueOf(samples, `tunerbridge_guide_age_seconds{${label}}`)).toBe(90);
    expect(valueOf(samples, `tunerbridge_guide_import_duration_seconds{${label}}`)).toBe(result.durationMs / 1000);
    expect(valueOf(samples, `tunerbridge_guide_programmes{${label}}`)).toBe(48);
    // A source never imported has no age or duration yet.
    expect([...samples.keys()].filter((k) => k.includes(`source_id="${never.id}"`))).toEqual([
      `tunerbridge_guide_programmes{source_id="${never.id}",source="Never imported"}`,
    ]);
  });

  it('is guarded like /api: 401 without credentials once a password is set, 200 with an API key', async () => {
    g = await startGuideApp();
    const t = g.t;
    // No password yet: loopback only, as for /api.
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics', remoteAddress: lan })).statusCode).toBe(401);

    await t.domains.auth.setPassword(adminPassword, 'cli');
    const key = t.domains.auth.createKey('prometheus', '127.0.0.1');
    for (const remoteAddress of ['127.0.0.1', lan]) {
      const refused = await t.app.inject({ url: '/metrics', remoteAddress });
      expect(refused.statusCode, remoteAddress).toBe(401);
      expect(refused.json()).toEqual({ error: 'authentication required' });
      expect(refused.body).not.toContain('tunerbridge_');
    }
    const wrong = await t.app.inject({ url: '/metrics', headers: bearer('not-a-key'), remoteAddress: lan });
    expect(wrong.statusCode).toBe(401);
    for (const headers of [bearer(key.key), { 'x-api-key': key.key }]) {
      const res = await t.app.inject({ url: '/metrics', headers, remoteAddress: lan });
      expect(res.statusCode).toBe(200);
      expect(parseSamples(res.body).has('tunerbridge_active_streams')).toBe(true);
    }
    // The DNS-rebinding Host rule of /api applies too.
    const foreign = await t.app.inject({ url: '/metrics', headers: { ...bearer(key.key), host: 'evil.example' } });
    expect(foreign.statusCode).toBe(403);
  });
});
