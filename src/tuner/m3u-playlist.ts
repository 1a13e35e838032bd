import { oneLine } from '../core/index.js';
import type { PlayableChannel } from '../lineup/index.js';
import type { LogoLinks } from '../logos/index.js';
import { streamUrlOf } from './hdhr-lineup.js';

// Attribute values are double-quoted (Jellyfin needs that) and cannot contain a double quote:
// there is no escape in extended M3U, so quotes become typographic ones. Line breaks would end
// the line, and no control character (NUL…) belongs in a playlist: each run becomes a space.
function attribute(value: string): string {
  return oneLine(value).replace(/"/g, '”');
}

// Jellyfin and others take everything after the LAST comma of the #EXTINF line as the name, so a
// comma in the trailing name would cut it: it becomes a look-alike (the full name stays in tvg-name).
function trailingName(value: string): string {
  return oneLine(value).replace(/,/g, '‚');
}

/**
 * The extended M3U playlist: `url-tvg` pointing at our guide, one `#EXTINF` line per channel in
 * the given order with tvg-id = the XMLTV id (so players join it to `/epg.xml`), tvg-chno = the
 * GuideNumber, tvg-logo = our cached copy of the logo (when `logos` is given), and the stream URL
 * on the next line.
 */
export function renderPlaylist(channels: readonly PlayableChannel[], baseUrl: string, logos?: LogoLinks): string {
  const lines = [`#EXTM3U url-tvg="${attribute(`${baseUrl}/epg.xml`)}" x-tvg-url="${attribute(`${baseUrl}/epg.xml`)}"`];
  for (const c of channels) {
    const original = c.icon ?? c.providerIcon ?? '';
    const logo = original && logos ? logos.publicUrl(original, baseUrl) : original;
    lines.push(
      `#EXTINF:-1 tvg-id="${attribute(c.channelId)}" tvg-name="${attribute(c.displayName)}" tvg-logo="${attribute(logo)}" ` +
        `tvg-chno="${c.number}" group-title="${attribute(c.groupTitle ?? '')}",${trailingName(c.displayName)}`,
      streamUrlOf(baseUrl, c.channelId),
    );
  }
  return lines.join('\n') + '\n';
}
