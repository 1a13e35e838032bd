import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLineupApp, type LineupTestApp } from '../lineup/lineup-fixture.js';
import type { StartAppOptions } from '../support/start-app.js';
import type { AppEvent } from '../../src/events/index.js';
import { formatXmltvTime } from '../../src/xmltv/index.js';

export interface GuideChannel {
  id: string;
  names: string[];
  icon?: string;
}

export interface GuideProgramme {
  channel: string;
  /** Unix ms UTC. */
  start: number;
  stop?: number;
  title: string;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** A small, valid XMLTV document. */
export function xmltvDocument(channels: GuideChannel[], programmes: GuideProgramme[]): string {
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE tv SYSTEM "xmltv.dtd">',
    '<tv generator-info-name="test">',
  ];
  for (const c of channels) {
    parts.push(`  <channel id="${escape(c.id)}">`);
    for (const name of c.names) parts.push(`    <display-name>${escape(name)}</display-name>`);
    if (c.icon) parts.push(`    <icon src="${escape(c.icon)}"/>`);
    parts.push('  </channel>');
  }
  for (const p of programmes) {
    const stop = p.stop === undefined ? '' : ` stop="${formatXmltvTime(p.stop)}"`;
    parts.push(
      `  <programme start="${formatXmltvTime(p.start)}"${stop} channel="${escape(p.channel)}"><title>${escape(p.title)}</title></programme>`,
    );
  }
  parts.push('</tv>', '');
  return parts.join('\n');
}

const hourMs = 3_600_000;

/** `count` hourly programmes per channel from the current hour on. */
export function hourlyProgrammes(
  channels: string[],
  count: number,
  from = Math.floor(Date.now() / hourMs) * hourMs,
): GuideProgramme[] {
  const list: GuideProgramme[] = [];
  for (const channel of channels) {
    for (let i = 0; i < count; i++)
      list.push({ channel, start: from + i * hourMs, stop: from + (i + 1) * hourMs, title: `${channel} show ${i}` });
  }
  return list;
}

export interface GuideTestApp extends LineupTestApp {
  /** The app's guide sources domain. */
  guides: LineupTestApp['t']['domains']['guides'];
  /** Writes a file in the data dir's guides/ folder (the only place guide files are read from) and returns its path. */
  writeGuide(name: string, content: string | Buffer): string;
  /** Rows of a source's current generation (what readers see). */
  visibleProgrammes(sourceId: number): { channel_id: string; title: string; start_at: number }[];
  /** Every programme row of a source, whatever its generation. */
  allProgrammeRows(sourceId: number): number;
  /** Events of a category, newest first. */
  events(category: string): AppEvent[];
}

/** The real app (inject) with helpers to write guide files and read what the guide tables hold. */
export async function startGuideApp(options: StartAppOptions = {}): Promise<GuideTestApp> {
  const app = await startLineupApp(options);
  return {
    ...app,
    guides: app.t.domains.guides,
    writeGuide(name, content) {
      const path = join(app.t.dataDir, 'guides', name);
      mkdirSync(join(app.t.dataDir, 'guides'), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    visibleProgrammes(sourceId) {
      return app.db
        .prepare(
          `SELECT p.channel_id, p.title, p.start_at FROM programmes p JOIN xmltv_sources s ON s.id = p.source_id AND s.generation = p.generation
           WHERE p.source_id = ? ORDER BY p.channel_id, p.start_at`,
        )
        .all(sourceId) as { channel_id: string; title: string; start_at: number }[];
    },
    events(category) {
      return app.t.domains.events.list({ category, limit: 100 }).items;
    },
    allProgrammeRows(sourceId) {
      return app.db.prepare('SELECT count(*) FROM programmes WHERE source_id = ?').pluck().get(sourceId) as number;
    },
  };
}
