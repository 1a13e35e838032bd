import { describe, expect, it } from 'vitest';
import { checkChannelNumber } from './channel-number';

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
