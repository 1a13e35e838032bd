/**
 * Joins the segments of one output stream cleanly: after each upstream switch the new segment's
 * PAT and PMT go out before its other packets (they are held, bounded, until seen), and the first
 * packet of each PID carries the discontinuity indicator, so decoders reset their clocks and
 * continuity counters instead of reporting errors.
 *
 * SKELETON: the API is fixed (the stream engine uses it); the implementation is being written.
 */
export class StreamSplicer {
  /** Call when the next packets come from a new upstream (not needed before the first). */
  startSegment(): void {}

  /** Whole packets of the current segment in; the packets to send out, or undefined while holding. */
  push(packets: Buffer): Buffer | undefined {
    return packets;
  }
}

/**
 * `packets` (whole packets, as a viewer skipping forward gets them) with the first packet of each
 * PID flagged discontinuous: the viewer's decoder must not expect continuity with what it had.
 *
 * SKELETON: returns the packets unchanged for now.
 */
export function markDiscontinuity(packets: Buffer): Buffer {
  return packets;
}
