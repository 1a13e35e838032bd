import { formatXmltvTime } from '../xmltv/index.js';

/** One channel of the built-in demo provider, in the tiers it offers. */
export interface DemoChannel {
  name: string;
  category: string;
  tiers: ('SD' | 'HD' | 'FHD' | '4K')[];
}

/** The demo line-up: a few channels in several quality tiers, as real providers list them. */
export const demoChannels: DemoChannel[] = [
  { name: 'Demo News', category: 'News', tiers: ['SD', 'HD', 'FHD'] },
  { name: 'Demo Sports', category: 'Sports', tiers: ['HD', '4K'] },
  { name: 'Demo Movies', category: 'Movies', tiers: ['SD', 'HD'] },
  { name: 'Demo Kids', category: 'Kids', tiers: ['SD'] },
  { name: 'Demo Music', category: 'Music', tiers: ['HD', 'FHD'] },
];

export const demoCredentials = { username: 'demo', password: 'demo-password' };

/** The provider's `get_live_categories` rows. */
export function demoCategories(): { category_id: string; category_name: string; parent_id: number }[] {
  return [...new Set(demoChannels.map((c) => c.category))].map((name, i) => ({
    category_id: String(i + 1),
    category_name: name,
    parent_id: 0,
  }));
}

/** The provider's `get_live_streams` rows: one per tier, named the way providers do ("Demo News HD"). */
export function demoStreams(): Record<string, unknown>[] {
  const categories = demoCategories();
  const rows: Record<string, unknown>[] = [];
  demoChannels.forEach((channel, c) => {
    channel.tiers.forEach((tier, t) => {
      const id = (c + 1) * 10 + t;
      rows.push({
        num: rows.length + 1,
        name: `${channel.name} ${tier}`,
        stream_type: 'live',
        stream_id: id,
        stream_icon: '',
        epg_channel_id: null,
        added: '1700000000',
        is_adult: '0',
        category_id: categories.find((k) => k.category_name === channel.category)!.category_id,
        custom_sid: '',
        tv_archive: 0,
        direct_source: '',
        tv_archive_duration: 0,
      });
    });
  });
  return rows;
}

/** The stable XMLTV id of a demo channel ("Demo News" → "demo-news.tunerbridge"). */
export function demoChannelId(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.tunerbridge`;
}

const showsByCategory: Record<string, string[]> = {
  News: ['Morning Headlines', 'World Report', 'Business Today', 'Evening News'],
  Sports: ['Match of the Day', 'Sports Desk', 'Extra Time', 'Highlights'],
  Movies: ['Feature Film', 'Classic Cinema', 'Late Movie'],
  Kids: ['Cartoon Club', 'Story Time', 'Science Lab'],
  Music: ['Top 20', 'Live Session', 'Chill Out'],
};

/** The demo guide (XMLTV): every demo channel, hourly programmes from 4 hours ago for `days` days. */
export function demoGuide(now: number, days = 7): string {
  const hourMs = 3_600_000;
  const from = Math.floor(now / hourMs) * hourMs - 4 * hourMs;
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE tv SYSTEM "xmltv.dtd">',
    '<tv generator-info-name="Tunerbridge demo">',
  ];
  for (const channel of demoChannels)
    parts.push(`  <channel id="${demoChannelId(channel.name)}"><display-name>${channel.name}</display-name></channel>`);
  for (const channel of demoChannels) {
    const shows = showsByCategory[channel.category] ?? [channel.name];
    for (let h = 0; h < days * 24 + 4; h++) {
      const start = from + h * hourMs;
      const title = shows[h % shows.length]!;
      parts.push(
        `  <programme start="${formatXmltvTime(start)}" stop="${formatXmltvTime(start + hourMs)}" channel="${demoChannelId(channel.name)}">` +
          `<title lang="en">${title}</title><desc lang="en">${title} on ${channel.name}: a test pattern, all hour long.</desc>` +
          `<category lang="en">${channel.category}</category></programme>`,
      );
    }
  }
  parts.push('</tv>', '');
  return parts.join('\n');
}
