import { SaxesParser } from 'saxes';
import type { Db } from '../../src/db/index.js';

/** A parsed XML element: name, attributes, child elements and its text. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Parses a whole XML document (throws on anything that is not well-formed). */
export function parseXml(xml: string): XmlNode {
  const parser = new SaxesParser();
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  parser.on('opentag', (tag) => {
    const node: XmlNode = { name: tag.name, attrs: tag.attributes, children: [], text: '' };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => (stack[stack.length - 1]!.text += text));
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return root.children[0]!;
}

/** Inserts an enabled guide source; returns its id. */
export function seedSource(db: Db, name = 'Guide'): number {
  const t = Date.now();
  return Number(
    db
      .prepare('INSERT INTO xmltv_sources (name, url, last_refresh_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(name, `/tmp/${name}.xml`, t, t, t).lastInsertRowid,
  );
}

export interface SeedProgramme {
  sourceId: number;
  channelId: string;
  start: number;
  stop?: number | null;
  title: string;
  subTitle?: string;
  description?: string;
  categories?: string[];
  xmltvNs?: string;
  onscreen?: string;
  icon?: string;
  rating?: string;
  isNew?: boolean;
  previouslyShown?: boolean;
}

/** Inserts one programme row. */
export function seedProgramme(db: Db, p: SeedProgramme): void {
  db.prepare(
    `INSERT INTO programmes (source_id, channel_id, start_at, stop_at, title, sub_title, description, categories, episode_num_xmltv_ns, episode_num_onscreen, icon, rating, is_new, previously_shown)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    p.sourceId,
    p.channelId,
    p.start,
    p.stop === undefined ? p.start + 3_600_000 : p.stop,
    p.title,
    p.subTitle ?? null,
    p.description ?? null,
    JSON.stringify(p.categories ?? []),
    p.xmltvNs ?? null,
    p.onscreen ?? null,
    p.icon ?? null,
    p.rating ?? null,
    p.isNew ? 1 : 0,
    p.previouslyShown ? 1 : 0,
  );
}
