import { tierRank } from '../core/index.js';
import type { DeviceDescription } from './tuner-device.js';
import type { PlayableChannel } from '../lineup/index.js';

/** One `/lineup.json` entry, in the HDHomeRun field names Plex reads. */
export interface LineupEntry {
  GuideNumber: string;
  GuideName: string;
  URL: string;
  HD?: 1;
}

/** The `/discover.json` body. */
export interface DiscoverBody {
  FriendlyName: string;
  Manufacturer: string;
  ModelNumber: string;
  FirmwareName: string;
  FirmwareVersion: string;
  DeviceID: string;
  DeviceAuth: string;
  BaseURL: string;
  LineupURL: string;
  TunerCount: number;
}

/** The URL a lineup channel plays at: the stream proxy, keyed by the XMLTV id (stable forever). */
export function streamUrlOf(baseUrl: string, channelId: string): string {
  return `${baseUrl}/stream/${encodeURIComponent(channelId)}`;
}

/** Lineup entries: GuideNumber is a JSON string (Plex requires it), HD from the best tier. */
export function buildLineup(channels: readonly PlayableChannel[], baseUrl: string): LineupEntry[] {
  return channels.map((c) => ({
    GuideNumber: String(c.number),
    GuideName: c.displayName,
    URL: streamUrlOf(baseUrl, c.channelId),
    ...(tierRank[c.bestTier] >= tierRank.HD ? { HD: 1 as const } : {}),
  }));
}

/** The `/discover.json` body for a client that reached us at `baseUrl`. */
export function buildDiscover(device: DeviceDescription, baseUrl: string): DiscoverBody {
  return {
    FriendlyName: device.friendlyName,
    Manufacturer: device.manufacturer,
    ModelNumber: device.modelNumber,
    FirmwareName: device.firmwareName,
    FirmwareVersion: device.firmwareVersion,
    DeviceID: device.deviceId,
    DeviceAuth: device.deviceAuth,
    BaseURL: baseUrl,
    LineupURL: `${baseUrl}/lineup.json`,
    TunerCount: device.tunerCount,
  };
}
