import type { Clock } from '../core/index.js';
import type { Accounts } from '../xtream/index.js';
import type { GuideSources } from '../xmltv/index.js';
import { demoCredentials } from './demo-catalog.js';
import { startDemoProvider, type DemoProvider } from './demo-provider.js';

const accountName = 'Demo provider';
const guideName = 'Demo guide';

/** The domains the demo set-up goes through, as a user would through the API. */
export interface DemoDomains {
  accounts: Pick<Accounts, 'list' | 'create' | 'update' | 'scan'>;
  guides: Pick<GuideSources, 'list' | 'create' | 'update' | 'whenIdle' | 'refresh'>;
}

/**
 * Starts the built-in demo provider and brings the app to a playable state through the real
 * domains, as a user would: account created (or pointed at the provider's new port on a
 * restart) and scanned, the provider's guide added and imported (its channels are the lineup,
 * matched to the provider's streams by the import). Idempotent: a second start reuses what the
 * first created. `clock` is the app's. Returns the provider; close it with the app.
 */
export async function setUpDemo({ accounts, guides }: DemoDomains, clock: Clock): Promise<DemoProvider> {
  const provider = await startDemoProvider(clock);
  try {
    const existing = accounts.list().find((a) => a.name === accountName);
    const account = existing
      ? accounts.update(existing.id, { serverUrl: provider.url, ...demoCredentials, isActive: true })
      : accounts.create({ name: accountName, serverUrl: provider.url, ...demoCredentials, maxConnections: 2 });
    await accounts.scan(account.id);
    // The account's own guide (its xmltv.php), as most Xtream users have it.
    const knownGuide = guides.list().find((g) => g.name === guideName);
    const guide = knownGuide
      ? guides.update(knownGuide.id, { accountId: account.id, enabled: true })
      : guides.create({ name: guideName, accountId: account.id });
    // A start-up catch-up of the old URL may still be running.
    await guides.whenIdle(guide.id);
    await guides.refresh(guide.id);
    return provider;
  } catch (error) {
    await provider.close();
    throw error;
  }
}
