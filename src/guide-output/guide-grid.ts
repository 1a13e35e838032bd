import { invalidInput, type Clock } from '../core/index.js';
import type { ChannelView, Lineup } from '../lineup/index.js';
import type { GuideOutputSource, GuideProgramme } from '../xmltv/index.js';

const hourMs = 3_600_000;
/** The longest window one request reads (an EPG grid pages through time). */
export const maxGuideWindowMs = 48 * hourMs;

export interface GuideWindow {
  from: number;
  to: number;
}

/** One programme as the UI's grid shows it; the optional texts are absent when the guide has none. */
export interface GridProgramme {
  start: number;
  stop: number;
  title: string;
  subtitle?: string;
  description?: string;
  category?: string;
}

export interface GridChannel {
  id: number;
  channelId: string;
  displayName: string;
  number: number | null;
  icon: string | null;
  programmes: GridProgramme[];
}

export interface GuideGridDeps {
  lineup: Pick<Lineup, 'list' | 'get'>;
  guide: Pick<GuideOutputSource, 'reader'>;
  clock: Clock;
}

/**
 * The guide for the web UI: the programmes of lineup channels in a time window, for one channel
 * or a page of the enabled ones in lineup order (an EPG grid). The lineup owns the channels, the
 * XMLTV domain the programmes; this only puts them side by side, as the EPG output does.
 */
export class GuideGrid {
  constructor(private readonly deps: GuideGridDeps) {}

  /** `from`/`to` as given (ISO times) or the default: 2 h ago to 24 h on. 400 when invalid or over 48 h. */
  window(from?: string, to?: string): GuideWindow {
    const now = this.deps.clock.now();
    const start = from === undefined ? now - 2 * hourMs : parseTime(from, 'from');
    const end = to === undefined ? (from === undefined ? now + 24 * hourMs : start + 24 * hourMs) : parseTime(to, 'to');
    if (end <= start) throw invalidInput('to must be after from');
    if (end - start > maxGuideWindowMs) throw invalidInput('the window from..to must be 48 hours or less');
    return { from: start, to: end };
  }

  /** One lineup channel (enabled or not) with its programmes in the window; 404 for an unknown id. */
  channel(id: number, window: GuideWindow): GridChannel {
    const channel = this.deps.lineup.get(id);
    return gridChannel(channel, this.deps.guide.reader().programmesOf(channel.channelId, window.from, window.to));
  }

  /** A page of the enabled lineup channels, in lineup order, each with its programmes in the window. */
  page(window: GuideWindow, page: { offset: number; limit: number }): { total: number; channels: GridChannel[] } {
    const { items, total } = this.deps.lineup.list({ enabled: true, offset: page.offset, limit: page.limit });
    const reader = this.deps.guide.reader();
    return {
      total,
      channels: items.map((channel) =>
        gridChannel(channel, reader.programmesOf(channel.channelId, window.from, window.to)),
      ),
    };
  }
}

function gridChannel(channel: ChannelView, programmes: GuideProgramme[]): GridChannel {
  return {
    id: channel.id,
    channelId: channel.channelId,
    displayName: channel.displayName,
    number: channel.number,
    icon: channel.icon,
    programmes: programmes.map((p) => ({
      start: p.start,
      stop: p.stop,
      title: p.title,
      ...(p.subTitle ? { subtitle: p.subTitle } : {}),
      ...(p.description ? { description: p.description } : {}),
      ...(p.categories[0] ? { category: p.categories[0] } : {}),
    })),
  };
}

function parseTime(text: string, field: string): number {
  // ISO 8601 with a date: Date.parse also takes forms like "1 Jan 2026" that no client means.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw invalidInput(`${field} must be an ISO 8601 time`);
  return ms;
}
