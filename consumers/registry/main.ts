/**
 * The registry projector: training.requests, model.trained and
 * model.promoted into ClickHouse (domain/registry/projection/), batched and
 * committed only after the inserts succeeded. It also projects the
 * backtests (domain/backtest/projection/), so `npm start` keeps the
 * dashboard's backtest list current, and the forecasts the gateway
 * publishes (domain/forecasts/) into the `forecasts` table. Run: npx tsx consumers/registry/main.ts
 */
import type { Config } from '../../lib/config.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createProcessMetrics, serveMetrics, type ProcessMetrics } from '../../lib/process/metrics-server.js';
import { startProjector, type Projector } from '../../lib/projection/projector.js';
import { BACKTEST_PROJECTION } from '../../domain/backtest/io/projection/spec.js';
import { FORECAST_PROJECTION } from '../../domain/forecasts/io/projection.js';
import { REGISTRY_PROJECTION } from '../../domain/registry/io/projection/spec.js';
import { SEARCH_PROJECTION } from '../../domain/registry/io/projection/search-spec.js';
import { PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../domain/registry/projection/tables.js';
import { runConsumerProcess } from '../main.js';

export interface RegistryProjector {
  running: Projector['running'];
  /** Events written since start, per table, and dead letters. */
  counts(): { requests: number; runs: number; promotions: number; dead: number };
  stop(): Promise<void>;
}

/** Starts the projector in-process; group id default `registry-projector:<database>` (one projection per database; a new group replays from the beginning). */
export async function startRegistryProjector(cfg: Readonly<Config>, opts: { groupId?: string; log?: Logger; metrics?: ProcessMetrics } = {}): Promise<RegistryProjector> {
  const groupId = opts.groupId ?? `registry-projector:${cfg.clickhouse.database}`;
  const log = opts.log ?? createLogger('registry-projector');
  const p = await startProjector(cfg, REGISTRY_PROJECTION, { groupId, log, flushRows: 5_000, flushMs: 200, onProjected: (b) => opts.metrics?.projected(groupId, b) });
  // params, metrics and tags as key/value rows for run search (GET /v1/runs?filter=...), in a group of its own
  const searchGroup = `${groupId}:search`;
  const search = await startProjector(cfg, SEARCH_PROJECTION, { groupId: searchGroup, log: log.child('search'), flushRows: 5_000, flushMs: 200, onProjected: (b) => opts.metrics?.projected(searchGroup, b) });
  return {
    running: { ...p.running, done: Promise.race([p.running.done, search.running.done]) },
    counts: () => {
      const c = p.counts();
      return { requests: c.rows[REQUESTS_TABLE] ?? 0, runs: c.rows[RUNS_TABLE] ?? 0, promotions: c.rows[PROMOTIONS_TABLE] ?? 0, dead: c.dead };
    },
    stop: async () => {
      await Promise.all([p.stop(), search.stop()]);
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConsumerProcess('registry-projector', async (cfg, log) => {
    const metrics = createProcessMetrics('registry-projector', cfg.stackDir, log);
    const registry = await startRegistryProjector(cfg, { log, metrics });
    const backtests = await startProjector(cfg, BACKTEST_PROJECTION, { log: log.child('backtests'), flushRows: 1_000, flushMs: 100, onProjected: (b) => metrics.projected('backtest-projector', b) });
    const forecasts = await startProjector(cfg, FORECAST_PROJECTION, { log: log.child('forecasts'), flushRows: 5_000, flushMs: 200, onProjected: (b) => metrics.projected('forecast-projector', b) });
    await serveMetrics(metrics.registry, cfg.metrics.projectorPort, log, cfg.metrics.host);
    const admin = createKafka(cfg, 'projector-metrics').admin();
    await admin.connect();
    metrics.watchConsumer(admin, registry.running, REGISTRY_PROJECTION.topics(cfg.topics));
    metrics.watchConsumer(admin, backtests.running, BACKTEST_PROJECTION.topics(cfg.topics));
    metrics.watchConsumer(admin, forecasts.running, FORECAST_PROJECTION.topics(cfg.topics));
    log.info(`projecting the model registry, the backtests and the forecasts into ${cfg.clickhouse.database}`);
    return {
      running: { ...registry.running, done: Promise.race([registry.running.done, backtests.running.done, forecasts.running.done]) },
      stop: async () => {
        await Promise.all([registry.stop(), backtests.stop(), forecasts.stop()]);
      },
    };
  });
}
