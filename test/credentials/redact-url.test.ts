import { describe, expect, it } from 'vitest';
import { redactUrl, redactUrlFully, unmaskUrl } from '../../src/credentials/index.js';
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

  it('fully: masks every query value, a bare key, userinfo, Xtream paths and the fragment', () => {
    const cases: [string, string][] = [
      ['http://epg.example/guide.xml?token=t0k3n', 'http://epg.example/guide.xml?token=***'],
      ['https://epg.example/x?pwd=pw1&key=k3y&fmt=xml', 'https://epg.example/x?pwd=***&key=***&fmt=***'],
      ['http://epg.example/x?s3cr3tkey', 'http://epg.example/x?***'],
      ['http://bob:hunter2@epg.example:8080/g.xml.gz', 'http://***:***@epg.example:8080/g.xml.gz'],
      ['http://p.example/live/alice/s3cret/epg.xml', 'http://p.example/live/***/***/epg.xml'],
      ['http://epg.example/g.xml#sig=abc', 'http://epg.example/g.xml#***'],
      ['http://epg.example/plain/guide.xml', 'http://epg.example/plain/guide.xml'],
    ];
    for (const [url, masked] of cases) expect(redactUrlFully(url), url).toBe(masked);
    expect(redactUrlFully('/srv/guides/guide.xml')).toBe('/srv/guides/guide.xml');
  });

  it('unmask: puts the stored values back where the edited URL kept ***', () => {
    const real = 'http://bob:pw@epg.example/live/alice/s3cret/x.xml?token=t%26k&fmt=xml&bare#frag';
    const edited = 'http://***:***@epg.example/live/***/***/y.xml?fmt=gz&token=***&***#***';
    expect(unmaskUrl(edited, real)).toBe(
      'http://bob:pw@epg.example/live/alice/s3cret/y.xml?fmt=gz&token=t%26k&bare#frag',
    );
    // A *** with no stored counterpart cannot be filled.
    expect(unmaskUrl('http://epg.example/x.xml?other=***', real)).toBeUndefined();
    expect(unmaskUrl('not a url', real)).toBeUndefined();
  });
});
