import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStream, startStreamFixture, type StreamClient, type StreamFixture } from '../streaming/stream-fixture.js';
import { hourlyProgrammes, xmltvDocument } from '../xmltv/guide-fixture.js';
import { liveStream } from '../support/fake-xtream-provider.js';
import { startFakeGuideServer } from '../support/fake-guide-server.js';
import { openSse, type SseClient, type SseMessage } from '../support/sse-client.js';

type Progress = {
  kind: string;
  id: number;
  phase: string;
  done?: number;
  total?: number;
  percent?: number;
  finished: boolean;
  error?: string;
};

/** Each phase once, in the order first seen (a phase may report several times). */
const phasesOf = (progress: Progress[]) => [...new Set(progress.map((p) => p.phase))];

/** The percents reported, in order (those without one left out). */
const percentsOf = (progress: Progress[]) => progress.flatMap((p) => (p.percent === undefined ? [] : [p.percent]));

const isMonotone = (values: number[]) => values.every((v, i) => i === 0 || v >= values[i - 1]!);

describe('GET /api/live (Server-Sent Events)', () => {
  let f: StreamFixture;
  let live: SseClient | undefined;
  const clients: StreamClient[] = [];
  beforeEach(async () => {
    f = await startStreamFixture({ maxConnections: 2 });
  });
  afterEach(async () => {
    live?.close();
    for (const c of clients.splice(0)) c.close();
    await f.close();
  });

  async function connect(): Promise<SseClient> {
    live = await openSse(`${f.t.url}/api/live`);
    expect(live.status).toBe(200);
    expect(live.contentType).toMatch(/^text\/event-stream/);
    // The snapshot sent on connect.
    await live.waitFor((m) => m.event === 'sessions');
    return live;
  }

  const progressOf = (messages: SseMessage[], kind: string) =>
    messages
      .filter((m) => m.event === 'progress')
      .map((m) => m.data as Progress)
      .filter((p) => p.kind === kind);

  it('sends the lineup generation and the sessions view on connect, then each new event as GET /api/events lists it', async () => {
    const sse = await connect();
    const generation = f.t.domains.lineup.generation;
    expect(sse.messages.find((m) => m.event === 'lineup')?.data).toEqual({ generation });
    expect(sse.messages.find((m) => m.event === 'sessions')?.data).toEqual({ items: [], total: 0, hubs: [] });
    expect(sse.comments).toContain('connected');

    f.t.domains.events.record({ level: 'warn', category: 'test', message: 'Something happened', details: { n: 1 } });
    const message = await sse.waitFor((m) => m.event === 'event');
    const listed = (await f.t.app.inject({ url: '/api/events?category=test' })).json<{ items: unknown[] }>().items;
    expect(listed).toHaveLength(1);
    expect(message.data).toEqual(listed[0]);
  });

  it('pushes { generation } when the lineup changes', async () => {
    const sse = await connect();
    const before = f.t.domains.lineup.generation;
    const res = await f.t.app.inject({ method: 'POST', url: '/api/channels', payload: { displayName: 'My Channel' } });
    expect(res.statusCode).toBe(201);
    const message = await sse.waitFor(
      (m) => m.event === 'lineup' && (m.data as { generation: number }).generation > before,
    );
    expect(message.data).toEqual({ generation: f.t.domains.lineup.generation });
  });

  it("reports an account scan's progress: fetching, storing, done", async () => {
    f.provider.setAccount({
      username: f.username,
      password: f.password,
      streams: [liveStream(1, 'UK: BBC One HD'), liveStream(2, 'UK: ITV HD')],
    });
    const sse = await connect();
    const scan = await f.t.app.inject({ method: 'POST', url: `/api/accounts/${f.accountId}/scan` });
    expect(scan.statusCode).toBe(200);
    await sse.waitFor((m) => m.event === 'progress' && (m.data as Progress).finished);
    const phases = progressOf(sse.messages, 'scan');
    expect(phasesOf(phases)).toEqual(['fetching', 'storing', 'done']);
    expect(phases.every((p) => p.id === f.accountId)).toBe(true);
    expect(phases.at(-1)).toEqual({
      kind: 'scan',
      id: f.accountId,
      phase: 'done',
      done: 2,
      total: 2,
      percent: 100,
      finished: true,
    });
  });

  it("reports a scan's percent by step: the stream list's bytes up to 80, storing 90, done 100, never going back", async () => {
    // About 600 kB of stream list: read in several chunks.
    f.provider.setAccount({
      username: f.username,
      password: f.password,
      streams: Array.from({ length: 4000 }, (_, i) => liveStream(i + 1, `UK: Channel ${i + 1} HD`)),
    });
    const sse = await connect();
    const scan = await f.t.app.inject({ method: 'POST', url: `/api/accounts/${f.accountId}/scan` });
    expect(scan.statusCode).toBe(200);
    await sse.waitFor((m) => m.event === 'progress' && (m.data as Progress).finished);
    const progress = progressOf(sse.messages, 'scan');
    const percents = percentsOf(progress);
    expect(isMonotone(percents)).toBe(true);
    expect(percents[0]).toBeLessThan(80);
    expect(percents.at(-1)).toBe(100);
    const fetching = progress.filter((p) => p.phase === 'fetching' && p.total !== undefined);
    expect(fetching.length).toBeGreaterThan(1);
    // The last bytes of the list: all of its Content-Length.
    expect(fetching.at(-1)).toMatchObject({ done: fetching.at(-1)!.total, percent: 80 });
    expect(progress.find((p) => p.phase === 'storing')).toMatchObject({ total: 4000, percent: 90 });
  });

  it('reports a failed scan with its reason', async () => {
    f.provider.overrideApi('get_live_streams', { status: 500, body: 'oops' });
    const sse = await connect();
    const scan = await f.t.app.inject({ method: 'POST', url: `/api/accounts/${f.accountId}/scan` });
    expect(scan.statusCode).toBeGreaterThanOrEqual(500);
    const last = await sse.waitFor((m) => m.event === 'progress' && (m.data as Progress).finished);
    expect(last.data).toMatchObject({
      kind: 'scan',
      phase: 'failed',
      finished: true,
      error: scan.json<{ error: string }>().error,
    });
  });

  it("reports a guide import's progress with a percent of the file's size", async () => {
    const channels = Array.from({ length: 20 }, (_, i) => `ch${i}.test`);
    const xml = xmltvDocument(
      channels.map((id) => ({ id, names: [id] })),
      hourlyProgrammes(channels, 48),
    );
    mkdirSync(join(f.t.dataDir, 'guides'), { recursive: true });
    const path = join(f.t.dataDir, 'guides', 'big.xml');
    writeFileSync(path, xml);
    const source = f.t.domains.guides.create({ name: 'Big', url: path });
    const sse = await connect();
    await f.t.domains.guides.refresh(source.id);
    await sse.waitFor((m) => m.event === 'progress' && (m.data as Progress).finished);
    const phases = progressOf(sse.messages, 'import');
    expect(phases[0]).toMatchObject({ id: source.id, phase: 'opening', finished: false });
    const reading = phases.filter((p) => p.phase === 'reading');
    expect(reading.length).toBeGreaterThan(0);
    expect(reading.at(-1)).toMatchObject({ done: Buffer.byteLength(xml), total: Buffer.byteLength(xml), percent: 100 });
    expect(phases.at(-1)).toMatchObject({ id: source.id, phase: 'done', percent: 100, finished: true });
  });

  it("reports a downloaded guide's percent of its Content-Length, in the SSE stream and the source's refresh view", async () => {
    const channels = Array.from({ length: 20 }, (_, i) => `ch${i}.test`);
    const xml = xmltvDocument(
      channels.map((id) => ({ id, names: [id] })),
      hourlyProgrammes(channels, 48),
    );
    const server = await startFakeGuideServer();
    try {
      server.route('/guide.xml', { body: xml, chunkSize: 16 * 1024 });
      const source = f.t.domains.guides.create({ name: 'Downloaded', url: `${server.url}/guide.xml` });
      // What GET /api/xmltv-sources/:id says while it runs, read at each progress step.
      const views: { total?: number; percent?: number }[] = [];
      const stop = f.t.domains.guides.onImportProgress((p) => {
        if (p.phase === 'reading') views.push(f.t.domains.guides.get(source.id).refresh ?? {});
      });
      const sse = await connect();
      await f.t.domains.guides.refresh(source.id);
      stop();
      await sse.waitFor((m) => m.event === 'progress' && (m.data as Progress).finished);
      const progress = progressOf(sse.messages, 'import');
      const percents = percentsOf(progress);
      expect(percents.length).toBeGreaterThan(2);
      expect(isMonotone(percents)).toBe(true);
      expect(percents.at(-1)).toBe(100);
      expect(progress.filter((p) => p.phase === 'reading').every((p) => p.total === Buffer.byteLength(xml))).toBe(true);
      expect(views.length).toBeGreaterThan(2);
      expect(views.every((v) => v.total === Buffer.byteLength(xml))).toBe(true);
      expect(isMonotone(views.map((v) => v.percent!))).toBe(true);
      expect(views.at(-1)!.percent).toBe(100);
      expect((await f.t.app.inject({ url: `/api/xmltv-sources/${source.id}` })).json()).toMatchObject({
        refresh: null,
      });
    } finally {
      await server.close();
    }
  });

  it('pushes the sessions view when a stream starts and ends', async () => {
    f.addChannel('bbc1.uk', [{ streamId: 801, tier: 'HD' }]);
    const sse = await connect();
    const start = sse.messages.length;
    const client = await openStream(`${f.t.url}/stream/bbc1.uk`);
    clients.push(client);
    await client.waitForBytes(10_000);
    type Page = { total: number; items: { state: string }[]; hubs: { id: string; channelId: string }[] };
    const playing = await sse.waitFor(
      (m) => m.event === 'sessions' && (m.data as Page).items.some((s) => s.state === 'streaming'),
      5000,
      start,
    );
    const hub = (playing.data as Page).hubs[0]!;
    expect(hub.channelId).toBe('bbc1.uk');
    const next = sse.messages.length;
    expect((await f.t.app.inject({ method: 'DELETE', url: `/api/sessions/${hub.id}` })).statusCode).toBe(204);
    const stopped = await sse.waitFor((m) => m.event === 'sessions' && (m.data as Page).hubs.length === 0, 5000, next);
    expect(stopped.data).toEqual({ items: [], total: 0, hubs: [] });
  });

  it('ends open streams when the server closes (shutdown does not hang)', async () => {
    const sse = await connect();
    await f.t.app.close();
    await sse.ended;
    expect(sse.messages.length).toBeGreaterThan(0);
  });

  it('is behind the admin guard', async () => {
    const res = await f.t.app.inject({ url: '/api/live', remoteAddress: '192.168.1.20' });
    expect(res.statusCode).toBe(401);
  });
});
