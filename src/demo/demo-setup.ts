import type { App } from '../app.js';
import { demoChannels, demoCredentials } from './demo-catalog.js';
import { startDemoProvider, type DemoProvider } from './demo-provider.js';

const accountName = 'Demo provider';

/** The stable XMLTV id of a demo channel ("Demo News" → "demo-news.tunerbridge"). */
export function demoChannelId(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.tunerbridge`;
}

/**
 * Starts the built-in demo provider and brings the app to a playable state through the real
 * domains, as a user would: account created (or pointed at the provider's new port on a
 * restart), scanned, lineup channels created and matched to the provider's streams. Idempotent:
 * a second start reuses what the first created. Returns the provider; close it with the app.
 */
export async function setUpDemo(app: App): Promise<DemoProvider> {
  const provider = await startDemoProvider();
  try {
    const { accounts, lineup } = app.domains;
    const existing = accounts.list().find((a) => a.name === accountName);
    const account = existing
      ? accounts.update(existing.id, { serverUrl: provider.url, isActive: true })
      : accounts.create({ name: accountName, serverUrl: provider.url, ...demoCredentials, maxConnections: 2 });
    await accounts.scan(account.id);
    // The lineup is the guide's channel list; until a guide is imported, the demo's own channels
    // stand in for it (synthetic channels get "— Live" placeholder programmes in /epg.xml).
    const known = new Set(lineup.list({ limit: 1000 }).items.map((c) => c.channelId));
    for (const channel of demoChannels) {
      const channelId = demoChannelId(channel.name);
      if (!known.has(channelId)) lineup.createSynthetic({ displayName: channel.name, channelId });
    }
    lineup.runMatching('manual');
    return provider;
  } catch (error) {
    await provider.close();
    throw error;
  }
}
