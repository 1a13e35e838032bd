import { describe, expect, it } from 'vitest';
import { eventsQuery, levelColor, pageCount, prettyDetails } from './events';

describe('eventsQuery', () => {
  it('sends only the filters that are set, and the page as an offset', () => {
    expect(eventsQuery({ level: 'all', category: 'all', unreadOnly: false }, 1, 50)).toEqual({ limit: 50, offset: 0 });
    expect(eventsQuery({ level: 'error', category: 'stream', unreadOnly: true }, 3, 50)).toEqual({
      limit: 50,
      offset: 100,
      level: 'error',
      category: 'stream',
      unread: true,
    });
    expect(eventsQuery({ level: 'all', category: '', unreadOnly: false }, 0, 25)).toEqual({ limit: 25, offset: 0 });
  });
});

describe('pageCount', () => {
  it('rounds up and never returns zero', () => {
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(50, 50)).toBe(1);
    expect(pageCount(51, 50)).toBe(2);
  });
});

describe('levelColor / prettyDetails', () => {
  it('colours errors red and warnings yellow', () => {
    expect(levelColor('error')).toBe('red');
    expect(levelColor('warn')).toBe('yellow');
    expect(levelColor('info')).toBe('blue');
    expect(levelColor('debug')).toBe('gray');
  });
  it('indents details and hides empty ones', () => {
    expect(prettyDetails({ a: 1, b: { c: 'x' } })).toBe('{\n  "a": 1,\n  "b": {\n    "c": "x"\n  }\n}');
    expect(prettyDetails({})).toBeNull();
    expect(prettyDetails(null)).toBeNull();
  });
});
