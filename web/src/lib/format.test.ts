import { describe, expect, it } from 'vitest';
import { elapsedSince, formatBitrate, formatBytes, formatDuration } from './format';

describe('formatBitrate', () => {
  it('uses decimal units with one decimal below 100', () => {
    expect(formatBitrate(0)).toBe('0 bit/s');
    expect(formatBitrate(999)).toBe('999 bit/s');
    expect(formatBitrate(1000)).toBe('1.0 kbit/s');
    expect(formatBitrate(950_000)).toBe('950 kbit/s');
    expect(formatBitrate(4_200_000)).toBe('4.2 Mbit/s');
    expect(formatBitrate(25_000_000)).toBe('25.0 Mbit/s');
    expect(formatBitrate(3_000_000_000)).toBe('3.0 Gbit/s');
  });
  it('never shows a negative or a non-number', () => {
    expect(formatBitrate(-5)).toBe('0 bit/s');
    expect(formatBitrate(Number.NaN)).toBe('–');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10.0 MiB');
    expect(formatBytes(200 * 1024 * 1024)).toBe('200 MiB');
    expect(formatBytes(3.2 * 1024 ** 3)).toBe('3.2 GiB');
  });
});

describe('formatDuration', () => {
  it('shows the two largest useful units with padded minutes and seconds', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42_999)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_723_000)).toBe('1h 02m 03s');
    expect(formatDuration((2 * 86_400 + 4 * 3600 + 10 * 60) * 1000)).toBe('2d 4h 10m');
  });
  it('counts a start in the future (clock skew) as 0', () => {
    expect(formatDuration(-10_000)).toBe('0s');
  });
});

describe('elapsedSince', () => {
  it('measures from an ISO instant to now', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(elapsedSince('2026-01-01T11:58:30Z', now)).toBe('1m 30s');
    expect(elapsedSince('not a time', now)).toBe('–');
  });
});
