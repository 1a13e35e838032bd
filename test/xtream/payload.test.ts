import { describe, expect, it } from 'vitest';
import { toInteger, toText } from '../../src/xtream/payload.js';
import { parseAuthentication, parseCategories, parseLiveStreams } from '../../src/xtream/payload.js';

describe('provider payload parsing', () => {
  it('reads numbers sent as strings, and absent values sent as "", null or "null"', () => {
    expect([
      toInteger('42'),
      toInteger(42),
      toInteger(' 7 '),
      toInteger(''),
      toInteger(null),
      toInteger('4.5'),
      toInteger('x'),
    ]).toEqual([42, 42, 7, null, null, null, null]);
    expect([toText('  UK:  BBC  One '), toText(''), toText(null), toText('null'), toText(12)]).toEqual([
      'UK: BBC One',
      null,
      null,
      null,
      '12',
    ]);
  });

  it('parses user_info with string numbers, null expiry and auth as "1"; auth 0 means rejected', () => {
    expect(
      parseAuthentication({
        user_info: {
          auth: '1',
          status: 'Active',
          exp_date: '1893456000',
          max_connections: '3',
          active_cons: '1',
          is_trial: '1',
        },
      }),
    ).toEqual({
      status: 'Active',
      expiresAt: 1893456000_000,
      maxConnections: 3,
      activeConnections: 1,
      isTrial: true,
    });
    expect(
      parseAuthentication({
        user_info: { auth: 1, status: null, exp_date: null, max_connections: null, active_cons: null },
      }),
    ).toEqual({
      status: 'Unknown',
      expiresAt: null,
      maxConnections: null,
      activeConnections: null,
      isTrial: false,
    });
    expect(parseAuthentication({ user_info: { auth: 0 } })).toBeNull();
    expect(parseAuthentication([])).toBeNull();
    expect(() => parseAuthentication('<html>')).toThrow();
    expect(() => parseAuthentication({ server_info: {} })).toThrow();
  });

  it('skips categories without an id and de-duplicates them', () => {
    expect(
      parseCategories([
        { category_id: 1, category_name: 'UK' },
        { category_id: '1', category_name: 'dup' },
        { category_name: 'no id' },
        null,
        { category_id: '2' },
      ]),
    ).toEqual([
      { id: '1', name: 'UK' },
      { id: '2', name: '2' },
    ]);
    expect(() => parseCategories({ error: 'x' })).toThrow();
  });

  it('skips invalid rows and separators and de-duplicates streams listed in several categories', () => {
    const streams = parseLiveStreams([
      {
        stream_id: '10',
        name: ' UK: BBC One HD ',
        num: '1',
        stream_icon: 'http://logo/1.png',
        epg_channel_id: 'bbc1.uk',
        category_id: 5,
      },
      { stream_id: 10, name: 'UK: BBC One HD', category_id: '6' },
      { stream_id: '11', name: '##### UK SPORTS #####' },
      { stream_id: 12, name: '' },
      { stream_id: null, name: 'No id' },
      { stream_id: 'abc', name: 'Bad id' },
      { stream_id: 13, name: 'UK: BBC Two', stream_icon: '', epg_channel_id: '', category_id: null },
      'garbage',
    ]);
    expect(streams).toEqual([
      {
        streamId: 10,
        name: 'UK: BBC One HD',
        num: 1,
        icon: 'http://logo/1.png',
        epgChannelId: 'bbc1.uk',
        categoryId: '5',
      },
      { streamId: 13, name: 'UK: BBC Two', num: null, icon: null, epgChannelId: null, categoryId: null },
    ]);
  });
});
