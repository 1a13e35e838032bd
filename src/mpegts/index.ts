export {
  packetSize,
  syncByte,
  nullPid,
  pidOf,
  nullPacket,
  looksLikeTransportStream,
  startsUnit,
  continuityOf,
  hasPayload,
} from './packet.js';
export { PacketAligner } from './packet-aligner.js';
export { TsAnalyzer } from './ts-analyzer.js';
export { StreamSplicer, markDiscontinuity } from './splice.js';
export { LoopRebaser, shiftTimestamps, pcrOf, decodeTimeOf } from './timestamp-shift.js';
export type { Pmt, PmtStream, VideoCodec } from './psi.js';
