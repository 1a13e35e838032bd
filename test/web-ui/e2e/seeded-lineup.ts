import { expect } from 'vitest';
import type { UiFixture } from '../../support/browser.js';
import { liveStream } from '../../support/fake-xtream-provider.js';
import { hourlyProgrammes, xmltvDocument } from '../../xmltv/guide-fixture.js';

/** A lineup channel as GET /api/channels answers it (the fields these tests read). */
export interface ApiChannel {
  id: number;
  channelId: string;
  displayName: string;
  number: number | null;
  displayOrder: number;
  enabled: boolean;
  mappings: { xtreamChannelId: number; isPrimary: boolean; name: string }[];
}

/** A `/lineup.json` entry. */
export interface LineupEntry {
  GuideNumber: string;
  GuideName: string;
  URL: string;
}

export interface GuideChannelWithStreams {
  /** XMLTV id. */
  id: string;
  name: string;
  /** Provider streams (id and name) the matcher should pair with it. */
  streams: { streamId: number; name: string }[];
}

/**
 * A lineup built the way a user builds one, through the real API: the fake provider's account
 * gets these streams and an XMLTV guide at its xmltv.php; the app scans the account, imports that
 * guide and runs matching. Returns the lineup channels in display order.
 */
export async function seedLineup(ui: UiFixture, channels: GuideChannelWithStreams[]): Promise<ApiChannel[]> {
  const accountId = ui.accountId;
  if (accountId === undefined) throw new Error('seedLineup needs the fixture’s account');
  ui.provider.setAccount({
    ...ui.providerLogin,
    categories: [{ category_id: '1', category_name: 'UK', parent_id: 0 }],
    streams: channels.flatMap((c) => c.streams.map((s) => liveStream(s.streamId, s.name))),
    guide: xmltvDocument(
      channels.map((c) => ({ id: c.id, names: [c.name] })),
      hourlyProgrammes(
        channels.map((c) => c.id),
        3,
      ),
    ),
  });
  const ok = (what: string, answer: { status: number; body: unknown }) =>
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
  ok('scan', await ui.api('POST', `/api/accounts/${accountId}/scan`));
  const source = await ui.api<{ id: number }>('POST', '/api/xmltv-sources', { name: 'Provider guide', accountId });
  ok('guide source', source);
  ok('guide import', await ui.api('POST', `/api/xmltv-sources/${source.body.id}/refresh`));
  ok('matching', await ui.api('POST', '/api/matching/run'));
  return listChannels(ui);
}

/** Every lineup channel from the real API, in display order. */
export async function listChannels(ui: UiFixture): Promise<ApiChannel[]> {
  const page = await ui.api<{ items: ApiChannel[] }>('GET', '/api/channels?limit=1000');
  expect(page.status).toBe(200);
  return page.body.items;
}

/** One lineup channel from the real API. */
export async function getChannel(ui: UiFixture, id: number): Promise<ApiChannel> {
  const answer = await ui.api<ApiChannel>('GET', `/api/channels/${id}`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** What Plex reads: the tuner's /lineup.json. */
export async function tunerLineup(ui: UiFixture): Promise<LineupEntry[]> {
  const res = await fetch(`${ui.t.url}/lineup.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as LineupEntry[];
}
