import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.js';
import { createLineup } from '../support/lineup.js';
import { seedAccountRow, seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('playable channels (what the tuner outputs list)', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: Db;
  let account: number;
  beforeEach(() => {
    dir = makeTempDir();
    db = openDatabase(join(dir.path, 'tunerbridge.db'));
    account = seedAccountRow(db);
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('lists enabled, numbered channels with a primary mapping, by number, with the primary provider channel facts', () => {
    const bbc = seedLineupChannel(db, {
      channelId: 'bbc1.uk',
      displayName: 'BBC One',
      icon: 'http://guide/bbc.png',
      number: 20,
    });
    const bbcProvider = seedProviderChannel(db, {
      accountId: account,
      name: 'UK: BBC One',
      icon: 'http://prov/bbc.png',
      categoryName: 'UK',
      streams: [
        { streamId: 1, tier: 'SD' },
        { streamId: 2, tier: 'FHD' },
      ],
    });
    const bbcBackup = seedProviderChannel(db, {
      accountId: account,
      name: 'BBC One backup',
      categoryName: 'Backup',
      streams: [{ streamId: 3, tier: '4K' }],
    });
    seedMapping(db, { lineupChannelId: bbc, providerChannelId: bbcProvider, primary: true });
    seedMapping(db, { lineupChannelId: bbc, providerChannelId: bbcBackup, primary: false, priority: 1 });

    const synthetic = seedLineupChannel(db, {
      channelId: 'local.news',
      displayName: 'Local News',
      number: 3,
      synthetic: true,
    });
    seedMapping(db, {
      lineupChannelId: synthetic,
      providerChannelId: seedProviderChannel(db, {
        accountId: account,
        name: 'News',
        streams: [{ streamId: 4, tier: 'unknown' }],
      }),
    });

    const disabled = seedLineupChannel(db, { channelId: 'off.uk', number: 1, enabled: false });
    seedMapping(db, {
      lineupChannelId: disabled,
      providerChannelId: seedProviderChannel(db, {
        accountId: account,
        name: 'Off',
        streams: [{ streamId: 5, tier: 'HD' }],
      }),
    });
    seedLineupChannel(db, { channelId: 'unmapped.uk', number: 2 });
    const unnumbered = seedLineupChannel(db, { channelId: 'nonumber.uk', number: 99 });
    db.prepare('UPDATE xmltv_channel_settings SET channel_number = NULL WHERE xmltv_channel_id = ?').run(unnumbered);
    seedMapping(db, {
      lineupChannelId: unnumbered,
      providerChannelId: seedProviderChannel(db, {
        accountId: account,
        name: 'NoNum',
        streams: [{ streamId: 6, tier: 'HD' }],
      }),
    });

    expect(createLineup(db).listPlayable()).toEqual([
      {
        id: synthetic,
        channelId: 'local.news',
        displayName: 'Local News',
        number: 3,
        icon: null,
        providerIcon: null,
        groupTitle: null,
        bestTier: 'unknown',
        isSynthetic: true,
      },
      // The backup's 4K does not count: tiers come from the primary mapping, which is what plays.
      {
        id: bbc,
        channelId: 'bbc1.uk',
        displayName: 'BBC One',
        number: 20,
        icon: 'http://guide/bbc.png',
        providerIcon: 'http://prov/bbc.png',
        groupTitle: 'UK',
        bestTier: 'FHD',
        isSynthetic: false,
      },
    ]);
    expect(createLineup(db).findPlayableByNumber(20)?.channelId).toBe('bbc1.uk');
    expect(createLineup(db).findPlayableByNumber(1)).toBeUndefined();
    expect(createLineup(db).findPlayableByNumber(2)).toBeUndefined();
    expect(createLineup(db).findPlayableByNumber(404)).toBeUndefined();
  });

  it('resolves every variant of every mapping as stream candidates, in failover order', () => {
    const other = seedAccountRow(db, { name: 'Other', active: false });
    const lineupChannel = seedLineupChannel(db, { channelId: 'news.uk' });
    const primary = seedProviderChannel(db, {
      accountId: account,
      name: 'News',
      streams: [
        { streamId: 10, tier: 'SD' },
        { streamId: 11, tier: 'FHD' },
        { streamId: 12, tier: 'HD' },
      ],
    });
    const sure = seedProviderChannel(db, {
      accountId: account,
      name: 'News B',
      streams: [
        { streamId: 20, tier: 'HD' },
        { streamId: 21, tier: '4K' },
      ],
    });
    const unsure = seedProviderChannel(db, {
      accountId: other,
      name: 'News C',
      streams: [
        { streamId: 30, tier: 'HD' },
        { streamId: 31, tier: 'unknown' },
      ],
    });
    seedMapping(db, { lineupChannelId: lineupChannel, providerChannelId: unsure, primary: false, confidence: 0.6 });
    seedMapping(db, { lineupChannelId: lineupChannel, providerChannelId: primary, primary: true, confidence: 0.7 });
    seedMapping(db, { lineupChannelId: lineupChannel, providerChannelId: sure, primary: false, confidence: 0.9 });

    const { candidates } = createLineup(db).resolveStreamCandidates('news.uk');
    // The primary's variants best tier first (even over a 4K backup), then the others by tier, then by confidence.
    expect(candidates.map((c) => c.streamId)).toEqual([11, 12, 10, 21, 20, 30, 31]);
    expect(candidates[0]).toMatchObject({
      providerChannelId: primary,
      accountId: account,
      accountActive: true,
      isPrimary: true,
    });
    expect(candidates.find((c) => c.streamId === 30)).toMatchObject({
      accountId: other,
      accountActive: false,
      isPrimary: false,
      confidence: 0.6,
    });
  });
});
