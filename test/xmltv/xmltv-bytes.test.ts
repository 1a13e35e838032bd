import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GuideFormatError,
  parseXmltv,
  type XmltvChannel,
  type XmltvLimits,
  type XmltvProgramme,
} from '../../src/xmltv/xmltv-bytes.js';
import { fixturePath } from '../support/paths.js';
import { makeTempDir } from '../support/temp-dir.js';

type Seen = ['channel', XmltvChannel] | ['programme', XmltvProgramme];

const guide = readFileSync(fixturePath('xmltv/guide.xml'));
const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);

/** The bytes as an async source, `size` bytes at a time. */
async function* chunks(bytes: Uint8Array, size = bytes.length): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** Everything the handlers were given, in order, and the result. */
async function parse(
  input: Uint8Array | string | AsyncIterable<Uint8Array>,
  options: { size?: number; limits?: XmltvLimits } = {},
) {
  const source =
    typeof input === 'string'
      ? chunks(Buffer.from(input), options.size)
      : input instanceof Uint8Array
        ? chunks(input, options.size)
        : input;
  const seen: Seen[] = [];
  const result = await parseXmltv(
    source,
    { channel: (c) => seen.push(['channel', c]), programme: (p) => seen.push(['programme', p]) },
    options.limits,
  );
  return { seen, result };
}

/** The reason of the GuideFormatError the parse fails with. */
async function failure(
  input: Uint8Array | string | AsyncIterable<Uint8Array>,
  options: { size?: number; limits?: XmltvLimits } = {},
): Promise<string> {
  const error: unknown = await parse(input, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GuideFormatError);
  expect((error as GuideFormatError).message).toBe((error as GuideFormatError).reason);
  return (error as GuideFormatError).reason;
}

const tv = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<tv>\n${body}\n</tv>\n`;

const programme = (
  fields: Partial<XmltvProgramme> & Pick<XmltvProgramme, 'channelId' | 'start' | 'title'>,
): XmltvProgramme => ({
  stop: null,
  subTitle: null,
  description: null,
  categories: [],
  episodeNumXmltvNs: null,
  episodeNumOnscreen: null,
  icon: null,
  rating: null,
  isNew: false,
  previouslyShown: false,
  ...fields,
});

// What guide.xml must give, element by element.
const expectedGuide: Seen[] = [
  [
    'channel',
    {
      id: 'bbc1.uk',
      displayNames: ['BBC One', 'BBC One London', '101'],
      icon: 'https://img.example/bbc1.png',
      url: 'https://www.bbc.co.uk/bbcone',
    },
  ],
  ['channel', { id: 'arte.fr', displayNames: ["Arte & Cinéma été '24' 日本 📺"], icon: null, url: null }],
  ['channel', { id: 'bare.example', displayNames: ['bare.example'], icon: null, url: null }],
  // The same id again is handed over again, as it stands; the importer merges.
  ['channel', { id: 'bbc1.uk', displayNames: ['BBC 1'], icon: null, url: null }],
  [
    'programme',
    {
      channelId: 'bbc1.uk',
      start: utc(2024, 1, 1, 11), // 12:00 +0100
      stop: utc(2024, 1, 1, 12),
      title: 'News & Weather',
      subTitle: 'Lunchtime',
      description: 'Headlines <b>& more</b> from   the newsroom.',
      categories: ['News', 'Current affairs'],
      episodeNumXmltvNs: '0 . 4 . 0/1',
      episodeNumOnscreen: 'S01E05',
      icon: 'https://img.example/news.jpg',
      rating: 'TV-G',
      isNew: true,
      previouslyShown: true,
    },
  ],
  // 12:00 -0500; no stop; an episode-num without system is onscreen; an empty rating value is passed over.
  [
    'programme',
    programme({
      channelId: 'arte.fr',
      start: utc(2024, 1, 1, 17),
      title: 'Le Film du jour',
      episodeNumOnscreen: 'Épisode 3',
      rating: '-12',
    }),
  ],
  // 20:00 BST, stop 19:30 BST is before the start; the channel has no <channel> element.
  ['programme', programme({ channelId: 'unlisted.example', start: utc(2024, 6, 1, 19), title: 'Stop before start' })],
  ['programme', programme({ channelId: 'bbc1.uk', start: utc(2024, 6, 1, 20), title: 'Invalid stop' })],
];
// No channel, no start, month 13, unknown zone, no title, blank title.
const expectedResult = { channels: 3, programmes: 4, skippedProgrammes: 6 };

describe('parseXmltv', () => {
  const temps: Array<{ remove(): void }> = [];
  afterEach(() => temps.splice(0).forEach((t) => t.remove()));

  it('hands over every channel and programme of the fixture, exactly, in document order', async () => {
    const { seen, result } = await parse(guide);
    expect(seen).toEqual(expectedGuide);
    expect(result).toEqual(expectedResult);
  });

  it('gives the same from gzip, detected by its bytes (even in a file named .xml)', async () => {
    const gzipped = gzipSync(guide);
    expect(await parse(gzipped)).toEqual({ seen: expectedGuide, result: expectedResult });

    const dir = makeTempDir();
    temps.push(dir);
    const file = join(dir.path, 'guide.xml');
    writeFileSync(file, gzipped);
    expect(await parse(createReadStream(file, { highWaterMark: 100 }))).toEqual({
      seen: expectedGuide,
      result: expectedResult,
    });
  });

  it('gives the same when the bytes come one at a time (multi-byte characters split across chunks)', async () => {
    expect(await parse(guide, { size: 1 })).toEqual({ seen: expectedGuide, result: expectedResult });
    expect(await parse(gzipSync(guide), { size: 1 })).toEqual({ seen: expectedGuide, result: expectedResult });
    expect(await parse(guide, { size: 7 })).toEqual({ seen: expectedGuide, result: expectedResult });
  });

  it('passes the limits the fixture needs (4 levels deep, short texts)', async () => {
    expect(await parse(guide, { limits: { maxDepth: 4, maxTextLength: 200 } })).toEqual({
      seen: expectedGuide,
      result: expectedResult,
    });
  });

  it('decodes the encoding the XML declaration names', async () => {
    const latin1 = Buffer.from(
      '<?xml version="1.0" encoding="ISO-8859-1"?>\n<tv><channel id="c"><display-name>Télé Ça</display-name></channel></tv>',
      'latin1',
    );
    const { seen } = await parse(latin1, { size: 3 });
    expect(seen).toEqual([['channel', { id: 'c', displayNames: ['Télé Ça'], icon: null, url: null }]]);
    expect(await failure('<?xml version="1.0" encoding="x-klingon"?><tv/>')).toBe(
      'unsupported encoding in the XML declaration',
    );
  });

  it('accepts a UTF-8 byte order mark and a plain DOCTYPE', async () => {
    const doc = `\uFEFF<?xml version="1.0"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv><channel id="c"/></tv>`;
    expect((await parse(doc)).result).toEqual({ channels: 1, programmes: 0, skippedProgrammes: 0 });
  });

  it('refuses broken gzip data', async () => {
    const gzipped = gzipSync(guide);
    const corrupt = (at: number) => {
      const bytes = Buffer.from(gzipped);
      bytes[at] = bytes[at]! ^ 0x55;
      return bytes;
    };
    expect(await failure(corrupt(Math.floor(gzipped.length / 2)))).toBe('broken gzip data');
    expect(await failure(corrupt(gzipped.length - 6))).toBe('broken gzip data'); // the CRC
    expect(await failure(gzipped.subarray(0, gzipped.length - 20))).toBe('broken gzip data');
    expect(await failure(gzipped.subarray(0, gzipped.length / 2), { size: 16 })).toBe('broken gzip data');
    expect(await failure(Buffer.from([0x1f, 0x8b, 0x00, 0x41, 0x42, 0x43, 0x44]))).toBe('broken gzip data');
  });

  it('refuses malformed XML with the line of the fault', async () => {
    const doc = tv('<channel id="a">\n<display-name>A</display-name>\n</chanel>');
    expect(await failure(doc)).toMatch(/^malformed XML at line 5 \(.+\)$/);
    expect(
      await failure(
        tv(
          '<channel id="a"><display-name>A</display-name></channel>\n<programme channel="a" start="x"><title>T</titl></programme>',
        ),
      ),
    ).toMatch(/^malformed XML at line 4 /);
  });

  it('accepts a bare "&" (common in provider guides) as the character it means, however the input is cut', async () => {
    const doc = tv(
      '<channel id="a"><display-name>Tom & Jerry TV</display-name><icon src="http://x/logo.png?a=1&b=2"/></channel>\n' +
        '<programme start="20240101120000" channel="a"><title>A & B &amp; C &#38; D &#x26; E</title><desc>R&D 5 &lt; 6 &</desc></programme>\n' +
        '<programme start="20240101130000" channel="a"><title><![CDATA[X & Y &amp; Z]]> & W</title></programme>',
    );
    for (const size of [undefined, 1, 3, 7]) {
      const { seen } = await parse(doc, size === undefined ? {} : { size });
      expect(seen[0]).toEqual([
        'channel',
        { id: 'a', displayNames: ['Tom & Jerry TV'], icon: 'http://x/logo.png?a=1&b=2', url: null },
      ]);
      expect(seen[1]![1]).toMatchObject({ title: 'A & B & C & D & E', description: 'R&D 5 < 6 &' });
      // CDATA keeps its text exactly, "&amp;" included; the bare "&" after it is a character.
      expect(seen[2]![1]).toMatchObject({ title: 'X & Y &amp; Z & W' });
    }
    // HTML entities: the common ones become their characters, any other name stays as written.
    const html = await parse(
      tv('<channel id="a"><display-name>Caf&eacute;&nbsp;TV &hellip; &bogus; &amp;lt;</display-name></channel>'),
      { size: 2 },
    );
    expect(html.seen[0]![1]).toMatchObject({ displayNames: ['Caf\u00e9\u00a0TV \u2026 &bogus; &lt;'] });
  });

  it('refuses a document that ends early, wherever it was cut', async () => {
    const end = guide.indexOf('</tv>') + '</tv>'.length;
    for (let cut = 1; cut < end; cut += 23) {
      expect(await failure(guide.subarray(0, cut)), `cut at ${cut}`).toBe('document ended early (truncated)');
    }
    expect(await failure(guide.subarray(0, end - 1))).toBe('document ended early (truncated)');
    expect((await parse(guide.subarray(0, end))).result).toEqual(expectedResult);
  });

  it('refuses what is not an XMLTV document, naming why', async () => {
    expect(await failure(readFileSync(fixturePath('xmltv/html-error.html')))).toBe(
      'not an XMLTV document (root element <html>)',
    );
    expect(await failure('<!doctype html>\n<html><body>Bad Gateway<br></body></html>')).toBe(
      'not an XMLTV document (root element <html>)',
    );
    expect(await failure('<?xml version="1.0"?><rss version="2.0"><channel/></rss>')).toBe(
      'not an XMLTV document (root element is not <tv>)',
    );
    expect(await failure('Not Found')).toBe('not an XMLTV document (not XML)');
    expect(await failure('{"user_info":{"auth":0}}')).toBe('not an XMLTV document (not XML)');
  });

  it('refuses an empty document', async () => {
    expect(await failure(new Uint8Array(0))).toBe('empty document');
    expect(await failure((async function* () {})())).toBe('empty document');
    expect(await failure(' \n\t ')).toBe('empty document');
    expect(await failure(gzipSync(Buffer.alloc(0)))).toBe('empty document');
  });

  it('refuses a DOCTYPE that declares entities and never reads what they point to', async () => {
    const seen: unknown[] = [];
    const error: unknown = await parseXmltv(chunks(readFileSync(fixturePath('xmltv/xxe.xml'))), {
      channel: (c) => seen.push(c),
      programme: (p) => seen.push(p),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GuideFormatError);
    expect((error as GuideFormatError).reason).toBe('DOCTYPE with entity declarations refused');
    expect(seen).toEqual([]);
    expect(JSON.stringify(error) + String(error)).not.toContain('root:');

    const laughs =
      '<?xml version="1.0"?><!DOCTYPE tv [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;">]><tv><channel id="&b;"/></tv>';
    expect(await failure(laughs)).toBe('DOCTYPE with entity declarations refused');
  });

  it('decodes the predefined entities, character references and CDATA', async () => {
    const { seen } = await parse(
      tv(
        '<channel id="a&amp;b"><display-name>&lt;&gt;&amp;&apos;&quot; &#65;&#x42; <![CDATA[<raw & text>]]></display-name></channel>',
      ),
    );
    expect(seen).toEqual([['channel', { id: 'a&b', displayNames: [`<>&'" AB <raw & text>`], icon: null, url: null }]]);
  });

  it('bounds element nesting', async () => {
    const deep = tv('<channel id="a"><x><y><z>deep</z></y></x></channel>');
    expect(await failure(deep, { limits: { maxDepth: 4 } })).toBe('element nesting too deep');
    expect((await parse(deep, { limits: { maxDepth: 5 } })).result.channels).toBe(1);
    // The default is generous for XMLTV (which needs 4) and still stops a runaway document.
    expect(await failure(tv('<a>'.repeat(40) + '</a>'.repeat(40)))).toBe('element nesting too deep');
  });

  it('bounds text, CDATA and attribute lengths', async () => {
    const limits = { maxTextLength: 50 };
    const long = 'x'.repeat(51);
    const fits = 'x'.repeat(50);
    expect(
      (await parse(tv(`<channel id="a"><display-name>${fits}</display-name></channel>`), { limits })).result.channels,
    ).toBe(1);
    expect(await failure(tv(`<channel id="a"><display-name>${long}</display-name></channel>`), { limits })).toBe(
      'text too long',
    );
    expect(
      await failure(tv(`<channel id="a"><display-name><![CDATA[${long}]]></display-name></channel>`), { limits }),
    ).toBe('text too long');
    expect(
      await failure(tv(`<channel id="a"><display-name>${fits}<![CDATA[x]]></display-name></channel>`), { limits }),
    ).toBe('text too long');
    expect(await failure(tv(`<channel id="${long}"/>`), { limits })).toBe('text too long');
    expect(await failure(tv(`<unknown>${long}</unknown>`), { limits })).toBe('text too long');
    // What saxes itself buffers (a comment, a tag name) is bounded too, once it spans chunks.
    expect(await failure(tv(`<!--${'c'.repeat(200)}-->`), { limits, size: 10 })).toBe('text too long');
    expect(await failure(tv(`<${'n'.repeat(200)}/>`), { limits, size: 10 })).toBe('text too long');
  });

  it('bounds the attributes of one element', async () => {
    const attrs = Array.from({ length: 65 }, (_, i) => `a${i}="v"`).join(' ');
    expect(await failure(tv(`<channel id="a" ${attrs}/>`))).toBe('too many attributes');
  });

  it('stops at the error a handler throws, and passes it on unchanged', async () => {
    const stop = new Error('database is full');
    let calls = 0;
    let closed = false;
    async function* source(bytes: Uint8Array) {
      try {
        yield* chunks(bytes, 64);
      } finally {
        closed = true;
      }
    }
    for (const bytes of [guide, gzipSync(guide)]) {
      calls = 0;
      closed = false;
      const parsing = parseXmltv(source(bytes), {
        channel: () => void calls++,
        programme: () => {
          calls++;
          throw stop;
        },
      });
      await expect(parsing).rejects.toBe(stop);
      expect(calls).toBe(5); // four channels, then the first programme
      expect(closed).toBe(true);
    }
  });

  it('passes a source error on unchanged', async () => {
    const broken = new Error('connection reset');
    for (const bytes of [guide, gzipSync(guide)]) {
      async function* source() {
        yield bytes.subarray(0, 300);
        throw broken;
      }
      await expect(parse(source())).rejects.toBe(broken);
    }
  });
});
