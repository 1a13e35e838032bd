import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { looksLikeTransportStream, PacketAligner } from '../../src/mpegts/index.js';
import { fixturePath } from '../support/paths.js';

const sample = readFileSync(fixturePath('sample.mpegts'));

function collect(aligner: PacketAligner, chunks: Buffer[]): Buffer {
  const out: Buffer[] = [];
  for (const chunk of chunks) {
    const packets = aligner.push(chunk);
    if (packets) {
      expect(packets.length % 188).toBe(0);
      for (let at = 0; at < packets.length; at += 188) expect(packets[at]).toBe(0x47);
      out.push(packets);
    }
  }
  return Buffer.concat(out);
}

function chunked(data: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return chunks;
}

describe('looksLikeTransportStream', () => {
  it('accepts real TS, also starting mid-packet', () => {
    expect(looksLikeTransportStream(sample.subarray(0, 1024))).toBe(true);
    expect(looksLikeTransportStream(sample.subarray(100, 1124))).toBe(true);
    expect(looksLikeTransportStream(sample.subarray(0, 2 * 188))).toBe(false); // too short to tell
  });

  it('rejects an HTML or JSON page, garbage, and text with sync bytes three packets apart by chance', () => {
    const html = Buffer.from(`<!DOCTYPE html><html><body>${'Gateway Timeout '.repeat(100)}</body></html>`);
    expect(looksLikeTransportStream(html)).toBe(false);
    expect(looksLikeTransportStream(Buffer.from(JSON.stringify({ error: 'x'.repeat(2000) })))).toBe(false);
    const text = Buffer.alloc(1200, 'a');
    for (const at of [10, 198, 386]) text[at] = 0x47; // 'G' three times 188 bytes apart
    expect(looksLikeTransportStream(text)).toBe(false);
  });
});

describe('PacketAligner', () => {
  it('gives aligned chunks back as views of themselves, without copying', () => {
    const aligner = new PacketAligner();
    const chunk = sample.subarray(0, 188 * 10);
    const out = aligner.push(chunk)!;
    expect(out.buffer).toBe(chunk.buffer);
    expect(out.byteOffset).toBe(chunk.byteOffset);
    expect(out.length).toBe(chunk.length);
    const next = sample.subarray(188 * 10, 188 * 20);
    const again = aligner.push(next)!;
    expect(again.buffer).toBe(next.buffer);
    expect(again.byteOffset).toBe(next.byteOffset);
  });

  it('reassembles packets split across chunks of any size, one byte included', () => {
    const whole = sample.subarray(0, 188 * 40);
    for (const size of [1, 7, 187, 189, 1000, 4096]) {
      expect(collect(new PacketAligner(), chunked(whole, size)).equals(whole)).toBe(true);
    }
  });

  it('resyncs after leading garbage and after garbage between packets, dropping only the garbage', () => {
    const packets = sample.subarray(0, 188 * 30);
    const garbage = Buffer.from('HTTP/1.1 200 OK garbage \x47\x47 more');
    const input = Buffer.concat([garbage, packets.subarray(0, 188 * 10), garbage, packets.subarray(188 * 10)]);
    for (const size of [1, 100, 188, 1000, input.length]) {
      expect(collect(new PacketAligner(), chunked(input, size)).equals(packets)).toBe(true);
    }
  });

  it('drops a packet cut short where the stream resumes inside it', () => {
    const packets = sample.subarray(0, 188 * 30);
    const input = Buffer.concat([
      packets.subarray(0, 188 * 20),
      packets.subarray(188 * 20, 188 * 20 + 90), // cut short: the next packet follows at once
      packets.subarray(188 * 21),
    ]);
    const expected = Buffer.concat([packets.subarray(0, 188 * 20), packets.subarray(188 * 21)]);
    expect(collect(new PacketAligner(), [input]).equals(expected)).toBe(true);
    expect(collect(new PacketAligner(), chunked(input, 188 * 8)).equals(expected)).toBe(true);
  });

  it('holds nothing but a partial packet while in sync, and forgets it on reset', () => {
    const aligner = new PacketAligner();
    expect(aligner.push(sample.subarray(0, 188 * 3))!.length).toBe(188 * 3);
    expect(aligner.push(sample.subarray(188 * 3, 188 * 3 + 50))).toBeUndefined();
    aligner.reset();
    // The rest of that packet is not glued to the 50 bytes: the next stream starts clean.
    const out = collect(aligner, [sample.subarray(188 * 10, 188 * 20)]);
    expect(out.equals(sample.subarray(188 * 10, 188 * 20))).toBe(true);
  });

  it('keeps bounded memory on endless garbage', () => {
    const aligner = new PacketAligner();
    for (let i = 0; i < 100; i++) expect(aligner.push(Buffer.alloc(10_000, 0x47 ^ 1))).toBeUndefined();
    expect((aligner as unknown as { pending: Buffer }).pending.length).toBeLessThan(3 * 188);
  });
  it('hands a chunk that follows a partial packet on as the straddling packet (a copy) and a view of the chunk', () => {
    const aligner = new PacketAligner();
    const data = Buffer.from(sample.subarray(0, 188 * 40));
    expect(aligner.push(data.subarray(0, 188 * 10 + 100))!.length).toBe(188 * 10);
    const chunk = data.subarray(188 * 10 + 100, 188 * 30 + 50);
    const pieces: Buffer[] = [];
    aligner.pushEach(chunk, (packets) => pieces.push(packets));
    expect(pieces.map((p) => p.length)).toEqual([188, 188 * 19]);
    expect(pieces[0]!.equals(data.subarray(188 * 10, 188 * 11))).toBe(true);
    expect(pieces[1]!.buffer).toBe(chunk.buffer); // not copied
    expect(pieces[1]!.byteOffset).toBe(chunk.byteOffset + 88);
  });

  it('gives, in pieces, exactly what push gives, on damaged streams cut anywhere', () => {
    // A stream with garbage, cut packets and repeated sync bytes, in random chunks: pushEach's pieces
    // joined are push's output, each piece whole packets.
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let round = 0; round < 40; round++) {
      const parts: Buffer[] = [];
      for (let i = 0; i < 30; i++) {
        const from = 188 * random(200);
        const kind = random(6);
        if (kind === 0) parts.push(Buffer.from('G garbage \x47'.repeat(1 + random(20))));
        else if (kind === 1) parts.push(sample.subarray(from, from + random(188)));
        else parts.push(sample.subarray(from, from + 188 * (1 + random(30))));
      }
      const input = Buffer.concat(parts);
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length;) {
        const size = 1 + random(random(2) ? 700 : 5000);
        chunks.push(input.subarray(at, at + size));
        at += size;
      }
      const joined = collect(new PacketAligner(), chunks);
      const each = new PacketAligner();
      const pieces: Buffer[] = [];
      for (const chunk of chunks) each.pushEach(chunk, (packets) => pieces.push(packets));
      for (const piece of pieces) {
        expect(piece.length % 188).toBe(0);
        expect(piece.length).toBeGreaterThan(0);
      }
      expect(Buffer.concat(pieces).equals(joined)).toBe(true);
    }
  });
});
