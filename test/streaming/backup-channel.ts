import { seedLineupChannel, seedMapping, seedProviderChannel } from '../support/seed.js';
import type { StreamFixture } from './stream-fixture.js';

export const primaryId = 901;
export const backupId = 902;

/**
 * Seeds `news.uk`: primary mapping → stream `primaryId` (FHD) on the fixture's account, second
 * mapping → `backupId` (HD) on the same account or on a second account of the same provider
 * (`backup-user`, one connection). Returns the backup's account id.
 */
export function channelWithBackup(
  f: StreamFixture,
  where: 'same account' | 'other account',
  channelId = 'news.uk',
): number {
  let accountId = f.accountId;
  if (where === 'other account') {
    f.provider.setAccount({ username: 'backup-user', password: 'b4ckup-Pa55' });
    accountId = f.t.domains.accounts.create({
      name: 'Backup provider',
      serverUrl: f.provider.url,
      username: 'backup-user',
      password: 'b4ckup-Pa55',
      maxConnections: 1,
    }).id;
  }
  const lineupChannelId = seedLineupChannel(f.db, { channelId });
  const primary = seedProviderChannel(f.db, {
    accountId: f.accountId,
    name: `${channelId} primary`,
    streams: [{ streamId: primaryId, tier: 'FHD' }],
  });
  const backup = seedProviderChannel(f.db, {
    accountId,
    name: `${channelId} backup`,
    streams: [{ streamId: backupId, tier: 'HD' }],
  });
  seedMapping(f.db, { lineupChannelId, providerChannelId: primary, primary: true });
  seedMapping(f.db, { lineupChannelId, providerChannelId: backup, primary: false, confidence: 0.8 });
  return accountId;
}
