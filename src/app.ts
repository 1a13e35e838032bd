import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Dispatcher } from 'undici';
import {
  AppError,
  RuntimeSettings,
  clientErrorRenderer,
  renderFrameworkError,
  systemClock,
  validatorCompiler,
  type AppConfig,
  type Clock,
  type Logger,
} from './core/index.js';
import { getSetting, setSetting, type Db } from './db/index.js';
import { EventLog } from './events/index.js';
import { CredentialStore, createOsKeyring, createVolatileKeyring, type KeyringBackend } from './credentials/index.js';
import { Accounts, ProviderCatalog } from './xtream/index.js';
import { Lineup } from './lineup/index.js';
import { Streaming } from './streaming/index.js';
import { GuideSources, guideOutput } from './xmltv/index.js';
import { createUpstreamAgent, followRedirects } from './upstream-http/index.js';
import { apiRoutes, loginRoutes, metricsRoutes } from './api/index.js';
import { Metrics } from './metrics/index.js';
import { AdminAuth } from './auth/index.js';
import { TunerDevice, tunerRoutes } from './tuner/index.js';
import { NetworkDiscovery } from './discovery/index.js';
import { EpgCache, GuideGrid } from './guide-output/index.js';
import { LogoCache } from './logos/index.js';
import { adminHostCheck, createAccessPolicy, tunerClientCheck } from './access/index.js';
import { join } from 'node:path';
import { registerWebUi, type WebUi } from './web-ui/index.js';

export interface AppDeps {
  config: AppConfig;
  db: Db;
  log: Logger;
  clock?: Clock;
  /**
   * undici dispatcher for every upstream request (provider API, streams, guide downloads), used
   * with redirects followed and left open on close: tests pass one that trusts their self-signed
   * certificate. Default: an agent the app creates and closes.
   */
  dispatcher?: Dispatcher;
  /** Where account passwords go; default the OS keyring. null = AES-at-rest only (tests). */
  keyring?: KeyringBackend | null;
  /** The volatile store older versions wrote to (Linux keyutils); default it when `keyring` is defaulted too, else none. */
  volatileKeyring?: KeyringBackend | null;
  /** Node's process metrics (CPU, memory, event loop) on `/metrics` too; main sets it, tests leave it off. */
  processMetrics?: boolean;
}

/** Every domain, created once by `buildApp`; each route plugin gets only the ones it uses. */
export interface Domains {
  events: EventLog;
  credentials: CredentialStore;
  accounts: Accounts;
  lineup: Lineup;
  /** XMLTV guide sources, their imports and the daily refresh. */
  guides: GuideSources;
  streaming: Streaming;
  tunerDevice: TunerDevice;
  /** HDHomeRun UDP/TCP and SSDP discovery; undefined with `--no-discovery`. */
  discovery: NetworkDiscovery | undefined;
  /** The rendered `/epg.xml`, cached in the data dir until the lineup or guide changes. */
  epg: EpgCache;
  /** The admin password, sessions and API keys that guard `/api`. */
  auth: AdminAuth;
  /** What `/api/settings` changes at runtime (tuner name and count, tuner wait, EPG days, log level). */
  settings: RuntimeSettings;
}

/** What `buildApp` composed: the Fastify instance, and the domains for the demo set-up and tests. */
export interface BuiltApp {
  app: FastifyInstance;
  domains: Domains;
}

/**
 * Composes the server: creates each domain once, registers the tuner routes (LAN-open) and the
 * `/api` plugin, and installs the one error handler. Does not listen: `main.ts` and tests do.
 * The domains come back beside the app, not on it: the app is no service locator.
 */
export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, db, log } = deps;
  const clock = deps.clock ?? systemClock;
  // Saved runtime settings go into the shared config before any domain reads it; flags win.
  const settings = new RuntimeSettings({
    config,
    store: { get: (key) => getSetting(db, key, undefined), set: (key, value) => setSetting(db, key, value) },
    onChange: (changed) => {
      if (changed.logLevel !== undefined) log.level = changed.logLevel;
      if (changed.epgDays !== undefined) epg.setDays(changed.epgDays);
    },
  });
  const saved = settings.applySaved();
  if (saved.logLevel !== undefined) log.level = saved.logLevel;
  const access = createAccessPolicy(config);
  log.info(
    { allowCidrs: access.allowCidrs, trustedProxies: access.trustProxy || [] },
    'tuner endpoints answer these clients',
  );

  const app = Fastify({
    // Not unnecessary: the cast keeps Fastify's Logger type parameter at its default; with pino's
    // Logger type the instance no longer fits FastifyInstance.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: log as FastifyBaseLogger,
    // Plex talks HTTP/1.0 to tuners and keeps streams open for hours.
    requestTimeout: 0,
    connectionTimeout: 0,
    return503OnClosing: false,
    // X-Forwarded-For / -Host count only from a --trusted-proxy peer; with none they are ignored.
    trustProxy: access.trustProxy,
    // Errors raised before routing, or by Node's HTTP parser before Fastify: the same short JSON.
    frameworkErrors: renderFrameworkError,
    clientErrorHandler: clientErrorRenderer(log),
    // Node would answer an HTTP/1.1 request without Host with an empty 400; the hook below says why.
    http: { requireHostHeader: false },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  const webUi: { current?: WebUi } = {};
  installErrorHandling(app, webUi);

  // One dispatcher for every upstream request. Closed in onClose, which runs after preClose ended
  // the streams and guide imports using it; a provider call still running may finish first.
  const dispatcher = deps.dispatcher
    ? followRedirects(deps.dispatcher)
    : createUpstreamAgent({ connectTimeoutMs: config.upstreamConnectTimeoutMs });
  if (!deps.dispatcher) app.addHook('onClose', () => dispatcher.close());

  const events = new EventLog(db, clock, log);
  // The keyring backend throws without a Secret Service; the credential store then falls back to AES.
  const keyring = deps.keyring === undefined ? createOsKeyring() : deps.keyring;
  const volatileKeyring = deps.volatileKeyring ?? (deps.keyring === undefined ? createVolatileKeyring() : null);
  const credentials = new CredentialStore({ dataDir: config.dataDir, keyring, volatileKeyring, log });
  const lineup = new Lineup({ db, providers: new ProviderCatalog(db), events, log, clock });
  const accounts = new Accounts({
    db,
    credentials,
    events,
    log,
    clock,
    config,
    mappedLineupChannels: (ids) => lineup.channelsMappedTo(ids),
    // A scan that added, renamed or removed provider channels rematches the lineup channels they touch.
    onScanned: (result) => lineup.handleScan(result),
    onRemoved: (accountId) => {
      streaming.endSessionsOfAccount(accountId, 'account-deleted');
      lineup.handleAccountRemoved();
    },
    onDeactivated: (accountId) => streaming.endSessionsOfAccount(accountId, 'account-deactivated'),
    dispatcher,
  });
  const guides = new GuideSources({
    db,
    lineup,
    credentials,
    events,
    log,
    clock,
    config,
    accountGuideUrl: (accountId) => accounts.guideUrl(accountId),
    // Every import can add, rename or drop lineup channels: match them all again.
    onImported: () => lineup.handleGuideImported(),
    dispatcher,
  });
  const moved = accounts.relocateSecrets() + guides.relocateSecrets();
  log.info(
    { secretStore: credentials.kind, store: credentials.storeName(), moved },
    'secrets are kept in the ' + credentials.storeName(),
  );
  // The daily refresh (and a catch-up on one missed while the server was off) starts with the app.
  app.addHook('onReady', async () => guides.start());
  // Leftovers of interrupted imports (millions of rows, maybe) go in batches once the server listens, not before.
  app.addHook('onListen', async () => void guides.discardInterrupted());
  app.addHook('preClose', () => guides.close());
  const streaming = new Streaming({ lineup, events, log, clock, config, accounts, dispatcher });
  // preClose, not onClose: the HTTP server waits for open responses before onClose hooks run, and
  // a live stream never finishes by itself.
  app.addHook('preClose', () => streaming.closeAll());
  const tunerDevice = new TunerDevice(db, config, { lineup, accounts });
  const discovery = config.discovery
    ? new NetworkDiscovery({
        device: tunerDevice,
        log,
        clock,
        config,
        events,
        sessions: () => streaming.sessions.list(),
        isClientAllowed: (address) => access.isTunerClientAllowed(address),
      })
    : undefined;
  if (discovery) {
    // Discovery hands out the HTTP port, known only once listening (port 0 in tests).
    app.addHook('onListen', async () => {
      const address = app.server.address();
      await discovery.start(typeof address === 'object' && address ? address.port : config.port);
    });
    app.addHook('onClose', () => discovery.close());
  }
  const logos = new LogoCache({
    db,
    dispatcher,
    dir: join(config.dataDir, 'logos'),
    clock,
    log,
    userAgent: config.userAgent,
  });
  const epg = new EpgCache({
    lineup,
    guide: guideOutput(db),
    logos,
    clock,
    log,
    days: config.epgDays,
    dir: join(config.dataDir, 'cache'),
  });
  app.addHook('onClose', () => epg.close());
  const auth = new AdminAuth({ db, clock, events, log });
  const domains: Domains = {
    events,
    credentials,
    accounts,
    lineup,
    guides,
    streaming,
    tunerDevice,
    discovery,
    epg,
    auth,
    settings,
  };

  // The tuner surface: open without credentials (Plex has none to give), but only to --allow-cidr clients.
  await app.register(async (open) => {
    open.addHook('onRequest', tunerClientCheck(access));
    await open.register(tunerRoutes, { device: tunerDevice, streaming, epg, config, clock, logos });
    open.get('/health', async () => ({ status: 'ok' }));
  });
  // Beside the guarded /api plugin, not inside it: login and the session check answer without
  // credentials; the DNS-rebinding Host rule applies to them too.
  await app.register(
    async (login) => {
      login.addHook('onRequest', adminHostCheck(access));
      await login.register(loginRoutes, { auth, clock });
    },
    { prefix: '/api/auth' },
  );
  await app.register(apiRoutes, {
    prefix: '/api',
    auth,
    events,
    accounts,
    streaming,
    lineup,
    guides,
    tunerDevice,
    epg,
    guideGrid: new GuideGrid({ lineup, guide: guideOutput(db), clock }),
    settings,
    credentials,
    config,
    clock,
    access,
  });

  const metrics = new Metrics({ streaming, accounts, guides, clock, processMetrics: deps.processMetrics ?? false });
  await app.register(metricsRoutes, { metrics, auth, access });

  // The web UI at / (its files, and its page for its own routes through the not-found handler).
  webUi.current = await registerWebUi(app, config.webUiDir);

  return { app, domains };
}

/** One place turns errors into `{"error": "..."}`; routes never build error bodies. */
function installErrorHandling(app: FastifyInstance, webUi: { current?: WebUi }): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      const level = error.statusCode >= 500 ? 'warn' : 'info';
      request.log[level]({ code: error.code, details: error.details, err: error.cause }, error.message);
      return reply.code(error.statusCode).headers(error.headers).send({ error: error.message });
    }
    if ('validation' in error && error.validation) {
      return reply.code(400).send({ error: `invalid request: ${error.message}` });
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, wrong content type).
      request.log.info({ err: error }, 'client error');
      return reply.code(status).send({ error: clientErrorMessage(error) });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'internal error' });
  });
  // The web UI's own routes (a reload of /lineup) get its page; anything else a JSON 404.
  app.setNotFoundHandler((request, reply) => {
    if (webUi.current?.serveClientRoute(request, reply)) return;
    return reply.code(404).send({ error: 'not found' });
  });
  // HTTP/1.1 requires Host (RFC 9112 §3.2); Plex's HTTP/1.0 requests may omit it.
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new AppError('INVALID_INPUT', 'missing Host header');
    }
  });
}

function clientErrorMessage(error: FastifyError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'invalid JSON body';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type';
    default:
      return 'bad request';
  }
}
