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
  return [...new Set(demoChannels.map((c) => c.category))].map((name, i) => ({ category_id: String(i + 1), category_name: name, parent_id: 0 }));
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
