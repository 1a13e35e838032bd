import { parseArgs } from 'node:util';
import { createConfig, defaultDataDir, type AppConfig } from './core/index.js';
import { parseDeviceId } from './tuner/index.js';

export const usage = `Usage: tunerbridge serve [options]

Puts an Xtream Codes IPTV subscription into Plex, Jellyfin and Emby Live TV as an HDHomeRun tuner.

Options:
  --host <addr>          address to listen on (default 0.0.0.0)
  --port <n>             HTTP port (default 5004)
  --data-dir <path>      where the database and key live
                         (default $TUNERBRIDGE_DATA_DIR, else ~/.local/share/tunerbridge)
  --log-level <level>    fatal, error, warn, info, debug, trace (default info)
  --advertise-url <url>  base URL handed to clients, e.g. http://192.168.1.5:5004
  --no-discovery         do not answer HDHomeRun/SSDP discovery on UDP 65001 and 1900
  --friendly-name <name> the tuner's name in Plex (default Tunerbridge)
  --tuner-count <n>      TunerCount to advertise (default: the sum of the accounts' limits)
  --device-id <hex>      fixed HDHomeRun DeviceID (8 hex digits with a valid check digit)
  --tuner-wait-ms <n>    how long a stream request waits for a free tuner slot when every
                         tuner is in use, 0-60000 (default 3000; 0 = answer 503 at once)
  --epg-days <n>         days of programmes in the EPG, 1-14 (default 7)
  --demo                 start with a built-in demo provider and channels
                         (data in <default data dir>-demo unless --data-dir is given)
  -h, --help             show this help
`;

export type CliCommand = { kind: 'help' } | { kind: 'serve'; config: AppConfig } | { kind: 'error'; message: string };

const logLevels = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

// Plex gives up on a tune after some seconds anyway; a minute is far past any useful wait.
const maxTunerWaitMs = 60_000;

/** A flag's digits as a number in [min, max]; `fallback` when absent, undefined when invalid ("", "1e3", "2.5", "-1"). */
function parseWholeNumber(value: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/** Parses `argv` (without node and script) into a command; never exits the process itself. */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'log-level': { type: 'string' },
        'advertise-url': { type: 'string' },
        'no-discovery': { type: 'boolean' },
        'friendly-name': { type: 'string' },
        'tuner-count': { type: 'string' },
        'device-id': { type: 'string' },
        'tuner-wait-ms': { type: 'string' },
        'epg-days': { type: 'string' },
        demo: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' || positionals.length > 1) return { kind: 'error', message: `unknown command: ${positionals.join(' ')}` };

  const port = values.port === undefined ? 5004 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return { kind: 'error', message: `invalid --port: ${values.port}` };
  const logLevel = values['log-level'] ?? 'info';
  if (!logLevels.has(logLevel)) return { kind: 'error', message: `invalid --log-level: ${logLevel}` };
  const advertiseUrl = values['advertise-url']?.replace(/\/+$/, '');
  if (advertiseUrl !== undefined && !/^https?:\/\/[^/]+/.test(advertiseUrl)) {
    return { kind: 'error', message: `invalid --advertise-url: ${advertiseUrl}` };
  }
  const demo = values.demo ?? false;
  const tunerCount = values['tuner-count'] === undefined ? undefined : Number(values['tuner-count']);
  if (tunerCount !== undefined && (!Number.isInteger(tunerCount) || tunerCount < 1 || tunerCount > 255)) {
    return { kind: 'error', message: `invalid --tuner-count: ${values['tuner-count']} (1-255)` };
  }
  const deviceId = values['device-id']?.toUpperCase();
  if (deviceId !== undefined && parseDeviceId(deviceId) === undefined) {
    return { kind: 'error', message: `invalid --device-id: ${values['device-id']} (8 hex digits with a valid HDHomeRun check digit)` };
  }
  const tunerWaitMs = parseWholeNumber(values['tuner-wait-ms'], 3000, 0, maxTunerWaitMs);
  if (tunerWaitMs === undefined) return { kind: 'error', message: `invalid --tuner-wait-ms: ${values['tuner-wait-ms']} (0-${maxTunerWaitMs})` };
  const epgDays = parseWholeNumber(values['epg-days'], 7, 1, 14);
  if (epgDays === undefined) return { kind: 'error', message: `invalid --epg-days: ${values['epg-days']} (1-14)` };
  const friendlyName = values['friendly-name']?.trim();
  if (friendlyName !== undefined && (friendlyName === '' || friendlyName.length > 64)) {
    return { kind: 'error', message: 'invalid --friendly-name: 1-64 characters' };
  }
  return {
    kind: 'serve',
    config: createConfig({
      host: values.host ?? '0.0.0.0',
      port,
      // Demo data never mixes with a real set-up: its own dir unless one is given.
      dataDir: values['data-dir'] ?? (demo ? `${defaultDataDir(env)}-demo` : defaultDataDir(env)),
      logLevel,
      advertiseUrl,
      discovery: !values['no-discovery'],
      demo,
      tunerCountOverride: tunerCount,
      deviceId,
      tunerWaitMs,
      epgDays,
      ...(friendlyName === undefined ? {} : { friendlyName }),
    }),
  };
}
