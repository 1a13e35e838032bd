import type { Accounts } from '../xtream/index.js';
import type { GuideSources } from '../xmltv/index.js';
import type { EpgCache } from '../guide-output/index.js';
import type { TunerDevice } from './tuner-device.js';

/** What the set-up help says is wrong; `code` is stable for a UI, `message` is for people. */
export interface PlexWarning {
  code:
    | 'NO_ACCOUNT'
    | 'NO_ENABLED_CHANNEL'
    | 'TOO_MANY_CHANNELS'
    | 'GUIDE_STALE'
    | 'NO_GUIDE'
    | 'GUIDE_FAILING'
    | 'DISCOVERY_OFF';
  message: string;
}

/** The facts the warnings are derived from. */
export interface PlexFacts {
  activeAccounts: number;
  enabledChannels: number;
  guideRefreshedAt: number | null;
  /** Enabled guide sources whose last refresh failed, with the reason. */
  failingGuides: { name: string; reason: string }[];
  discovery: boolean;
  now: number;
}

// Plex shows at most about 480 channels of one DVR lineup; the rest silently never appear.
export const plexLineupLimit = 480;
const staleGuideMs = 2 * 24 * 3_600_000;

/** The warnings for a set-up in this state, most blocking first. */
export function plexWarnings(facts: PlexFacts): PlexWarning[] {
  const warnings: PlexWarning[] = [];
  if (facts.activeAccounts === 0)
    warnings.push({ code: 'NO_ACCOUNT', message: 'No active provider account: add one, or nothing can play.' });
  if (facts.enabledChannels === 0) {
    warnings.push({
      code: 'NO_ENABLED_CHANNEL',
      message: 'No enabled channel with a provider stream: Plex will find an empty lineup.',
    });
  }
  if (facts.enabledChannels > plexLineupLimit) {
    warnings.push({
      code: 'TOO_MANY_CHANNELS',
      message: `${facts.enabledChannels} channels are enabled but Plex shows about ${plexLineupLimit} per tuner lineup: disable some, or the rest will not appear.`,
    });
  }
  if (facts.guideRefreshedAt === null) {
    warnings.push({ code: 'NO_GUIDE', message: 'No guide has been loaded: channels get placeholder programmes only.' });
  } else if (facts.now - facts.guideRefreshedAt > staleGuideMs) {
    warnings.push({
      code: 'GUIDE_STALE',
      message: 'The guide was last refreshed more than 2 days ago: Plex will soon run out of programmes.',
    });
  }
  for (const guide of facts.failingGuides) {
    warnings.push({
      code: 'GUIDE_FAILING',
      message: `Guide "${guide.name}" failed its last refresh (${guide.reason}): its previous programmes are still used.`,
    });
  }
  if (!facts.discovery) {
    warnings.push({ code: 'DISCOVERY_OFF', message: 'Network discovery is off: enter the tuner URL in Plex by hand.' });
  }
  return warnings;
}

/** Where the set-up help reads its facts. */
export interface PlexSetupSources {
  device: Pick<TunerDevice, 'channels' | 'tunerCount'>;
  accounts: Pick<Accounts, 'list'>;
  guides: Pick<GuideSources, 'list'>;
  epg: Pick<EpgCache, 'guideRefreshedAt'>;
  /** Whether HDHomeRun and SSDP discovery run (off with `--no-discovery`). */
  discovery: boolean;
}

/** The URLs to paste into Plex and what needs fixing first. */
export interface PlexSetupView {
  tunerUrl: string;
  m3uUrl: string;
  epgUrl: string;
  tunerCount: number;
  enabledChannels: number;
  warnings: PlexWarning[];
}

/** The set-up for a client that reached us at `baseUrl` (the Host it used, or --advertise-url). */
export function describePlexSetup(sources: PlexSetupSources, baseUrl: string, now: number): PlexSetupView {
  const { device, accounts, guides, epg } = sources;
  const enabledChannels = device.channels().length;
  return {
    tunerUrl: baseUrl,
    m3uUrl: `${baseUrl}/playlist.m3u`,
    epgUrl: `${baseUrl}/epg.xml`,
    tunerCount: device.tunerCount(),
    enabledChannels,
    warnings: plexWarnings({
      activeAccounts: accounts.list().filter((a) => a.isActive).length,
      enabledChannels,
      guideRefreshedAt: epg.guideRefreshedAt(),
      failingGuides: guides
        .list()
        .filter((g) => g.enabled && g.lastError !== null)
        .map((g) => ({ name: g.name, reason: g.lastError! })),
      discovery: sources.discovery,
      now,
    }),
  };
}
