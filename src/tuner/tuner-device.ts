import { randomBytes, randomUUID } from 'node:crypto';
import type { AppConfig } from '../core/index.js';
import { getSetting, setSetting, type Db } from '../db/index.js';
import type { Lineup, PlayableChannel } from '../lineup/index.js';
import type { Accounts } from '../xtream/index.js';
import { formatDeviceId, generateDeviceId, parseDeviceId } from './device-id.js';

/** What identifies the emulated tuner on the network; generated once, kept forever. */
export interface DeviceIdentity {
  deviceId: number;
  deviceAuth: string;
  /** UPnP UDN without the `uuid:` prefix. */
  uuid: string;
}

/** Everything `/discover.json`, `/device.xml`, UDP discovery and SSDP say about the device. */
export interface DeviceDescription {
  friendlyName: string;
  manufacturer: string;
  modelNumber: string;
  firmwareName: string;
  firmwareVersion: string;
  deviceId: string;
  deviceIdNumber: number;
  deviceAuth: string;
  uuid: string;
  tunerCount: number;
}

// Plex and Jellyfin only care that these look like a network HDHomeRun. Not an "HDTC" model:
// Jellyfin then appends `?transcode=` to stream URLs.
const modelNumber = 'HDHR5-4K';
const firmwareName = 'hdhomerun5_atsc';
const firmwareVersion = '20250301';
const identityKey = 'tuner.identity';

// Protocol limit: the UDP reply carries the count in one byte.
const maxTunerCount = 255;

/**
 * The emulated HDHomeRun: its stable identity, its tuner count and its lineup. Plex keys the
 * device by DeviceID, so the id is stored once in `settings` and survives restarts.
 */
/** Where the device's channels and tuner count come from. */
export interface DeviceSources {
  lineup: Pick<Lineup, 'listPlayable' | 'findPlayableByNumber'>;
  accounts: Pick<Accounts, 'totalConnectionLimit'>;
}

/** When a client last fetched one of the set-up documents, and from where (in memory only). */
export interface TunerFetch {
  at: number;
  clientAddress: string;
}

export type TunerDocument = 'discover' | 'lineup';

export class TunerDevice {
  readonly identity: DeviceIdentity;
  private readonly fetches = new Map<TunerDocument, TunerFetch>();

  constructor(
    db: Db,
    private readonly config: Pick<AppConfig, 'friendlyName' | 'tunerCountOverride' | 'deviceId'>,
    private readonly sources: DeviceSources,
  ) {
    this.identity = loadIdentity(db, config.deviceId);
  }

  /** The device as clients see it, with the tuner count read fresh. */
  describe(): DeviceDescription {
    return {
      friendlyName: this.config.friendlyName,
      manufacturer: 'Silicondust',
      modelNumber,
      firmwareName,
      firmwareVersion,
      deviceId: formatDeviceId(this.identity.deviceId),
      deviceIdNumber: this.identity.deviceId,
      deviceAuth: this.identity.deviceAuth,
      uuid: this.identity.uuid,
      tunerCount: this.tunerCount(),
    };
  }

  /**
   * The override when set, else the sum of active accounts' effective limits (the user's, else
   * the provider's, else 1). At least 1: with no account nothing plays anyway, and a 0-tuner
   * device confuses clients' set-up; Plex re-reads the count later.
   */
  tunerCount(): number {
    if (this.config.tunerCountOverride !== undefined) return clampTunerCount(this.config.tunerCountOverride);
    return clampTunerCount(this.sources.accounts.totalConnectionLimit());
  }

  /** Notes that a client fetched `/discover.json` or `/lineup.json` (Plex's set-up and refreshes do). */
  recordFetch(document: TunerDocument, at: number, clientAddress: string): void {
    this.fetches.set(document, { at, clientAddress });
  }

  /** The last fetch of each set-up document since start, or null. */
  lastFetched(): Record<TunerDocument, TunerFetch | null> {
    return { discover: this.fetches.get('discover') ?? null, lineup: this.fetches.get('lineup') ?? null };
  }

  /** Playable lineup channels ordered by number. */
  channels(): PlayableChannel[] {
    return this.sources.lineup.listPlayable();
  }

  /** The playable channel with this GuideNumber. */
  findChannel(number: number): PlayableChannel | undefined {
    return this.sources.lineup.findPlayableByNumber(number);
  }
}

function clampTunerCount(n: number): number {
  return Math.min(maxTunerCount, Math.max(1, Math.floor(n)));
}

function loadIdentity(db: Db, fixedId: string | undefined): DeviceIdentity {
  const stored = getSetting<Partial<DeviceIdentity> | null>(db, identityKey, null);
  const storedId = typeof stored?.deviceId === 'number' ? parseDeviceId(formatDeviceId(stored.deviceId)) : undefined;
  const identity: DeviceIdentity = {
    deviceId: storedId ?? generateDeviceId(),
    deviceAuth:
      typeof stored?.deviceAuth === 'string' && stored.deviceAuth
        ? stored.deviceAuth
        : randomBytes(18).toString('base64url'),
    uuid: typeof stored?.uuid === 'string' && stored.uuid ? stored.uuid : randomUUID(),
  };
  if (
    !stored ||
    storedId !== identity.deviceId ||
    stored.deviceAuth !== identity.deviceAuth ||
    stored.uuid !== identity.uuid
  ) {
    setSetting(db, identityKey, identity);
  }
  if (fixedId === undefined) return identity;
  const fixed = parseDeviceId(fixedId);
  if (fixed === undefined)
    throw new Error(`invalid device id ${fixedId}: 8 hex digits with a valid HDHomeRun check digit`);
  // A fixed id replaces only the id; it is not stored, so removing the flag restores the old one.
  return { ...identity, deviceId: fixed };
}
