import type { Clock } from '../core/index.js';
import type { SessionInfo } from '../streaming/index.js';
import type { TunerDevice } from './tuner-device.js';

// The control protocol's view of a tuner is written here, beside the HTTP status pages, since
// discovery (which answers the protocol) builds on the tuner device and not the other way round.

/** What one tuner is doing, for `/tunerN/status` and `/tunerN/vchannel`. */
export interface TunerActivity {
  status: string;
  /** The GuideNumber being played, or 'none'. */
  vchannel: string;
}

/** The status line of an idle tuner, as devices print it. */
export const idleTunerStatus = 'ch=none lock=none ss=0 snq=0 seq=0 bps=0 pps=0';

/** What one emulated tuner is doing. */
export interface TunerState {
  index: number;
  /** Undefined when idle. */
  playing?: {
    number: number | undefined;
    name: string | undefined;
    /** The first viewer's address (a real tuner streams to one target). */
    clientAddress: string;
    /** How many clients watch this tuner's stream (one provider connection, shared). */
    viewers: number;
    bps: number;
    pps: number;
    locked: boolean;
  };
}

/**
 * Maps live streams onto the emulated tuners, so clients that poll tuner status (libhdhomerun's
 * `/tunerN/status`, Jellyfin's `/tuners.html`, `/status.json`) see which are busy. A tuner is one
 * provider connection: the stream engine shares one upstream (a hub) between every viewer of a
 * channel, so the viewers of a channel are one tuner, the oldest channel on tuner0, and the busy
 * tuners never outnumber TunerCount however many clients watch. An IPTV stream has no RF
 * figures: a relaying tuner reports full signal and the measured bit rate (its first viewer's).
 */
export function describeTuners(device: TunerDevice, sessions: readonly SessionInfo[], now: number): TunerState[] {
  const ordered = [...sessions].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  // One hub per channel: its viewers, oldest first.
  const hubs = new Map<string, SessionInfo[]>();
  for (const session of ordered) {
    const viewers = hubs.get(session.channelId);
    if (viewers) viewers.push(session);
    else hubs.set(session.channelId, [session]);
  }
  const tuned = [...hubs.values()];
  const count = device.tunerCount();
  const channels = tuned.length > 0 ? device.channels() : [];
  return Array.from({ length: count }, (_, index) => {
    const viewers = tuned[index];
    const session = viewers?.[0];
    if (!viewers || !session) return { index };
    const channel = channels.find((c) => c.channelId === session.channelId);
    const seconds = Math.max(1, (now - session.startedAt) / 1000);
    return {
      index,
      playing: {
        number: channel?.number,
        name: channel?.displayName,
        clientAddress: session.clientAddress,
        viewers: viewers.length,
        bps: Math.round((session.bytesSent * 8) / seconds),
        // Real devices send 7 TS packets (1316 bytes) per datagram: pps counts those.
        pps: Math.round(session.bytesSent / 1316 / seconds),
        locked: viewers.some((v) => v.state === 'streaming'),
      },
    };
  });
}

/** The control-protocol view of tuner n: its `/tunerN/status` line and `/tunerN/vchannel`. */
export function createTunerActivity(
  device: TunerDevice,
  sessions: () => readonly SessionInfo[],
  clock: Clock,
): (tuner: number) => TunerActivity {
  return (tuner) => {
    const playing = describeTuners(device, sessions(), clock.now())[tuner]?.playing;
    if (!playing) return { status: idleTunerStatus, vchannel: 'none' };
    const { number, locked, bps, pps } = playing;
    const signal = locked ? 100 : 0;
    return {
      status: `ch=${number === undefined ? 'none' : `auto:v${number}`} lock=${locked ? 'iptv' : 'none'} ss=${signal} snq=${signal} seq=${signal} bps=${bps} pps=${pps}`,
      vchannel: number === undefined ? 'none' : String(number),
    };
  };
}
