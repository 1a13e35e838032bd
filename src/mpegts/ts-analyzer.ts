/**
 * Learns a stream's program structure as packets go by: the PAT (PID 0), the PMT PIDs it names,
 * the video PID and its codec from the PMT; and finds random-access points, where a viewer can
 * start decoding (adaptation-field random_access_indicator, or a PES start carrying an H.264 IDR
 * / HEVC IRAP picture).
 *
 * SKELETON: the API is fixed (the stream engine uses it); the implementation is being written.
 */
export class TsAnalyzer {
  /** Looks at whole packets (a multiple of 188 bytes); returns the byte offsets of the random-access points in them. */
  scan(packets: Buffer): number[] {
    void packets;
    return [];
  }

  /** The latest PAT and PMT packets, concatenated (what a joining viewer gets first), or undefined before both were seen. */
  programHeader(): Buffer | undefined {
    return undefined;
  }

  /** Forgets everything (the next packets come from another upstream). */
  reset(): void {}
}
