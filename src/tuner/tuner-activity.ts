import type { SessionInfo } from '../streaming/index.js';
import { idleTunerStatus, type TunerActivity } from './hdhr-protocol.js';
import type { TunerDevice } from './tuner-device.js';

/**
 * Maps live stream sessions onto the emulated tuners (oldest session on tuner0), so libhdhomerun
 * clients that poll `/tunerN/status` see which tuners are busy. An IPTV stream has no RF figures:
 * a busy tuner reports full signal and the measured bit rate.
 */
export function createTunerActivity(device: TunerDevice, sessions: () => readonly SessionInfo[], now: () => number = Date.now): (tuner: number) => TunerActivity {
  return (tuner) => {
    const session = [...sessions()].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id))[tuner];
    if (!session) return { status: idleTunerStatus, vchannel: 'none' };
    const number = device.channels().find((c) => c.channelId === session.channelId)?.number;
    const seconds = Math.max(1, (now() - session.startedAt) / 1000);
    const bps = Math.round((session.bytesSent * 8) / seconds);
    // 188-byte TS packets, 7 to a datagram on a real device: pps counts those datagrams.
    const pps = Math.round(session.bytesSent / 1316 / seconds);
    const channel = number === undefined ? 'none' : `auto:v${number}`;
    const locked = session.state === 'streaming';
    return {
      status: `ch=${channel} lock=${locked ? 'iptv' : 'none'} ss=${locked ? 100 : 0} snq=${locked ? 100 : 0} seq=${locked ? 100 : 0} bps=${bps} pps=${pps}`,
      vchannel: number === undefined ? 'none' : String(number),
    };
  };
}
