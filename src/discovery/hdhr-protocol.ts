import { idleTunerStatus, type DeviceDescription, type TunerActivity } from '../tuner/index.js';
import {
  decodePacket,
  deviceTypeTuner,
  encodePacket,
  findTlv,
  packetType,
  readCString,
  tag,
  u32,
  wildcard,
  type Packet,
  type Tlv,
} from './hdhr-packet.js';

/** What a discovery reply says about us. */
export interface DiscoverReplyInput {
  deviceId: number;
  tunerCount: number;
  baseUrl: string;
  deviceAuth?: string;
}

/**
 * True when a discover request asks for a device like us: its device types (tag 0x01, or the
 * 0x2D list newer clients send) include tuner or wildcard, and its device id is ours or wildcard.
 * A request that names no type counts as a wildcard.
 */
export function matchesDiscoverRequest(packet: Packet, deviceId: number): boolean {
  if (packet.type !== packetType.discoverRequest) return false;
  const types: number[] = [];
  for (const t of packet.tlvs) {
    if (t.tag === tag.deviceType && t.value.length === 4) types.push(t.value.readUInt32BE(0));
    if (t.tag === tag.multiType) for (let i = 0; i + 4 <= t.value.length; i += 4) types.push(t.value.readUInt32BE(i));
  }
  if (types.length > 0 && !types.some((t) => t === wildcard || t === deviceTypeTuner)) return false;
  const id = findTlv(packet, tag.deviceId);
  if (id && id.length === 4) {
    const requested = id.readUInt32BE(0);
    if (requested !== wildcard && requested !== deviceId) return false;
  }
  return true;
}

/**
 * The discover reply. Order as real devices send it: device type first (clients drop replies
 * without it), device id, tuner count, base URL (without it clients assume port 80), lineup URL,
 * then device auth.
 */
export function encodeDiscoverReply(input: DiscoverReplyInput): Buffer {
  const tlvs: Tlv[] = [
    { tag: tag.deviceType, value: u32(deviceTypeTuner) },
    { tag: tag.deviceId, value: u32(input.deviceId) },
    { tag: tag.tunerCount, value: Buffer.from([Math.min(255, Math.max(0, input.tunerCount))]) },
    { tag: tag.baseUrl, value: Buffer.from(input.baseUrl, 'utf8') },
    { tag: tag.lineupUrl, value: Buffer.from(`${input.baseUrl}/lineup.json`, 'utf8') },
  ];
  if (input.deviceAuth) tlvs.push({ tag: tag.deviceAuth, value: Buffer.from(input.deviceAuth, 'utf8') });
  return encodePacket(packetType.discoverReply, tlvs);
}

/** Answers a discover request datagram, or undefined when it is malformed or not for us. */
export function answerDiscoverDatagram(datagram: Buffer, device: DiscoverReplyInput): Buffer | undefined {
  const decoded = decodePacket(datagram);
  if (!decoded.ok || decoded.size !== datagram.length) return undefined;
  return matchesDiscoverRequest(decoded.packet, device.deviceId) ? encodeDiscoverReply(device) : undefined;
}

/** Control-protocol values of one device at one moment. */
export interface ControlState {
  device: DeviceDescription;
  /** Activity of tuner n (0-based); idle when absent. */
  tunerActivity?: (tuner: number) => TunerActivity;
}

const unknownVariable = 'ERROR: unknown getset variable';

/** The value of a control-protocol variable, or an error message ("ERROR: …") as devices word it. */
export function readControlVariable(name: string, state: ControlState): { value: string } | { error: string } {
  const { device } = state;
  switch (name) {
    case '/sys/model':
      return { value: device.firmwareName };
    case '/sys/hwmodel':
      return { value: device.modelNumber };
    case '/sys/version':
      return { value: device.firmwareVersion };
    case '/sys/copyright':
      return { value: 'Tunerbridge (HDHomeRun-compatible emulation)' };
    case '/sys/features':
      // An IPTV bridge has no RF channel maps; clients only list these.
      return { value: 'channelmap: us-cable\nmodulation: none\n' };
    case '/lineup/location':
      return { value: 'none' };
    case 'help':
      return {
        value:
          'Supported configuration options:\n/sys/model\n/sys/hwmodel\n/sys/version\n/sys/features\n/tuner<n>/status\n/tuner<n>/channel\n',
      };
  }
  const tuner = /^\/tuner(\d{1,3})\/(\w+)$/.exec(name);
  if (tuner && Number(tuner[1]) < device.tunerCount) {
    const index = Number(tuner[1]);
    switch (tuner[2]) {
      case 'status':
        return { value: state.tunerActivity?.(index).status ?? idleTunerStatus };
      case 'vchannel':
        return { value: state.tunerActivity?.(index).vchannel ?? 'none' };
      case 'channel':
      case 'channelmap':
      case 'program':
      case 'target':
      case 'lockkey':
      case 'streaminfo':
        return { value: 'none' };
    }
  }
  return { error: unknownVariable };
}

function nulTerminated(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

/**
 * Answers one control request packet: a get (name only) gets the value or an error; a set
 * (name and value) is refused, since nothing on an emulated tuner is settable.
 */
export function answerControlPacket(packet: Packet, state: ControlState): Buffer | undefined {
  if (packet.type !== packetType.getSetRequest) return undefined;
  const rawName = findTlv(packet, tag.getSetName);
  if (!rawName)
    return encodePacket(packetType.getSetReply, [
      { tag: tag.errorMessage, value: nulTerminated('ERROR: missing name') },
    ]);
  const name = readCString(rawName);
  const isSet = findTlv(packet, tag.getSetValue) !== undefined;
  const result = isSet ? { error: 'ERROR: permission denied' } : readControlVariable(name, state);
  const answer: Tlv =
    'value' in result
      ? { tag: tag.getSetValue, value: nulTerminated(result.value) }
      : { tag: tag.errorMessage, value: nulTerminated(result.error) };
  return encodePacket(packetType.getSetReply, [{ tag: tag.getSetName, value: nulTerminated(name) }, answer]);
}
