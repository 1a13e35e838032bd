import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Clock } from '../core/index.js';
import type { Streaming } from '../streaming/index.js';
import type { Accounts } from '../xtream/index.js';
import type { GuideSources } from '../xmltv/index.js';

export interface MetricsDeps {
  streaming: Pick<Streaming, 'hubs' | 'sessions' | 'slots'>;
  accounts: Pick<Accounts, 'list'>;
  guides: Pick<GuideSources, 'list'>;
  clock: Clock;
  /** Node's process metrics (CPU, memory, event loop lag); off in tests that build many apps. */
  processMetrics?: boolean;
}

/** The Prometheus text of one scrape, and its content type. */
export interface Scrape {
  contentType: string;
  body: string;
}

/**
 * The server's Prometheus metrics, in a registry of its own (not prom-client's global one: every
 * app, and every test, has its own). Everything is read from the domains at scrape time: nothing
 * in the stream path waits on a metric. Counters report totals the streaming engine keeps.
 * Labels carry account and guide ids and names only, never a URL (URLs carry passwords).
 */
export class Metrics {
  readonly registry = new Registry();

  constructor(deps: MetricsDeps) {
    const { streaming, accounts, guides, clock } = deps;
    const registers = [this.registry];
    if (deps.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tunerbridge_' });

    new Gauge({
      name: 'tunerbridge_active_streams',
      help: 'Channels streaming from a provider now (one upstream connection each, shared by its viewers).',
      registers,
      collect() {
        this.set(streaming.hubs.size);
      },
    });
    new Gauge({
      name: 'tunerbridge_viewers',
      help: 'Client streams (Plex, Jellyfin, Emby, players) being served now.',
      registers,
      collect() {
        this.set(streaming.sessions.size);
      },
    });
    // The totals only grow: reset + inc gives a counter the value the engine counted.
    new Counter({
      name: 'tunerbridge_failovers_total',
      help: 'Streams moved to another candidate (stream or account) since start-up.',
      registers,
      collect() {
        this.reset();
        this.inc(streaming.hubs.totals().failovers);
      },
    });
    new Counter({
      name: 'tunerbridge_reconnects_total',
      help: 'Streams reconnected to the same candidate after a loss since start-up.',
      registers,
      collect() {
        this.reset();
        this.inc(streaming.hubs.totals().reconnects);
      },
    });
    new Counter({
      name: 'tunerbridge_upstream_bytes_total',
      help: 'Bytes read from providers since start-up.',
      registers,
      collect() {
        this.reset();
        this.inc(streaming.hubs.totals().upstreamBytes);
      },
    });
    const accountLabels = ['account_id', 'account'] as const;
    new Gauge({
      name: 'tunerbridge_tuner_slots_used',
      help: 'Connections of the provider account in use now (tuner slots).',
      labelNames: accountLabels,
      registers,
      collect() {
        this.reset();
        for (const a of accounts.list()) this.set(accountLabel(a), streaming.slots.inUse(a.id));
      },
    });
    new Gauge({
      name: 'tunerbridge_tuner_slots_limit',
      help: "The provider account's connection limit (0 when the account is switched off).",
      labelNames: accountLabels,
      registers,
      collect() {
        this.reset();
        for (const a of accounts.list()) this.set(accountLabel(a), a.isActive ? a.maxConnections : 0);
      },
    });
    const guideLabels = ['source_id', 'source'] as const;
    new Gauge({
      name: 'tunerbridge_guide_import_duration_seconds',
      help: 'How long the last successful import of the guide source took.',
      labelNames: guideLabels,
      registers,
      collect() {
        this.reset();
        for (const g of guides.list()) if (g.lastDurationMs !== null) this.set(guideLabel(g), g.lastDurationMs / 1000);
      },
    });
    new Gauge({
      name: 'tunerbridge_guide_age_seconds',
      help: 'Time since the guide source was last imported successfully.',
      labelNames: guideLabels,
      registers,
      collect() {
        this.reset();
        const now = clock.now();
        for (const g of guides.list())
          if (g.lastRefreshAt !== null)
            this.set(guideLabel(g), Math.max(0, (now - Date.parse(g.lastRefreshAt)) / 1000));
      },
    });
    new Gauge({
      name: 'tunerbridge_guide_programmes',
      help: 'Programmes the guide source brought in its last import.',
      labelNames: guideLabels,
      registers,
      collect() {
        this.reset();
        for (const g of guides.list()) this.set(guideLabel(g), g.programmes);
      },
    });
  }

  /** Renders every metric in the Prometheus text format. */
  async scrape(): Promise<Scrape> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function accountLabel(account: { id: number; name: string }) {
  return { account_id: String(account.id), account: account.name };
}

function guideLabel(source: { id: number; name: string }) {
  return { source_id: String(source.id), source: source.name };
}
