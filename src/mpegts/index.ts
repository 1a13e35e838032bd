export { packetSize, syncByte, nullPid, pidOf, nullPacket, looksLikeTransportStream } from './packet.js';
export { PacketAligner } from './packet-aligner.js';
export { TsAnalyzer } from './ts-analyzer.js';
export { StreamSplicer, markDiscontinuity } from './splice.js';
