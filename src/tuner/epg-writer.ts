import type { PlayableChannel } from '../lineup/index.js';
import type { GuideProgramme } from '../xmltv/guide-queries.js';
import { escapeXml as escapeAll } from './hdhr-xml.js';

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
// eslint-disable-next-line no-control-regex
const needsEscape = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

// Most guide text needs no escaping: test once before the two replacing passes (a third of the
// render time for 1,000 channels × 7 days went there).
function escapeXml(text: string): string {
  return needsEscape.test(text) ? escapeAll(text) : text;
}
const placeholderMs = 2 * hourMs;
// Channels per yielded chunk: big enough to keep write calls few, small enough that 1,000
// channels × 7 days never sit in memory as one string.
const channelsPerChunk = 8;

const dayMs = 86_400_000;
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
let cachedDay = NaN;
let cachedDayText = '';

/** `YYYYMMDDhhmmss +0000`: always UTC, since Plex has mis-applied other offsets. */
export function formatXmltvTime(ms: number): string {
  // Hundreds of thousands of calls per guide: the date part is built once per day.
  const day = Math.floor(ms / dayMs);
  if (day !== cachedDay) {
    const d = new Date(day * dayMs);
    cachedDay = day;
    cachedDayText = `${String(d.getUTCFullYear()).padStart(4, '0')}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`;
  }
  const seconds = Math.floor((ms - day * dayMs) / 1000);
  return `${cachedDayText}${pad2(Math.floor(seconds / 3600))}${pad2(Math.floor(seconds / 60) % 60)}${pad2(seconds % 60)} +0000`;
}

/**
 * Names Plex can map a guide channel by: the name (GuideName), the number (GuideNumber) and both
 * together, as HDHomeRun-fed guides list them. Duplicates dropped.
 */
export function displayNamesOf(channel: PlayableChannel): string[] {
  return [...new Set([channel.displayName, String(channel.number), `${channel.number} ${channel.displayName}`])];
}

function renderChannel(channel: PlayableChannel): string {
  const icon = channel.icon ?? channel.providerIcon;
  return (
    `  <channel id="${escapeXml(channel.channelId)}">\n` +
    displayNamesOf(channel)
      .map((name) => `    <display-name>${escapeXml(name)}</display-name>\n`)
      .join('') +
    (icon ? `    <icon src="${escapeXml(icon)}"/>\n` : '') +
    '  </channel>\n'
  );
}

// Child order follows the XMLTV DTD: title, sub-title, desc, credits, date, category, keyword,
// language, orig-language, length, icon, url, country, episode-num, video, audio,
// previously-shown, premiere, last-chance, new, subtitles, rating, star-rating, review, image.
function renderProgramme(id: string, p: GuideProgramme): string {
  let out = `  <programme start="${formatXmltvTime(p.start)}" stop="${formatXmltvTime(p.stop)}" channel="${id}">\n`;
  out += `    <title>${escapeXml(p.title)}</title>\n`;
  if (p.subTitle) out += `    <sub-title>${escapeXml(p.subTitle)}</sub-title>\n`;
  if (p.description) out += `    <desc>${escapeXml(p.description)}</desc>\n`;
  for (const category of p.categories) out += `    <category>${escapeXml(category)}</category>\n`;
  if (p.icon) out += `    <icon src="${escapeXml(p.icon)}"/>\n`;
  if (p.episodeNumXmltvNs) out += `    <episode-num system="xmltv_ns">${escapeXml(p.episodeNumXmltvNs)}</episode-num>\n`;
  if (p.episodeNumOnscreen) out += `    <episode-num system="onscreen">${escapeXml(p.episodeNumOnscreen)}</episode-num>\n`;
  if (p.previouslyShown) out += '    <previously-shown/>\n';
  if (p.isNew) out += '    <new/>\n';
  if (p.rating) out += `    <rating><value>${escapeXml(p.rating)}</value></rating>\n`;
  return out + '  </programme>\n';
}

/**
 * "{Channel} — Live" blocks of two hours over the window, aligned to even UTC hours, so a
 * channel without guide data still shows (and records) in Plex instead of "no information".
 */
export function placeholderProgrammes(channel: PlayableChannel, window: GuideWindow): GuideProgramme[] {
  const result: GuideProgramme[] = [];
  for (let start = Math.floor(window.from / placeholderMs) * placeholderMs; start < window.to; start += placeholderMs) {
    result.push({
      channelId: channel.channelId,
      start,
      stop: start + placeholderMs,
      title: `${channel.displayName} — Live`,
      subTitle: null,
      description: null,
      categories: [],
      episodeNumXmltvNs: null,
      episodeNumOnscreen: null,
      icon: null,
      rating: null,
      isNew: false,
      previouslyShown: false,
    });
  }
  return result;
}

/**
 * The XMLTV document for the given lineup channels, as a sequence of text chunks: every
 * `<channel>` first (the DTD wants them before the programmes), then each channel's programmes.
 * Synthetic channels and channels without programmes in the window get placeholders.
 */
export function* renderGuide(channels: readonly PlayableChannel[], guide: ProgrammeSource, window: GuideWindow): Generator<string> {
  let chunk = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="Tunerbridge">\n';
  for (const channel of channels) chunk += renderChannel(channel);
  yield chunk;
  chunk = '';
  let pending = 0;
  for (const channel of channels) {
    const programmes = channel.isSynthetic ? [] : guide.programmesOf(channel.channelId, window.from, window.to);
    const id = escapeXml(channel.channelId);
    for (const p of programmes.length > 0 ? programmes : placeholderProgrammes(channel, window)) chunk += renderProgramme(id, p);
    if (++pending >= channelsPerChunk) {
      yield chunk;
      chunk = '';
      pending = 0;
    }
  }
  yield chunk + '</tv>\n';
}
