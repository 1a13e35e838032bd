import { homedir } from 'node:os';
import { join } from 'node:path';

/** Everything the server can be told at start-up. Built by `main.ts`, passed to `buildApp`. */
export interface AppConfig {
  host: string;
  port: number;
  dataDir: string;
  logLevel: string;
  /** Public base URL handed to clients instead of the Host they used, e.g. `http://192.168.1.5:5004`. */
  advertiseUrl: string | undefined;
  /** UDP discovery (HDHomeRun 65001, SSDP 1900) on or off. */
  discovery: boolean;
  /** Sent to providers on every request; some reject unknown or empty agents. */
  userAgent: string;
  /** How long a stream request waits for a tuner slot when the account is full (Plex zaps before it closes). */
  tunerWaitMs: number;
  /** A live upstream that sends nothing for this long is lost: the stream fails over (`--stall-timeout-ms`). */
  stallTimeoutMs: number;
  /** How long a stream that lost its upstream keeps trying (null packets meanwhile) before its response ends. */
  recoveryTimeoutMs: number;
  /** How long a channel's upstream stays open after its last viewer left (Plex opens B before closing A). */
  hubGraceMs: number;
  /** Connect timeout for upstream streams and provider API calls. */
  upstreamConnectTimeoutMs: number;
  /** Whole-request timeout for provider API calls (player_api.php). */
  providerRequestTimeoutMs: number;
  demo: boolean;
  /** Largest guide download or file (bytes as stored; gzip counts compressed). */
  guideMaxBytes: number;
  /** Longest silence while a guide downloads before the import gives up. */
  guideIdleTimeoutMs: number;
  /** Largest guide after decompression (the XML the parser reads): a small gzip can hold a huge one. */
  guideMaxXmlBytes: number;
  /** Most channel ids one guide may name (`<channel>` elements and programmes' channels together). */
  guideMaxChannels: number;
  /** Most programmes one guide may hold. */
  guideMaxProgrammes: number;
  /** Most distinct display names of one channel (its elements merged). */
  guideMaxDisplayNames: number;
  /** Largest guide file `POST /api/xmltv-sources/upload` takes (bytes as sent). */
  guideUploadMaxBytes: number;
  /** A folder guide files may be read from besides the data dir's `guides/` (`--guide-dir`). */
  guideDir: string | undefined;
  /** Days of programmes from now on written to the EPG (`/epg.xml`), 1-14. */
  epgDays: number;
  /** The tuner's name in Plex (`FriendlyName`, UPnP `friendlyName`). */
  friendlyName: string;
  /** UDP discovery and TCP control port of the HDHomeRun protocol (real clients only use 65001; tests use 0). */
  hdhomerunPort: number;
  /** SSDP port (1900; tests use 0). */
  ssdpPort: number;
  /** TunerCount handed to clients instead of the sum of the accounts' connection limits. */
  tunerCountOverride: number | undefined;
  /** A fixed HDHomeRun DeviceID (8 hex digits, valid check digit) instead of the stored random one. */
  deviceId: string | undefined;
  /** Clients (CIDRs or addresses) the tuner surface (all but `/api`) and discovery answer; others get 403 or silence. */
  allowCidrs: readonly string[];
  /** Proxies (CIDRs or addresses) whose X-Forwarded-For and X-Forwarded-Host are believed; none by default. */
  trustedProxies: readonly string[];
  /** Host names the admin API answers besides this machine's addresses, `localhost` and the `advertiseUrl` host. */
  allowedHosts: readonly string[];
  /** The built web UI (web/dist); undefined: the one next to this installation. */
  webUiDir: string | undefined;
  /** The fields the command line set explicitly: runtime settings (`/api/settings`) cannot change these. */
  givenOnCommandLine: readonly (keyof AppConfig)[];
}

/**
 * The tuner surface's clients by default: loopback, RFC 1918, link-local and IPv6 ULA (IPv4-mapped
 * IPv6 forms of these match too). Plex and Jellyfin on the LAN reach it; the internet does not,
 * even when a router forwards the port, since the M3U and EPG name every channel and stream.
 */
export const defaultAllowCidrs: readonly string[] = Object.freeze([
  '127.0.0.0/8',
  '::1/128',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  'fe80::/10',
  'fc00::/7',
]);

/** Default data directory: `$TUNERBRIDGE_DATA_DIR`, else `~/.local/share/tunerbridge`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.TUNERBRIDGE_DATA_DIR || join(homedir(), '.local', 'share', 'tunerbridge');
}

/** Every default in one place: `createConfig` fills them in, `--help` quotes them. */
export const defaultConfig: Readonly<Omit<AppConfig, 'dataDir'>> = Object.freeze({
  host: '0.0.0.0',
  port: 5004,
  logLevel: 'info',
  advertiseUrl: undefined,
  discovery: true,
  userAgent: 'Tunerbridge/0.1',
  tunerWaitMs: 10_000,
  stallTimeoutMs: 3000,
  recoveryTimeoutMs: 60_000,
  hubGraceMs: 10_000,
  upstreamConnectTimeoutMs: 5000,
  providerRequestTimeoutMs: 30_000,
  demo: false,
  guideMaxBytes: 1024 ** 3,
  guideIdleTimeoutMs: 60_000,
  guideMaxXmlBytes: 2 * 1024 ** 3,
  guideMaxChannels: 20_000,
  guideMaxProgrammes: 2_000_000,
  guideMaxDisplayNames: 32,
  guideUploadMaxBytes: 512 * 1024 ** 2,
  guideDir: undefined,
  epgDays: 7,
  friendlyName: 'Tunerbridge',
  hdhomerunPort: 65001,
  ssdpPort: 1900,
  tunerCountOverride: undefined,
  deviceId: undefined,
  allowCidrs: defaultAllowCidrs,
  trustedProxies: Object.freeze([]),
  allowedHosts: Object.freeze([]),
  webUiDir: undefined,
  givenOnCommandLine: Object.freeze([]),
});

/**
 * A complete config: `defaultConfig` and the default data dir of `env`, then `overrides`. An
 * override that is undefined keeps the default, so callers pass what they were given as it is.
 */
export function createConfig(overrides: Partial<AppConfig> = {}, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const given = Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as Partial<AppConfig>;
  return { ...defaultConfig, dataDir: defaultDataDir(env), ...given };
}
