import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { readSupervision } from '../lib/process/supervision.js';

/** The gateway's Prometheus metrics, on a registry of its own (several gateways can share a process in tests). */
export interface GatewayMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  predictions: Counter<'model_version' | 'kind'>;
  consumerLag: Gauge<'group' | 'topic'>;
  modelVersion: Gauge;
  modelLoads: Counter<'result'>;
  seriesHeld: Gauge;
  liveWape: Gauge<'model_version'>;
  liveBaselineWape: Gauge<'baseline'>;
  championPromotedAt: Gauge;
  /** The `model_version` label value for `version`: the newest MAX_VERSION_LABELS versions keep their own series, older ones share `older` (their own series are removed). */
  versionLabel(version: number): string;
}

/** How many model versions keep their own label series (a long-lived gateway sees one per promotion). */
export const MAX_VERSION_LABELS = 5;

/** Creates the metric set; latency buckets in seconds, from 0.5 ms to 2.5 s. */
export function createMetrics(stackDir?: string): GatewayMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry });
  if (stackDir !== undefined) supervisionMetrics(registry, stackDir);
  const m = {
    registry,
    httpDuration: new Histogram({
      name: 'wsm_gateway_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'wsm_gateway_predictions_total',
      help: 'Rows scored, by model version and kind (predict, forecast, published, series)',
      labelNames: ['model_version', 'kind'] as const,
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'wsm_gateway_consumer_lag_messages',
      help: 'Messages behind the end of a topic: the gateway own follower and the materializer group',
      labelNames: ['group', 'topic'] as const,
      registers: [registry],
    }),
    modelVersion: new Gauge({ name: 'wsm_gateway_model_version', help: 'Version of the model being served (0 = none)', registers: [registry] }),
    modelLoads: new Counter({ name: 'wsm_gateway_model_loads_total', help: 'Model loads by result', labelNames: ['result'] as const, registers: [registry] }),
    seriesHeld: new Gauge({ name: 'wsm_gateway_series', help: 'Series held in the online feature state', registers: [registry] }),
    liveBaselineWape: new Gauge({
      name: 'wsm_gateway_live_baseline_wape',
      help: 'WAPE of a baseline on the same live series-weeks as the published one-week-ahead forecasts (seasonal naive: the same week last year)',
      labelNames: ['baseline'] as const,
      registers: [registry],
    }),
    championPromotedAt: new Gauge({ name: 'wsm_gateway_champion_promoted_timestamp_seconds', help: 'When the current champion was promoted (from the registry log), epoch seconds', registers: [registry] }),
    liveWape: new Gauge({
      name: 'wsm_gateway_live_wape',
      help: 'WAPE of forecasts against actuals as they arrive, by model version',
      labelNames: ['model_version'] as const,
      registers: [registry],
    }),
  };
  return { ...m, versionLabel: versionLabeller(m) };
}

/** The `versionLabel` of a metric set: keeps the newest MAX_VERSION_LABELS versions' series, removes older ones' and names them `older`. */
function versionLabeller(m: Pick<GatewayMetrics, 'predictions' | 'liveWape'>): (version: number) => string {
  const versions: number[] = [];
  return (version) => {
    // a version older than every tracked one, once the set is full, is counted under one shared label
    if (versions.length >= MAX_VERSION_LABELS && version < versions[0]!) return 'older';
    if (!versions.includes(version)) {
      versions.push(version);
      versions.sort((a, b) => a - b);
      while (versions.length > MAX_VERSION_LABELS) {
        const old = String(versions.shift());
        for (const kind of ['predict', 'forecast', 'published', 'series']) m.predictions.remove({ model_version: old, kind });
        m.liveWape.remove({ model_version: old });
      }
    }
    return String(version);
  };
}

/** Restarts and liveness of the processes the `npm start` supervisor runs, read when scraped. */
function supervisionMetrics(registry: Registry, stackDir: string): void {
  // restarts is registered first, so a scrape runs this collect before it reads either metric
  // (collecting in the second one showed the previous scrape's restarts); its value is the
  // supervisor's own running count, which only grows while the supervisor runs: a counter
  new Counter({
    name: 'wsm_supervised_process_restarts_total',
    help: 'Restarts of a process by the npm start supervisor',
    labelNames: ['process'] as const,
    registers: [registry],
    collect() {
      this.reset();
      up.reset();
      for (const p of readSupervision(stackDir)?.processes ?? []) {
        up.set({ process: p.name }, p.pid === null ? 0 : 1);
        this.inc({ process: p.name }, p.restarts);
      }
    },
  });
  const up = new Gauge({ name: 'wsm_supervised_process_up', help: 'Whether a supervised process is running (1) or down and being restarted (0)', labelNames: ['process'] as const, registers: [registry] });
}
