import { describe, expect, it } from 'vitest';
import { checkChannelNumber, numberTakenBy } from './channel-number';

describe('checkChannelNumber', () => {
  it('accepts whole numbers in range', () => {
    expect(checkChannelNumber('42')).toEqual({ ok: true, value: 42 });
    expect(checkChannelNumber(' 7 ')).toEqual({ ok: true, value: 7 });
    expect(checkChannelNumber(999_999)).toEqual({ ok: true, value: 999_999 });
  });

  it('rejects empty, fractions, signs and out of range', () => {
    expect(checkChannelNumber('')).toMatchObject({ ok: false, error: 'Enter a number' });
    expect(checkChannelNumber(null)).toMatchObject({ ok: false });
    expect(checkChannelNumber('1.5')).toMatchObject({ ok: false, error: 'Whole numbers only' });
    expect(checkChannelNumber('-3')).toMatchObject({ ok: false, error: 'Whole numbers only' });
    expect(checkChannelNumber('0')).toMatchObject({ ok: false, error: 'Between 1 and 999999' });
    expect(checkChannelNumber(1_000_000)).toMatchObject({ ok: false });
  });
});

describe('numberTakenBy', () => {
  const rows = [
    { id: 1, number: 5 },
    { id: 2, number: 6 },
    { id: 3, number: null },
  ];
  it('finds another channel with the number, never the channel itself', () => {
    expect(numberTakenBy(rows, 6, 1)?.id).toBe(2);
    expect(numberTakenBy(rows, 5, 1)).toBeUndefined();
    expect(numberTakenBy(rows, 9, 1)).toBeUndefined();
  });
});
