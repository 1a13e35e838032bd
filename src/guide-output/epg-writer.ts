import type { PlayableChannel } from '../lineup/index.js';
import { bareProgramme, formatXmltvTime, type GuideProgramme } from '../xmltv/index.js';
import { escapeXml, escapeXmlLine } from '../core/index.js';

/** The time span the guide output covers. */
export interface GuideWindow {
  from: number;
  to: number;
}

/** Where the writer gets one channel's programmes. */
export interface ProgrammeSource {
  programmesOf(channelId: string, from: number, to: number): GuideProgramme[];
}

const hourMs = 3_600_000;
const placeholderMs = 2 * hourMs;
// Text is gathered per channel (a rope of ~350 programmes, ~150 kB) and copied into buffers of
// this size as it goes, so the file is written in few large writes and no rendered string lives
// long enough to leave V8's young generation: with 1 MB ropes of 8 channels, garbage collection
// took a third of the render time.
const chunkBytes = 1 << 20;

/**
 * Names Plex can map a guide channel by: the name (GuideName), the number (GuideNumber) and both
 * together, as HDHomeRun-fed guides list them. Duplicates dropped.
 */
export function displayNamesOf(channel: PlayableChannel): string[] {
  return [...new Set([channel.displayName, String(channel.number), `${channel.number} ${channel.displayName}`])];
}

/** How a channel's logo is written: as the guide or provider gave it, or as our cached copy's URL. */
export type LogoUrlOf = (original: string) => string;

function renderChannel(channel: PlayableChannel, logoUrl: LogoUrlOf | undefined): string {
  const original = channel.icon ?? channel.providerIcon;
  const icon = original && logoUrl ? logoUrl(original) : original;
  return (
    `  <channel id="${escapeXmlLine(channel.channelId)}">\n` +
    displayNamesOf(channel)
      .map((name) => `    <display-name>${escapeXmlLine(name)}</display-name>\n`)
      .join('') +
    (icon ? `    <icon src="${escapeXmlLine(icon)}"/>\n` : '') +
    '  </channel>\n'
  );
}

// A guide repeats a handful of category lists (the reader hands out one array per distinct
// list), so their lines are escaped and joined once per list.
const categoryLines = new WeakMap<readonly string[], string>();

function renderCategories(categories: readonly string[]): string {
  let lines = categoryLines.get(categories);
  if (lines === undefined) {
    lines = categories.map((category) => `    <category>${escapeXmlLine(category)}</category>\n`).join('');
    categoryLines.set(categories, lines);
  }
  return lines;
}

// Child order follows the XMLTV DTD: title, sub-title, desc, credits, date, category, keyword,
// language, orig-language, length, icon, url, country, episode-num, video, audio,
// previously-shown, premiere, last-chance, new, subtitles, rating, star-rating, review, image.
function renderProgramme(id: string, p: GuideProgramme): string {
  let out = `  <programme start="${formatXmltvTime(p.start)}" stop="${formatXmltvTime(p.stop)}" channel="${id}">\n    <title>${escapeXmlLine(p.title)}</title>\n`;
  if (p.subTitle) out += `    <sub-title>${escapeXmlLine(p.subTitle)}</sub-title>\n`;
  if (p.description) out += `    <desc>${escapeXml(p.description)}</desc>\n`;
  if (p.categories.length > 0) out += renderCategories(p.categories);
  if (p.icon) out += `    <icon src="${escapeXmlLine(p.icon)}"/>\n`;
  if (p.episodeNumXmltvNs)
    out += `    <episode-num system="xmltv_ns">${escapeXmlLine(p.episodeNumXmltvNs)}</episode-num>\n`;
  if (p.episodeNumOnscreen)
    out += `    <episode-num system="onscreen">${escapeXmlLine(p.episodeNumOnscreen)}</episode-num>\n`;
  if (p.previouslyShown) out += '    <previously-shown/>\n';
  if (p.isNew) out += '    <new/>\n';
  if (p.rating) out += `    <rating><value>${escapeXmlLine(p.rating)}</value></rating>\n`;
  return out + '  </programme>\n';
}

/**
 * "{Channel} — Live" blocks of two hours over the window, aligned to even UTC hours, so a
 * channel without guide data still shows (and records) in Plex instead of "no information".
 */
export function placeholderProgrammes(channel: PlayableChannel, window: GuideWindow): GuideProgramme[] {
  const result: GuideProgramme[] = [];
  for (let start = Math.floor(window.from / placeholderMs) * placeholderMs; start < window.to; start += placeholderMs) {
    result.push(bareProgramme(channel.channelId, start, start + placeholderMs, `${channel.displayName} — Live`));
  }
  return result;
}

/**
 * The XMLTV document for the given lineup channels, as UTF-8 buffers of about 1 MB: every
 * `<channel>` first (the DTD wants them before the programmes), then each channel's programmes.
 * Synthetic channels and channels without programmes in the window get placeholders. Channel
 * logos go through `logoUrl` when given (the logo cache); programme images stay as the guide has them.
 */
export function* renderGuide(
  channels: readonly PlayableChannel[],
  guide: ProgrammeSource,
  window: GuideWindow,
  logoUrl?: LogoUrlOf,
): Generator<Buffer> {
  const out = new ChunkBuffer(chunkBytes);
  let text =
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="Tunerbridge">\n';
  for (const channel of channels) text += renderChannel(channel, logoUrl);
  yield* out.write(text);
  for (const channel of channels) {
    const programmes = channel.isSynthetic ? [] : guide.programmesOf(channel.channelId, window.from, window.to);
    const id = escapeXmlLine(channel.channelId);
    text = '';
    for (const p of programmes.length > 0 ? programmes : placeholderProgrammes(channel, window))
      text += renderProgramme(id, p);
    yield* out.write(text);
  }
  yield* out.write('</tv>\n');
  yield* out.end();
}

/** Packs text into fixed-size UTF-8 buffers, handing each one on when it is full. */
class ChunkBuffer {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  /** The full buffers, if this text filled any. */
  *write(text: string): Generator<Buffer> {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: count the bytes only when that bound
    // says the text might not fit.
    if (this.used + text.length * 3 <= this.size || this.used + Buffer.byteLength(text) <= this.size) {
      this.used += this.buffer.write(text, this.used);
      return;
    }
    yield* this.end();
    if (Buffer.byteLength(text) > this.size) {
      yield Buffer.from(text);
      return;
    }
    this.used = this.buffer.write(text, 0);
  }

  /** What is left, and a fresh buffer for whatever follows. */
  *end(): Generator<Buffer> {
    if (this.used === 0) return;
    yield this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(this.size);
    this.used = 0;
  }
}
