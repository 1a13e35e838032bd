import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/credentials/index.js';
import { buildStreamUrl } from '../../src/xtream/index.js';

describe('redactUrl', () => {
  it('masks user and password path segments of stream URLs, with or without a path prefix', () => {
    expect(redactUrl('http://prov.example:8080/live/alice/s3cret/123.ts')).toBe(
      'http://prov.example:8080/live/***/***/123.ts',
    );
    expect(redactUrl('https://prov.example/xc/live/alice/s3cret/9.m3u8')).toBe(
      'https://prov.example/xc/live/***/***/9.m3u8',
    );
    expect(redactUrl('http://p.example/timeshift/alice/s3cret/60/2024-01-01:10-00/5.ts')).toBe(
      'http://p.example/timeshift/***/***/60/2024-01-01:10-00/5.ts',
    );
  });

  it('masks a percent-encoded password built by buildStreamUrl', () => {
    const url = buildStreamUrl('http://127.0.0.1:9/', 'al ice', 'p@ss/w:rd?#&', 42);
    const redacted = redactUrl(url);
    expect(redacted).toBe('http://127.0.0.1:9/live/***/***/42.ts');
    expect(redacted).not.toContain(encodeURIComponent('p@ss/w:rd?#&'));
  });

  it('masks credential query parameters and userinfo', () => {
    const redacted = redactUrl(
      'http://bob:pw@p.example/player_api.php?username=alice&password=s3cret&action=get_live_streams',
    );
    expect(redacted).not.toMatch(/alice|s3cret|bob|pw@/);
    expect(redacted).toContain('action=get_live_streams');
    expect(redacted).toContain('username=***');
  });

  it('masks what it can in text that is not an absolute URL', () => {
    expect(redactUrl('/live/alice/s3cret/1.ts?password=x')).toBe('/live/***/***/1.ts?password=***');
  });
});
