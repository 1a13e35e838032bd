import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { startGuideApp, xmltvDocument, type GuideTestApp } from '../xmltv/guide-fixture.js';
import { parseXml, seedProgramme, seedSource } from './epg-fixture.js';

const hourMs = 3_600_000;
// "Now" is 18:00 UTC; the guide has a programme at 20:00 +0000 and one at 21:00 +0000.
const now = Date.UTC(2026, 10, 24, 18);
const eight = Date.UTC(2026, 10, 24, 20);

describe('a guide source time shift', () => {
  let t: GuideTestApp;
  let sourceId: number;
  let lineupId: number;
  beforeEach(async () => {
    t = await startGuideApp({ deps: { clock: { now: () => now } } });
    lineupId = seedLineupChannel(t.db, { channelId: 'ch.1', displayName: 'One', number: 1 });
    const provider = seedProviderChannel(t.db, {
      accountId: seedAccountRow(t.db),
      name: 'P One',
      streams: [{ streamId: 1, tier: 'HD' }],
    });
    seedMapping(t.db, { lineupChannelId: lineupId, providerChannelId: provider, manual: true });
    const path = t.writeGuide(
      'guide.xml',
      xmltvDocument(
        [{ id: 'ch.1', names: ['One'] }],
        [
          { channel: 'ch.1', start: eight, stop: eight + hourMs, title: 'Eight' },
          { channel: 'ch.1', start: eight + hourMs, stop: eight + 2 * hourMs, title: 'Nine' },
        ],
      ),
    );
    const created = await t.inject({
      method: 'POST',
      url: '/api/xmltv-sources',
      payload: { name: 'Wrong offsets', url: path, timeShiftMinutes: 60 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ timeShiftMinutes: 60 });
    sourceId = created.json<{ id: number }>().id;
    expect((await t.inject({ method: 'POST', url: `/api/xmltv-sources/${sourceId}/refresh` })).statusCode).toBe(200);
  });
  afterEach(() => t.close());

  async function epgTimes(): Promise<string[][]> {
    const res = await t.inject({ url: '/epg.xml' });
    expect(res.statusCode).toBe(200);
    return parseXml(res.body)
      .children.filter((c) => c.name === 'programme')
      .map((p) => [p.children[0]!.text, p.attrs.start!, p.attrs.stop!]);
  }

  async function gridTimes(): Promise<string[][]> {
    const res = await t.inject({ url: '/api/guide' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ channels: { programmes: { title: string; start: string; stop: string }[] }[] }>();
    return body.channels[0]!.programmes.map((p) => [p.title, p.start, p.stop]);
  }

  async function channelTimes(): Promise<string[][]> {
    const res = await t.inject({ url: `/api/channels/${lineupId}/programmes` });
    expect(res.statusCode).toBe(200);
    return res
      .json<{ channel: { programmes: { title: string; start: string }[] } }>()
      .channel.programmes.map((p) => [p.title, p.start]);
  }

  it('moves start and stop in /epg.xml and /api/guide (still UTC), and a PATCH back to 0 restores them at once', async () => {
    expect(await epgTimes()).toEqual([
      ['Eight', '20261124210000 +0000', '20261124220000 +0000'],
      ['Nine', '20261124220000 +0000', '20261124230000 +0000'],
    ]);
    expect(await gridTimes()).toEqual([
      ['Eight', '2026-11-24T21:00:00.000Z', '2026-11-24T22:00:00.000Z'],
      ['Nine', '2026-11-24T22:00:00.000Z', '2026-11-24T23:00:00.000Z'],
    ]);
    expect(await channelTimes()).toEqual([
      ['Eight', '2026-11-24T21:00:00.000Z'],
      ['Nine', '2026-11-24T22:00:00.000Z'],
    ]);
    // The stored programmes stay as imported: the shift is applied when the guide is read.
    expect(t.visibleProgrammes(sourceId).map((p) => p.start_at)).toEqual([eight, eight + hourMs]);

    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/xmltv-sources/${sourceId}`,
      payload: { timeShiftMinutes: 0 },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ timeShiftMinutes: 0 });
    // The cached /epg.xml is not reused: no re-import, the next request has the original times.
    expect(await epgTimes()).toEqual([
      ['Eight', '20261124200000 +0000', '20261124210000 +0000'],
      ['Nine', '20261124210000 +0000', '20261124220000 +0000'],
    ]);
    expect(await gridTimes()).toEqual([
      ['Eight', '2026-11-24T20:00:00.000Z', '2026-11-24T21:00:00.000Z'],
      ['Nine', '2026-11-24T21:00:00.000Z', '2026-11-24T22:00:00.000Z'],
    ]);
  });

  it('shifts backwards too, and the window applies to the shifted times', async () => {
    const res = await t.inject({
      method: 'PATCH',
      url: `/api/xmltv-sources/${sourceId}`,
      payload: { timeShiftMinutes: -150 },
    });
    expect(res.json()).toMatchObject({ timeShiftMinutes: -150 });
    expect(await epgTimes()).toEqual([
      ['Eight', '20261124173000 +0000', '20261124183000 +0000'],
      ['Nine', '20261124183000 +0000', '20261124193000 +0000'],
    ]);
    // A window from 18:45: "Eight" (shifted to 17:30–18:30) has ended, "Nine" (18:30–19:30) is on.
    const grid = await t.inject({ url: '/api/guide?from=2026-11-24T18:45:00Z&to=2026-11-24T20:00:00Z' });
    expect(
      grid.json<{ channels: { programmes: { title: string }[] }[] }>().channels[0]!.programmes.map((p) => p.title),
    ).toEqual(['Nine']);
  });

  it('interleaves a shifted guide with an unshifted one by their output times, the older source winning a tie', async () => {
    const other = seedSource(t.db, 'Right offsets');
    seedProgramme(t.db, { sourceId: other, channelId: 'ch.1', start: eight + hourMs, title: 'Other nine' });
    seedProgramme(t.db, { sourceId: other, channelId: 'ch.1', start: eight + 90 * 60_000, title: 'Other half past' });
    // Shifted by +60, "Eight" starts at 21:00 like "Other nine": the first source keeps 21:00.
    expect((await epgTimes()).map(([title, start]) => [title, start])).toEqual([
      ['Eight', '20261124210000 +0000'],
      ['Other half past', '20261124213000 +0000'],
      ['Nine', '20261124220000 +0000'],
    ]);
  });

  it('is listed with every source (0 by default) and refuses shifts over a day or not whole minutes', async () => {
    const other = await t.inject({
      method: 'POST',
      url: '/api/xmltv-sources',
      payload: { name: 'Plain', url: t.writeGuide('plain.xml', xmltvDocument([], [])) },
    });
    expect(other.json()).toMatchObject({ timeShiftMinutes: 0 });
    const list = (await t.inject({ url: '/api/xmltv-sources' })).json<{ id: number; timeShiftMinutes: number }[]>();
    expect(list.map((s) => [s.id, s.timeShiftMinutes])).toEqual([
      [sourceId, 60],
      [other.json<{ id: number }>().id, 0],
    ]);
    for (const value of [1441, -1441, 1.5, '60']) {
      const res = await t.inject({
        method: 'PATCH',
        url: `/api/xmltv-sources/${sourceId}`,
        payload: { timeShiftMinutes: value },
      });
      expect(res.statusCode, String(value)).toBe(400);
      expect(res.json<{ error: string }>().error).toContain('timeShiftMinutes');
    }
    const bad = await t.inject({
      method: 'POST',
      url: '/api/xmltv-sources',
      payload: { name: 'Bad', url: t.writeGuide('bad.xml', xmltvDocument([], [])), timeShiftMinutes: 2000 },
    });
    expect(bad.statusCode).toBe(400);
    expect((await t.inject({ url: `/api/xmltv-sources/${sourceId}` })).json()).toMatchObject({ timeShiftMinutes: 60 });
  });
});
