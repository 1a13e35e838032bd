/*
 * bench:epg — importing a generated 7-day XMLTV guide for 2,000 channels (~300k programmes,
 * ~150 MB) from a file into a real SQLite database, plain and gzipped: wall time, CPU and peak
 * RSS. Each run is its own child process, so peak RSS is that run's alone. References, measured
 * the same way: reading (and gunzipping) the bytes alone, and parsing alone with no storage.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip, createGzip } from 'node:zlib';
import { createConfig, createLogger, systemClock } from '../src/core/index.js';
import { CredentialStore } from '../src/credentials/index.js';
import { openDatabase } from '../src/db/index.js';
import { EventLog } from '../src/events/index.js';
import { Lineup } from '../src/lineup/index.js';
import { createUpstreamAgent } from '../src/upstream-http/index.js';
import { GuideSources, formatXmltvTime, parseXmltv } from '../src/xmltv/index.js';
import { ProviderCatalog } from '../src/xtream/index.js';
import { writeHostileGuides } from './epg-hostile.js';
import { recordResults } from './results-file.js';

const channels = 2000;
const programmesPerChannel = 150; // 150 × 67 min ≈ 7 days
const slotMs = 67 * 60_000;
const workDir = resolve(process.cwd(), '.bench-tmp', 'epg');
const self = fileURLToPath(import.meta.url);

type Mode = 'read' | 'parse' | 'import' | 'reimport' | 'hostile';
interface RunResult {
  mode: Mode;
  file: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  programmes: number;
  /** Hostile runs: the import's error message (undefined when it succeeded), and the database's size after it. */
  failure?: string;
  dbMb?: number;
  channels?: number;
}

/** The guide as a stream of text chunks, a channel at a time. */
function* generateGuide(start: number): Generator<string> {
  yield '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv generator-info-name="tunerbridge-bench">\n';
  for (let c = 0; c < channels; c++) {
    yield `  <channel id="ch${c}.bench"><display-name>Bench Channel ${c}</display-name><display-name>BC ${c} HD</display-name><icon src="http://logos.example/${c}.png"/></channel>\n`;
  }
  for (let c = 0; c < channels; c++) {
    let chunk = '';
    for (let p = 0; p < programmesPerChannel; p++) {
      const from = start + p * slotMs;
      chunk +=
        `  <programme start="${formatXmltvTime(from)}" stop="${formatXmltvTime(from + slotMs)}" channel="ch${c}.bench">` +
        `<title lang="en">Programme ${p} on channel ${c}</title><sub-title lang="en">Episode ${p % 12} &amp; more</sub-title>` +
        `<desc lang="en">The presenters visit places, meet people and talk about what happened this week, in episode ${p} of the series.</desc>` +
        `<category lang="en">${p % 2 ? 'Documentary' : 'News'}</category><category lang="en">Series</category>` +
        `<episode-num system="xmltv_ns">${p % 5}.${p % 12}.</episode-num><episode-num system="onscreen">S${(p % 5) + 1}E${(p % 12) + 1}</episode-num>` +
        `${p % 3 === 0 ? '<new/>' : '<previously-shown/>'}<rating system="UK"><value>PG</value></rating></programme>\n`;
    }
    yield chunk;
  }
  yield '</tv>\n';
}

async function writeGuides(): Promise<{ plain: string; gzip: string }> {
  mkdirSync(workDir, { recursive: true });
  const plain = join(workDir, 'guide.xml');
  const gzip = join(workDir, 'guide.xml.gz');
  const start = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  await pipeline(Readable.from(generateGuide(start)), createWriteStream(plain));
  await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(gzip));
  return { plain, gzip };
}

/** One measured run, inside its own child process. */
async function runChild(mode: Mode, file: string): Promise<RunResult> {
  const cpu0 = process.cpuUsage();
  let t0 = performance.now();
  let programmes = 0;
  let hostile: Pick<RunResult, 'failure' | 'dbMb' | 'channels'> = {};
  let channelsImported = 0;
  if (mode === 'read') {
    const gz = Buffer.alloc(2);
    const fd = openSync(file, 'r');
    readSync(fd, gz, 0, 2, 0);
    closeSync(fd);
    const input = createReadStream(file, { highWaterMark: 256 * 1024 });
    const bytes = gz[0] === 0x1f && gz[1] === 0x8b ? input.pipe(createGunzip()) : input;
    let size = 0;
    for await (const chunk of bytes) size += (chunk as Buffer).length;
    if (size === 0) throw new Error('empty guide');
  } else if (mode === 'parse') {
    const result = await parseXmltv(createReadStream(file, { highWaterMark: 256 * 1024 }), {
      channel: () => undefined,
      programme: () => void programmes++,
    });
    programmes = result.programmes;
  } else {
    // 'reimport' times the second import of the same guide: the old generation's 300k rows are deleted at its switch.
    const dir = join(workDir, `db-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    const db = openDatabase(join(dir, 'bench.db'));
    const log = createLogger('silent');
    const events = new EventLog(db, systemClock, log);
    const dispatcher = createUpstreamAgent({ connectTimeoutMs: 5000 }); // unused: the guide is a file
    const guides = new GuideSources({
      db,
      lineup: new Lineup({ db, providers: new ProviderCatalog(db), events, log, clock: systemClock }),
      credentials: new CredentialStore({ dataDir: dir, keyring: null, log }),
      events,
      log,
      clock: systemClock,
      config: createConfig({ userAgent: 'bench', guideDir: dirname(file) }), // guide files are read from allowed folders only
      dispatcher,
    });
    const { id } = guides.create({ name: 'bench', url: file });
    if (mode === 'reimport') {
      await guides.refresh(id);
      t0 = performance.now();
      Object.assign(cpu0, process.cpuUsage());
    }
    let failure: string | undefined;
    if (mode === 'hostile') {
      try {
        const result = await guides.refresh(id);
        programmes = result.programmes;
        channelsImported = result.channels;
      } catch (error) {
        failure = (error as Error).message;
      }
    } else programmes = (await guides.refresh(id)).programmes;
    await dispatcher.close();
    db.close(); // checkpoints the WAL into the file and removes it
    const dbMb = statSync(join(dir, 'bench.db')).size / 1024 / 1024;
    rmSync(dir, { recursive: true, force: true });
    if (mode === 'hostile')
      hostile = { ...(failure !== undefined ? { failure } : {}), dbMb, channels: channelsImported };
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    mode,
    file,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    programmes,
    ...hostile,
  };
}

function measure(mode: Mode, file: string): RunResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${mode} run failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RunResult;
}

async function main(): Promise<void> {
  const { plain, gzip } = await writeGuides();
  const mb = (file: string) => (statSync(file).size / 1024 / 1024).toFixed(0);
  try {
    const rows: string[] = [];
    const verdicts: string[] = [];
    for (const [label, file] of [
      ['plain', plain],
      ['gzip', gzip],
    ] as const) {
      const read = measure('read', file);
      const parse = measure('parse', file);
      const imported = measure('import', file);
      const reimported = measure('reimport', file);
      const met =
        Math.max(imported.wallMs, reimported.wallMs) < 20_000 &&
        Math.max(imported.peakRssMb, reimported.peakRssMb) < 300;
      verdicts.push(`${label}: ${met ? 'met' : 'NOT met'}`);
      for (const r of [read, parse, imported, reimported]) {
        const what = {
          read: 'reference: read bytes only',
          parse: 'reference: parse only, no storage',
          import: '**import** into an empty guide',
          reimport: '**re-import**, replacing the same 300k programmes',
          hostile: '',
        }[r.mode];
        rows.push(
          `| ${label} (${mb(file)} MB) | ${what} | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.cpuMs / 1000).toFixed(2)} s | ${r.peakRssMb.toFixed(0)} MB | ${r.mode === 'read' ? '' : r.programmes.toLocaleString('en')} | ${r.mode === 'import' || r.mode === 'reimport' ? `${(r.wallMs / (channels / 1000) / 1000).toFixed(2)} s` : ''} |`,
        );
      }
    }
    // Hostile guides: each must end with a clear reason (or import within the bounds) while peak
    // RSS stays under 300 MB and a failed one leaves the database as small as it was.
    const hostileRows: string[] = [];
    const hostileVerdicts: boolean[] = [];
    for (const guide of await writeHostileGuides(workDir)) {
      const r = measure('hostile', guide.file);
      const ok = r.peakRssMb < 300 && (r.failure === undefined || (r.dbMb ?? 0) < 5);
      hostileVerdicts.push(ok);
      hostileRows.push(
        `| ${guide.label} | ${guide.size} | ${r.failure !== undefined ? `failed: "${r.failure}"` : `imported: ${r.channels} channel(s), ${r.programmes} programme(s)`} | ${(r.wallMs / 1000).toFixed(2)} s | ${r.peakRssMb.toFixed(0)} MB | ${(r.dbMb ?? 0).toFixed(1)} MB | ${ok ? 'met' : '**not met**'} |`,
      );
      rmSync(guide.file, { force: true });
    }
    const section = [
      '## Guide import (`npm run bench:epg`)',
      '',
      `Generated 7-day guide: ${channels.toLocaleString('en')} channels × ${programmesPerChannel} programmes (${(channels * programmesPerChannel).toLocaleString('en')}), with titles, sub-titles, descriptions, categories, episode numbers and ratings; imported from a local file into a fresh SQLite database (WAL). Each run in its own process (peak RSS is that run's; the re-import's includes the first import before it). Node ${process.version}, ${new Date().toISOString()}.`,
      '',
      '| file | run | wall | CPU | peak RSS | programmes | per 1,000 channels |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
      '',
      `Targets: import < 20 s and peak RSS < 300 MB — ${verdicts.join(', ')}.`,
      '',
      'Hostile guides, each imported from a file into a fresh database in its own process (as above):',
      '',
      '| guide | file | outcome | wall | peak RSS | database after | target: RSS < 300 MB, a failed one leaves < 5 MB |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...hostileRows,
      '',
      `Hostile guides: ${hostileVerdicts.every(Boolean) ? 'all met' : '**not all met**'}. The database after a failed import is as small as an empty one with its schema; load average at the end ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' / ')}.`,
    ].join('\n');
    console.log(section);
    recordResults('epg', section);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const result = await runChild(process.argv[3] as Mode, process.argv[4]!);
  console.log(JSON.stringify(result));
} else {
  await main();
}
