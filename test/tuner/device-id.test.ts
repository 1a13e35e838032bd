import { describe, expect, it } from 'vitest';
import { formatDeviceId, generateDeviceId, isValidDeviceId, parseDeviceId } from '../../src/tuner/device-id.js';

describe('HDHomeRun DeviceID check digit', () => {
  it('accepts the ids of the protocol test vector and real devices, rejects one digit off', () => {
    expect(isValidDeviceId(0x12345674)).toBe(true);
    expect(isValidDeviceId(0x12345675)).toBe(false);
    expect(isValidDeviceId(0x12345664)).toBe(false);
  });

  it('rejects 0 and the wildcard', () => {
    expect(isValidDeviceId(0)).toBe(false);
    expect(isValidDeviceId(0xffffffff)).toBe(false);
  });

  it('generates valid ids from any random source', () => {
    let n = 0;
    const counting = (max: number) => (n++ * 7919) % max;
    for (let i = 0; i < 1000; i++) expect(isValidDeviceId(generateDeviceId(counting))).toBe(true);
    const ids = new Set(Array.from({ length: 200 }, () => generateDeviceId()));
    expect(ids.size).toBeGreaterThan(190);
    for (const id of ids) expect(isValidDeviceId(id)).toBe(true);
  });

  it('formats as 8 upper-case hex digits and parses back only valid ids', () => {
    expect(formatDeviceId(0x0a2b3c4d)).toBe('0A2B3C4D');
    expect(parseDeviceId('12345674')).toBe(0x12345674);
    expect(parseDeviceId('12345675')).toBeUndefined();
    expect(parseDeviceId('1234567')).toBeUndefined();
    expect(parseDeviceId('1234567G')).toBeUndefined();
  });
});
