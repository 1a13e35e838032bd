import { describe, expect, it } from 'vitest';
import type { PlayableChannel } from '../../src/lineup/index.js';
import type { GuideProgramme } from '../../src/xmltv/index.js';
import { renderGuide } from '../../src/guide-output/epg-writer.js';
import { escapeXml } from '../../src/core/index.js';
import { parseXml } from './epg-fixture.js';

const hour = 3_600_000;
const from = Date.UTC(2026, 10, 24, 8);
const window = { from, to: from + 24 * hour };

function channel(i: number): PlayableChannel {
  return {
    id: i,
    channelId: `ch${i}.tv`,
    displayName: `Channel ${i}`,
    number: i,
    icon: null,
    providerIcon: null,
    groupTitle: null,
    bestTier: 'HD',
    isSynthetic: false,
  };
}

function programme(channelId: string, start: number, title: string, description: string | null = null): GuideProgramme {
  return {
    channelId,
    start,
    stop: start + hour,
    title,
    subTitle: null,
    description,
    categories: ['News', 'A & B'],
    episodeNumXmltvNs: null,
    episodeNumOnscreen: null,
    icon: null,
    rating: null,
    isNew: false,
    previouslyShown: false,
  };
}

describe('renderGuide', () => {
  it('escapes like escapeXml: specials replaced, characters XML forbids dropped, the rest kept', () => {
    const tricky = [
      `Tom & Jerry's "<Best>" > rest`,
      'tab\there\nnewline\rreturn',
      'controls\u0000\u0001\u0008\u000b\u000c\u000e\u001f gone, \ufffe\uffff too',
      'emoji 📺 and accents: Télé 台 ü',
      '&&&<<<>>>',
      'plain text needing nothing',
      '',
    ];
    const programmes = tricky.map((text, i) => programme('ch1.tv', from + i * hour, `t${i}`, text || null));
    const xml = Buffer.concat([...renderGuide([channel(1)], { programmesOf: () => programmes }, window)]).toString(
      'utf8',
    );
    for (const text of tricky) if (text) expect(xml).toContain(`<desc>${escapeXml(text)}</desc>`);
    expect(xml).toContain('<category>A &amp; B</category>');
    const descs = parseXml(xml)
      .children.filter((c) => c.name === 'programme')
      .map((p) => p.children.find((c) => c.name === 'desc')?.text);
    expect(descs[0]).toBe(`Tom & Jerry's "<Best>" > rest`);
    expect(descs[2]).toBe('controls gone,  too');
    expect(descs[3]).toBe('emoji 📺 and accents: Télé 台 ü');
  });

  it('splits a large guide into buffers of at most 1 MB without cutting a character or losing text', () => {
    // 40 channels × 24 programmes with ~3 kB of multi-byte text each: about 3 MB of output.
    const channels = Array.from({ length: 40 }, (_, i) => channel(i + 1));
    const description = 'Ça continue — 台北 📺 '.repeat(100);
    const guide = {
      programmesOf: (id: string) =>
        Array.from({ length: 24 }, (_, s) => programme(id, from + s * hour, `${id} #${s}`, description)),
    };
    const chunks = [...renderGuide(channels, guide, window)];
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.length <= 1 << 20)).toBe(true);
    // Each chunk is valid UTF-8 on its own: no character was split across two.
    for (const c of chunks) expect(Buffer.from(c.toString('utf8'), 'utf8').equals(c)).toBe(true);
    const tv = parseXml(Buffer.concat(chunks).toString('utf8'));
    const programmes = tv.children.filter((c) => c.name === 'programme');
    expect(programmes).toHaveLength(40 * 24);
    expect(programmes.at(-1)!.children[0]!.text).toBe('ch40.tv #23');
    expect(programmes.every((p) => p.children.find((c) => c.name === 'desc')?.text === description)).toBe(true);
  });
});
