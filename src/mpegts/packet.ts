/** One MPEG-TS packet is 188 bytes and starts with the sync byte 0x47. */
export const packetSize = 188;
export const syncByte = 0x47;
/** The PID of null (stuffing) packets. */
export const nullPid = 0x1fff;

/** The PID of the packet at `offset`. */
export function pidOf(packets: Uint8Array, offset = 0): number {
  return ((packets[offset + 1]! & 0x1f) << 8) | packets[offset + 2]!;
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

/**
 * True when `head` (the first bytes of a response) is MPEG-TS: three sync bytes 188 bytes apart,
 * starting within the first packet. An HTML or JSON error page labelled video/mp2t is not.
 */
export function looksLikeTransportStream(head: Uint8Array): boolean {
  for (let start = 0; start < packetSize && start + 2 * packetSize < head.length; start++) {
    if (head[start] === syncByte && head[start + packetSize] === syncByte && head[start + 2 * packetSize] === syncByte)
      return true;
  }
  return false;
}
