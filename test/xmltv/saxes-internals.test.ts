import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { saxesBuffers } from '../../src/xmltv/xmltv-records.js';

// The reader caps saxes' buffers by reading its internal fields (saxes has no limits of its own).
// These tests pin what it relies on: the exact version, and that each field is where it is read
// and grows with unfinished input. An upgrade that renames one fails here, not silently in a guide.
describe('the saxes internals the XMLTV reader caps', () => {
  it('is the saxes version package.json pins exactly', () => {
    const require = createRequire(import.meta.url);
    const installed = (JSON.parse(readFileSync(require.resolve('saxes/package.json'), 'utf8')) as { version: string })
      .version;
    const pinned = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies.saxes;
    expect(pinned).toBe('6.0.0');
    expect(installed).toBe(pinned);
  });

  it.each([
    ['text', '<tv>' + 'a'.repeat(500)],
    ['name', '<tv><' + 'n'.repeat(500)],
    ['entity', '<tv>&' + 'e'.repeat(500)],
    ['piTarget', '<tv><?' + 'p'.repeat(500)],
    ['openWakaBang', '<tv><!-'],
  ] as const)('finds %s growing with unfinished input', (field, input) => {
    const parser = new SaxesParser();
    parser.on('text', () => undefined); // without a text handler saxes does not collect text
    parser.write(input);
    const value = saxesBuffers(parser)[field];
    expect(typeof value).toBe('string');
    expect((value as string).length).toBeGreaterThan(field === 'openWakaBang' ? 0 : 400);
  });

  it('finds the attribute list growing inside an open tag', () => {
    const parser = new SaxesParser();
    parser.write('<tv><channel a="1" b="2" c="3" ');
    expect(saxesBuffers(parser).attribList).toHaveLength(3);
  });
});
