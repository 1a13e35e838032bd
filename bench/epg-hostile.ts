/*
 * The hostile guides of bench:epg: each built to push one bound of the import (channels, display
 * names, one programme's size, saxes' processing-instruction buffer). Written as streams, a chunk
 * at a time, so the bench itself never holds one in memory.
 */
import { createWriteStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { formatXmltvTime } from '../src/xmltv/index.js';

export interface HostileGuide {
  label: string;
  file: string;
  /** What the file is, in the table: its size on disk and, for gzip, the XML inside. */
  size: string;
}

const head = '<?xml version="1.0" encoding="UTF-8"?>\n<tv generator-info-name="tunerbridge-bench-hostile">\n';
const mib = 1024 * 1024;

/** Writes the four hostile guides into `dir`. */
export async function writeHostileGuides(dir: string): Promise<HostileGuide[]> {
  return [
    await channelFlood(join(dir, 'hostile-channels.xml.gz')),
    await displayNameFlood(join(dir, 'hostile-display-names.xml')),
    await hugeProgramme(join(dir, 'hostile-programme.xml')),
    await processingInstruction(join(dir, 'hostile-pi.xml.gz')),
  ];
}

/** ~6 MB of gzip: distinct channel ids, as many as fit (far past the channel bound). */
async function channelFlood(file: string): Promise<HostileGuide> {
  const target = 6 * mib;
  let xml = 0;
  const out = createWriteStream(file);
  function* body(): Generator<string> {
    yield head;
    for (let n = 0; out.bytesWritten < target; n++) {
      let chunk = '';
      for (let i = 0; i < 1000; i++) {
        const id = n * 1000 + i;
        chunk += `  <channel id="flood${id}.hostile"><display-name>Flood ${id}</display-name></channel>\n`;
      }
      xml += chunk.length;
      yield chunk;
    }
    yield '</tv>\n';
  }
  await pipeline(Readable.from(body()), createGzip({ level: 9 }), out);
  return {
    label: '6 MB of gzip, every channel id distinct',
    file,
    size: `${mb(statSync(file).size)} gzip, ${mb(xml)} XML`,
  };
}

/** One channel with 5.5 MB of display names, cycling through as many distinct ones as allowed (32). */
async function displayNameFlood(file: string): Promise<HostileGuide> {
  function* body(): Generator<string> {
    yield head + '  <channel id="names.hostile">';
    for (let written = 0; written < 5.5 * mib;) {
      let chunk = '';
      for (let i = 0; i < 1000; i++) chunk += `<display-name>Name number ${(written + i) % 32}</display-name>`;
      written += chunk.length;
      yield chunk;
    }
    yield '</channel>\n</tv>\n';
  }
  await pipeline(Readable.from(body()), createWriteStream(file));
  return { label: 'one channel with 5.5 MB of display names (32 distinct)', file, size: mb(statSync(file).size) };
}

/** One programme of 8 MB: a title, then categories, every one distinct. */
async function hugeProgramme(file: string): Promise<HostileGuide> {
  const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  function* body(): Generator<string> {
    yield head + '  <channel id="big.hostile"><display-name>Big</display-name></channel>\n';
    yield `  <programme start="${formatXmltvTime(start)}" stop="${formatXmltvTime(start + 3_600_000)}" channel="big.hostile"><title>Big</title>`;
    for (let written = 0, n = 0; written < 8 * mib;) {
      let chunk = '';
      for (let i = 0; i < 1000; i++, n++) chunk += `<category lang="en">Category ${n}</category>`;
      written += chunk.length;
      yield chunk;
    }
    yield '</programme>\n</tv>\n';
  }
  await pipeline(Readable.from(body()), createWriteStream(file));
  return { label: 'one programme of 8 MB (distinct categories)', file, size: mb(statSync(file).size) };
}

/** A processing instruction whose target is 1 GiB long, gzipped (~1 MB on disk). */
async function processingInstruction(file: string): Promise<HostileGuide> {
  const piece = 'p'.repeat(mib);
  function* body(): Generator<string> {
    yield head + '<?';
    for (let i = 0; i < 1024; i++) yield piece;
    yield ' ?>\n</tv>\n';
  }
  await pipeline(Readable.from(body()), createGzip({ level: 6 }), createWriteStream(file));
  return {
    label: 'a processing-instruction target of 1 GiB',
    file,
    size: `${mb(statSync(file).size)} gzip, 1024 MB XML`,
  };
}

const mb = (bytes: number) => `${(bytes / mib).toFixed(1)} MB`;
