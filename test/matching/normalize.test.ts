import { describe, expect, it } from 'vitest';
import { normalizeChannelName } from '../../src/matching/index.js';

describe('normalizeChannelName', () => {
  it.each([
    ['UK: BBC One', 'bbc one'],
    ['|UK| BBC One', 'bbc one'],
    ['[UK] BBC One', 'bbc one'],
    ['UK - BBC One', 'bbc one'],
    ['USA | BBC One', 'bbc one'],
    ['GER: BBC One', 'bbc one'],
    ['FRA | BBC One', 'bbc one'],
    ['🇬🇧 BBC One', 'bbc one'],
    ['UK ┃ BBC One', 'bbc one'],
    ['HD | UK: BBC One', 'bbc one'],
    ['UK: BBC One [Geo-blocked]', 'bbc one'],
  ])('drops the country prefix of %j', (name, expected) => {
    expect(normalizeChannelName(name)).toBe(expected);
  });

  it.each([
    ['BBC One HD', 'bbc one'],
    ['BBC One FHD', 'bbc one'],
    ['BBC One 4K', 'bbc one'],
    ['BBC One UHD', 'bbc one'],
    ['BBC One 1080p', 'bbc one'],
    ['BBC One (720p)', 'bbc one'],
    ['BBC One HEVC', 'bbc one'],
    ['BBC One ᴴᴰ', 'bbc one'],
    ['BBC One ᶠᴴᴰ ᴿᴬᵂ', 'bbc one'],
    ['UK: BBC ONE SD', 'bbc one'],
  ])('drops the tier and encoding markers of %j', (name, expected) => {
    expect(normalizeChannelName(name)).toBe(expected);
  });

  it('folds case, accents and punctuation', () => {
    expect(normalizeChannelName('FR | Antenne Réunion')).toBe('antenne reunion');
    expect(normalizeChannelName('Public Sénat 24/24')).toBe('public senat 24 24');
    expect(normalizeChannelName("Real America's Voice")).toBe('real americas voice');
    expect(normalizeChannelName('Hi-YAH!')).toBe('hi yah');
    expect(normalizeChannelName('Straße TV')).toBe('strasse tv');
  });

  it('keeps what tells channels apart: numbers and timeshifts', () => {
    expect(normalizeChannelName('UK: BBC One +1 HD')).toBe('bbc one +1');
    expect(normalizeChannelName('E4 +1')).toBe('e 4 +1');
    expect(normalizeChannelName('ESPN2')).toBe('espn 2');
    expect(normalizeChannelName('Sky Sports 2 HD')).toBe('sky sports 2');
    expect(normalizeChannelName('Canal+')).toBe('canal plus');
  });

  it('keeps a first word that only looks like a country code', () => {
    expect(normalizeChannelName('USA Today')).toBe('usa today');
    expect(normalizeChannelName('CBS News')).toBe('cbs news');
    expect(normalizeChannelName('ABC - Mountain')).toBe('abc mountain');
  });
});
