import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLineupApp, type LineupTestApp } from './lineup-fixture.js';
import { seedAccountRow, seedLineupChannel, seedProviderChannel } from '../support/seed.js';

describe('matching after a guide import', () => {
  let t: LineupTestApp;
  beforeEach(async () => {
    t = await startLineupApp();
  });
  afterEach(() => t.close());

  it('matches new guide channels (settings rows created when missing) and records why it ran', async () => {
    const account = seedAccountRow(t.db);
    const existing = seedLineupChannel(t.db, { channelId: 'ITV1.uk', displayName: 'ITV', enabled: false, number: 3 });
    const itv = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: ITV',
      streams: [{ streamId: 1, tier: 'HD' }],
    });
    const bbc = seedProviderChannel(t.db, {
      accountId: account,
      name: 'UK: BBC One',
      streams: [{ streamId: 2, tier: 'FHD' }],
    });
    // A channel stored without its settings row still joins the lineup, after the others.
    const imported = Number(
      t.db
        .prepare(
          "INSERT INTO xmltv_channels (channel_id, display_name, display_names, created_at, updated_at) VALUES ('BBCOne.uk', 'BBC 1', '[\"BBC 1\",\"BBC One\"]', 0, 0)",
        )
        .run().lastInsertRowid,
    );
    t.lineup.handleGuideImported();

    expect(t.lineup.get(imported)).toMatchObject({
      number: 4,
      enabled: true,
      mappings: [{ xtreamChannelId: bbc, isPrimary: true }],
    });
    expect(t.lineup.get(existing)).toMatchObject({ number: 3, enabled: true, mappings: [{ xtreamChannelId: itv }] });
    const event = t.db
      .prepare("SELECT message, details FROM event_log WHERE category = 'matching' ORDER BY id DESC LIMIT 1")
      .get() as { message: string; details: string };
    expect(event.message).toBe('Matching: 2 channels matched, 0 unmatched, 2 changed');
    expect(JSON.parse(event.details)).toMatchObject({ reason: 'guide-import', matched: 2 });
  });
});
