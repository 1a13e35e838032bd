import { isAbsolute } from 'node:path';
import { parseArgs } from 'node:util';
import { createConfig, defaultConfig, defaultDataDir, type AppConfig } from './core/index.js';
import { parseDeviceId } from './tuner/index.js';
import { parseCidrList } from './access/index.js';

// Plex gives up on a tune after some seconds anyway; a minute is far past any useful wait.
const maxTunerWaitMs = 60_000;
// Below half a second a normal CDN hiccup would fail over; past a minute Plex has long given up.
const minStallMs = 500;
const maxStallMs = 60_000;
const minRecoveryMs = 1000;
const maxRecoveryMs = 600_000;
const maxGraceMs = 300_000;
// The range of --epg-days (see AppConfig.epgDays).
const minEpgDays = 1;
const maxEpgDays = 14;

export const usage = `Usage: tunerbridge serve [options]
       tunerbridge set-password [--data-dir <path>]

Puts an Xtream Codes IPTV subscription into Plex, Jellyfin and Emby Live TV as an HDHomeRun tuner.

Options:
  --host <addr>          address to listen on (default ${defaultConfig.host})
  --port <n>             HTTP port (default ${defaultConfig.port})
  --data-dir <path>      where the database and key live
                         (default $TUNERBRIDGE_DATA_DIR, else ~/.local/share/tunerbridge)
  --log-level <level>    fatal, error, warn, info, debug, trace (default ${defaultConfig.logLevel})
  --advertise-url <url>  base URL handed to clients, e.g. http://192.168.1.5:${defaultConfig.port}
  --no-discovery         do not answer HDHomeRun/SSDP discovery on UDP ${defaultConfig.hdhomerunPort} and ${defaultConfig.ssdpPort}
  --friendly-name <name> the tuner's name in Plex (default ${defaultConfig.friendlyName})
  --tuner-count <n>      TunerCount to advertise (default: the sum of the accounts' limits)
  --device-id <hex>      fixed HDHomeRun DeviceID (8 hex digits with a valid check digit)
  --tuner-wait-ms <n>    how long a stream request waits for a free tuner slot when every
                         tuner is in use, 0-${maxTunerWaitMs} (default ${defaultConfig.tunerWaitMs}; 0 = answer 503 at once)
  --stall-timeout-ms <n> a live upstream silent this long fails over to the next stream,
                         ${minStallMs}-${maxStallMs} (default ${defaultConfig.stallTimeoutMs})
  --recovery-timeout-ms <n>
                         how long a stream that lost its upstream keeps trying before it ends,
                         ${minRecoveryMs}-${maxRecoveryMs} (default ${defaultConfig.recoveryTimeoutMs})
  --grace-ms <n>         how long a channel's upstream stays open after its last viewer left,
                         0-${maxGraceMs} (default ${defaultConfig.hubGraceMs})
  --epg-days <n>         days of programmes in the EPG, ${minEpgDays}-${maxEpgDays} (default ${defaultConfig.epgDays})
  --guide-dir <path>     a folder guide files may be read from, besides <data dir>/guides
  --guide-max-bytes <n>  largest guide as XML (after gunzip), e.g. 500M or 4G (default ${defaultConfig.guideMaxXmlBytes / 1024 ** 3}G)
  --allow-cidr <cidr>[,...]
                         clients the tuner endpoints and discovery answer; replaces the default
                         (loopback, 10/8, 172.16/12, 192.168/16, 169.254/16, fe80::/10, fc00::/7)
  --trusted-proxy <addr|cidr>[,...]
                         reverse proxies whose X-Forwarded-For is believed (default none)
  --allowed-host <name>[,...]
                         host names the admin API answers besides this machine's addresses,
                         localhost and the --advertise-url host
  --demo                 start with a built-in demo provider and channels
                         (data in <default data dir>-demo unless --data-dir is given)
  -h, --help             show this help

set-password asks for the admin password (or reads one line from stdin), stores its hash in the
database of the data dir and ends every login session. $TUNERBRIDGE_ADMIN_PASSWORD sets it at
start-up instead.
`;

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'serve'; config: AppConfig }
  | { kind: 'set-password'; dataDir: string }
  | { kind: 'error'; message: string };

const logLevels = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** A flag's digits as a number in [min, max]; undefined when invalid ("", "1e3", "2.5", "-1"). */
function parseWholeNumber(value: string, min: number, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

const sizeUnits: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A size like `2G`, `500M`, `1048576` in bytes, from 1 MiB to 64 GiB; undefined when invalid. */
function parseSize(text: string): number | undefined {
  const match = /^(\d{1,12})([KMG]?)(?:i?B)?$/i.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * sizeUnits[match[2]!.toUpperCase()]!;
  return bytes >= 1024 ** 2 && bytes <= 64 * 1024 ** 3 ? bytes : undefined;
}

// A DNS name (letters, digits, dots, hyphens) or an IPv4 address; an IPv6 literal as given in a URL, in brackets or not.
const hostNamePattern =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?)*\.?|\[?[0-9A-Fa-f:.]+\]?)$/;

/** A repeatable CIDR flag (`--allow-cidr a,b --allow-cidr c`) checked entry by entry; a string is the error. */
function cidrFlag(flag: string, values: string[] | undefined): string[] | string | undefined {
  if (values === undefined) return undefined;
  try {
    parseCidrList(values);
  } catch (error) {
    return `invalid --${flag}: ${(error as Error).message}`;
  }
  return values.flatMap((value) => value.split(',')).map((item) => item.trim());
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
        'stall-timeout-ms': { type: 'string' },
        'recovery-timeout-ms': { type: 'string' },
        'grace-ms': { type: 'string' },
        'epg-days': { type: 'string' },
        'guide-dir': { type: 'string' },
        'guide-max-bytes': { type: 'string' },
        'allow-cidr': { type: 'string', multiple: true },
        'trusted-proxy': { type: 'string', multiple: true },
        'allowed-host': { type: 'string', multiple: true },
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
  if (command === 'set-password' && positionals.length === 1) {
    const other = Object.keys(values).find((flag) => flag !== 'data-dir');
    if (other) return { kind: 'error', message: `set-password takes only --data-dir, not --${other}` };
    return { kind: 'set-password', dataDir: values['data-dir'] ?? defaultDataDir(env) };
  }
  if (command !== 'serve' || positionals.length > 1)
    return { kind: 'error', message: `unknown command: ${positionals.join(' ')}` };

  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    return { kind: 'error', message: `invalid --port: ${values.port}` };
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !logLevels.has(logLevel))
    return { kind: 'error', message: `invalid --log-level: ${logLevel}` };
  const advertiseUrl = values['advertise-url']?.replace(/\/+$/, '');
  if (advertiseUrl !== undefined && !/^https?:\/\/[^/]+/.test(advertiseUrl)) {
    return { kind: 'error', message: `invalid --advertise-url: ${advertiseUrl}` };
  }
  const demo = values.demo;
  const tunerCount = values['tuner-count'] === undefined ? undefined : Number(values['tuner-count']);
  if (tunerCount !== undefined && (!Number.isInteger(tunerCount) || tunerCount < 1 || tunerCount > 255)) {
    return { kind: 'error', message: `invalid --tuner-count: ${values['tuner-count']} (1-255)` };
  }
  const deviceId = values['device-id']?.toUpperCase();
  if (deviceId !== undefined && parseDeviceId(deviceId) === undefined) {
    return {
      kind: 'error',
      message: `invalid --device-id: ${values['device-id']} (8 hex digits with a valid HDHomeRun check digit)`,
    };
  }
  const waitText = values['tuner-wait-ms'];
  const tunerWaitMs = waitText === undefined ? undefined : parseWholeNumber(waitText, 0, maxTunerWaitMs);
  if (waitText !== undefined && tunerWaitMs === undefined)
    return { kind: 'error', message: `invalid --tuner-wait-ms: ${waitText} (0-${maxTunerWaitMs})` };
  const stallText = values['stall-timeout-ms'];
  const stallTimeoutMs = stallText === undefined ? undefined : parseWholeNumber(stallText, minStallMs, maxStallMs);
  if (stallText !== undefined && stallTimeoutMs === undefined)
    return { kind: 'error', message: `invalid --stall-timeout-ms: ${stallText} (${minStallMs}-${maxStallMs})` };
  const recoveryText = values['recovery-timeout-ms'];
  const recoveryTimeoutMs =
    recoveryText === undefined ? undefined : parseWholeNumber(recoveryText, minRecoveryMs, maxRecoveryMs);
  if (recoveryText !== undefined && recoveryTimeoutMs === undefined)
    return {
      kind: 'error',
      message: `invalid --recovery-timeout-ms: ${recoveryText} (${minRecoveryMs}-${maxRecoveryMs})`,
    };
  const graceText = values['grace-ms'];
  const hubGraceMs = graceText === undefined ? undefined : parseWholeNumber(graceText, 0, maxGraceMs);
  if (graceText !== undefined && hubGraceMs === undefined)
    return { kind: 'error', message: `invalid --grace-ms: ${graceText} (0-${maxGraceMs})` };
  const daysText = values['epg-days'];
  const epgDays = daysText === undefined ? undefined : parseWholeNumber(daysText, minEpgDays, maxEpgDays);
  if (daysText !== undefined && epgDays === undefined)
    return { kind: 'error', message: `invalid --epg-days: ${daysText} (${minEpgDays}-${maxEpgDays})` };
  const friendlyName = values['friendly-name']?.trim();
  if (friendlyName !== undefined && (friendlyName === '' || friendlyName.length > 64)) {
    return { kind: 'error', message: 'invalid --friendly-name: 1-64 characters' };
  }
  const guideDir = values['guide-dir'];
  if (guideDir !== undefined && !isAbsolute(guideDir))
    return { kind: 'error', message: `invalid --guide-dir: ${guideDir} (an absolute path)` };
  const sizeText = values['guide-max-bytes'];
  const guideMaxXmlBytes = sizeText === undefined ? undefined : parseSize(sizeText);
  if (sizeText !== undefined && guideMaxXmlBytes === undefined)
    return { kind: 'error', message: `invalid --guide-max-bytes: ${sizeText} (e.g. 500M, 2G; 1M-64G)` };
  const allowCidrs = cidrFlag('allow-cidr', values['allow-cidr']);
  if (typeof allowCidrs === 'string') return { kind: 'error', message: allowCidrs };
  const trustedProxies = cidrFlag('trusted-proxy', values['trusted-proxy']);
  if (typeof trustedProxies === 'string') return { kind: 'error', message: trustedProxies };
  const allowedHosts = values['allowed-host']?.flatMap((value) => value.split(',')).map((name) => name.trim());
  const badHost = allowedHosts?.find((name) => !hostNamePattern.test(name));
  if (badHost !== undefined)
    return { kind: 'error', message: `invalid --allowed-host: "${badHost}" (a host name or IP address, no port)` };
  // Only what the user gave: createConfig fills in the rest.
  const given: Partial<AppConfig> = {
    host: values.host,
    port,
    // Demo data never mixes with a real set-up: its own dir unless one is given.
    dataDir: values['data-dir'] ?? (demo ? `${defaultDataDir(env)}-demo` : undefined),
    logLevel,
    advertiseUrl,
    discovery: values['no-discovery'] ? false : undefined,
    demo,
    tunerCountOverride: tunerCount,
    deviceId,
    tunerWaitMs,
    stallTimeoutMs,
    recoveryTimeoutMs,
    hubGraceMs,
    epgDays,
    friendlyName,
    guideDir,
    guideMaxXmlBytes,
    allowCidrs,
    trustedProxies,
    allowedHosts: allowedHosts?.map((name) => name.toLowerCase()),
  };
  const givenOnCommandLine = (Object.keys(given) as (keyof AppConfig)[]).filter((key) => given[key] !== undefined);
  return { kind: 'serve', config: createConfig({ ...given, givenOnCommandLine }, env) };
}
