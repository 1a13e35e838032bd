import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatXmltvTime } from '../../src/xmltv/index.js';
import { hourlyProgrammes, startGuideApp, xmltvDocument, type GuideTestApp } from '../xmltv/guide-fixture.js';

const hourMs = 3_600_000;
const midnight = Date.UTC(2026, 0, 10);
const now = midnight + 12 * hourMs;

interface GuideChannelBody {
  id: number;
  channelId: string;
  displayName: string;
  programmes: {
    start: string;
    stop: string;
    title: string;
    subtitle?: string;
    description?: string;
    category?: string;
  }[];
}

describe('guide data for the UI', () => {
  let t: GuideTestApp;
  const ids: Record<string, number> = {};
  beforeEach(async () => {
    t = await startGuideApp({ deps: { clock: { now: () => now } } });
    const doc = xmltvDocument(
      ['a.test', 'b.test', 'c.test'].map((id) => ({ id, names: [`Channel ${id[0]!.toUpperCase()}`] })),
      hourlyProgrammes(['a.test', 'b.test', 'c.test'], 48, midnight),
    ).replace(
      '</tv>',
      `  <programme start="${formatXmltvTime(now + 100 * hourMs)}" stop="${formatXmltvTime(now + 101 * hourMs)}" channel="a.test"><title>Far away</title></programme>\n</tv>`,
    );
    // One programme with every optional text, replacing the 12:00 one of a.test.
    const rich = `<programme start="${formatXmltvTime(now)}" stop="${formatXmltvTime(now + hourMs)}" channel="a.test"><title>News</title><sub-title>Late edition</sub-title><desc>What happened.</desc><category>News</category><category>Current affairs</category></programme>`;
    const withRich = doc.replace(
      / {2}<programme start="[^"]+" stop="[^"]+" channel="a\.test"><title>a\.test show 12<\/title><\/programme>/,
      rich,
    );
    expect(withRich).not.toBe(doc);
    const source = t.guides.create({ name: 'Guide', url: t.writeGuide('guide.xml', withRich) });
    await t.guides.refresh(source.id);
    for (const channel of t.lineup.list({ limit: 100 }).items) ids[channel.channelId] = channel.id;
    // Enable a and c, and put c first in the lineup.
    expect(
      (
        await t.inject({
          method: 'POST',
          url: '/api/channels/bulk',
          payload: { ids: [ids['a.test'], ids['c.test']], enabled: true },
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await t.inject({ method: 'POST', url: '/api/channels/reorder', payload: { id: ids['c.test'], toIndex: 0 } }))
        .statusCode,
    ).toBe(200);
  });
  afterEach(() => t.close());

  it('GET /api/channels/:id/programmes: by default 2 h ago to 24 h on, with the optional texts', async () => {
    const res = await t.inject({ url: `/api/channels/${ids['a.test']}/programmes` });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ from: string; to: string; channel: GuideChannelBody }>();
    expect(body.from).toBe('2026-01-10T10:00:00.000Z');
    expect(body.to).toBe('2026-01-11T12:00:00.000Z');
    expect(body.channel).toMatchObject({ id: ids['a.test'], channelId: 'a.test', displayName: 'Channel A' });
    const programmes = body.channel.programmes;
    // 10:00 .. 11:00 next day: 26 hourly programmes; the one ending at 10:00 is not in the window.
    expect(programmes).toHaveLength(26);
    expect(programmes[0]).toEqual({
      start: '2026-01-10T10:00:00.000Z',
      stop: '2026-01-10T11:00:00.000Z',
      title: 'a.test show 10',
    });
    expect(programmes[2]).toEqual({
      start: '2026-01-10T12:00:00.000Z',
      stop: '2026-01-10T13:00:00.000Z',
      title: 'News',
      subtitle: 'Late edition',
      description: 'What happened.',
      category: 'News',
    });
  });

  it('takes an explicit window, for a disabled channel too, and refuses a bad or over-long one naming the field', async () => {
    const res = await t.inject({
      url: `/api/channels/${ids['b.test']}/programmes?from=2026-01-10T00:00:00Z&to=2026-01-10T03:00:00Z`,
    });
    expect(res.json<{ channel: GuideChannelBody }>().channel.programmes.map((p) => p.title)).toEqual([
      'b.test show 0',
      'b.test show 1',
      'b.test show 2',
    ]);
    const far = await t.inject({
      url: `/api/channels/${ids['a.test']}/programmes?from=${new Date(now + 99 * hourMs).toISOString()}`,
    });
    expect(far.json<{ channel: GuideChannelBody }>().channel.programmes.map((p) => p.title)).toEqual(['Far away']);

    for (const [query, error] of [
      ['from=the-day-before', 'from must be an ISO 8601 time'],
      ['from=2026-01-10T00:00:00Z&to=2026-01-13T00:00:01Z', 'the window from..to must be 48 hours or less'],
      ['from=2026-01-10T05:00:00Z&to=2026-01-10T04:00:00Z', 'to must be after from'],
    ] as const) {
      const bad = await t.inject({ url: `/api/channels/${ids['a.test']}/programmes?${query}` });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json()).toEqual({ error: error });
    }
    expect((await t.inject({ url: '/api/channels/9999/programmes' })).statusCode).toBe(404);
  });

  it('GET /api/guide: the enabled channels in lineup order, each with its programmes, paged', async () => {
    const res = await t.inject({ url: '/api/guide?from=2026-01-10T20:00:00Z&to=2026-01-10T22:00:00Z' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ total: number; channels: GuideChannelBody[] }>();
    expect(body.total).toBe(2);
    expect(body.channels.map((c) => c.channelId)).toEqual(['c.test', 'a.test']);
    expect(body.channels[0]!.programmes.map((p) => p.title)).toEqual(['c.test show 20', 'c.test show 21']);

    const second = await t.inject({ url: '/api/guide?offset=1&limit=1' });
    const page = second.json<{ total: number; channels: GuideChannelBody[] }>();
    expect(page.total).toBe(2);
    expect(page.channels.map((c) => c.channelId)).toEqual(['a.test']);
    expect(page.channels[0]!.programmes).toHaveLength(26);

    expect((await t.inject({ url: '/api/guide?limit=201' })).statusCode).toBe(400);
  });
});
