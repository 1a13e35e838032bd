/** One MPEG-TS packet is 188 bytes and starts with the sync byte 0x47. */
export const packetSize = 188;
export const syncByte = 0x47;
/** The PID of null (stuffing) packets. */
export const nullPid = 0x1fff;

/** The PID of the packet at `offset`. */
export function pidOf(packets: Uint8Array, offset = 0): number {
  return ((packets[offset + 1]! & 0x1f) << 8) | packets[offset + 2]!;
}

/** True when the packet at `offset` starts a PES packet or a PSI section (payload_unit_start_indicator). */
export function startsUnit(packets: Uint8Array, offset = 0): boolean {
  return (packets[offset + 1]! & 0x40) !== 0;
}

/** The packet's continuity counter (4 bits). */
export function continuityOf(packets: Uint8Array, offset = 0): number {
  return packets[offset + 3]! & 0x0f;
}

/** True when the packet carries a payload (adaptation_field_control 01 or 11). */
export function hasPayload(packets: Uint8Array, offset = 0): boolean {
  return (packets[offset + 3]! & 0x10) !== 0;
}

/** The length of the adaptation field (without its length byte), or -1 when the packet has none. */
export function adaptationLength(packets: Uint8Array, offset = 0): number {
  return packets[offset + 3]! & 0x20 ? packets[offset + 4]! : -1;
}

/** Where the packet's payload starts (an offset into `packets`), or -1: none, or an oversized adaptation field. */
export function payloadOffset(packets: Uint8Array, offset = 0): number {
  if (!hasPayload(packets, offset)) return -1;
  const af = adaptationLength(packets, offset);
  const start = offset + 4 + (af >= 0 ? 1 + af : 0);
  return start < offset + packetSize ? start : -1;
}

/** A null packet (`47 1F FF 10` + 184 × `FF`): keeps a client's connection busy without content. */
export function nullPacket(): Buffer {
  const packet = Buffer.alloc(packetSize, 0xff);
  packet[0] = syncByte;
  packet[1] = 0x1f;
  packet[2] = 0xff;
  packet[3] = 0x10;
  return packet;
}

// Five sync bytes in a row: three can happen by chance in text ('G' is 0x47), five 188 bytes apart
// practically not. A head too short for five needs three.
const sniffPackets = 5;

/**
 * True when `head` (the first bytes of a response) is MPEG-TS: sync bytes 188 bytes apart (five, or
 * every packet boundary when `head` is shorter, at least three), starting within the first packet.
 * An HTML or JSON error page labelled video/mp2t is not.
 */
export function looksLikeTransportStream(head: Uint8Array): boolean {
  for (let start = 0; start < packetSize && start + 2 * packetSize < head.length; start++) {
    if (head[start] !== syncByte) continue;
    const whole = Math.min(sniffPackets, Math.floor((head.length - start - 1) / packetSize) + 1);
    let n = 1;
    while (n < whole && head[start + n * packetSize] === syncByte) n++;
    if (n === whole) return true;
  }
  return false;
}
