/**
 * The gateway's long-lived parts, built once by startGateway (server.ts)
 * and shared by the online state, the forecast loop and the HTTP side: the
 * clients, the in-memory projections, the model loaders and the live
 * status. The online state is bound later (`online.bind`): the parts exist
 * before the follower starts, and read the initial folds until then.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../lib/config.js';
import type { Logger } from '../lib/log.js';
import { LiveAccuracy } from '../domain/live/accuracy.js';
import { paceStatus } from '../domain/simulation/pace.js';
import { ForecastCache } from './forecasts/cache.js';
import { ForecastPublisher } from './forecasts/publisher.js';
import { LiveStatus } from './live/status.js';
import { createMetrics, type GatewayMetrics } from './metrics.js';
import { ModelHolder } from './model/holder.js';
import { createModelLoading } from './model/loading.js';
import { createReadiness, type Readiness } from './readiness.js';
import { paceSeries } from './routes/pace.js';
import { OnlineRef } from './state/online-state.js';
import { SeriesStore } from './state/series-store.js';

export interface Parts extends ReturnType<typeof createModelLoading> {
  cfg: Readonly<Config>;
  log: Logger;
  kafka: Kafka;
  admin: Admin;
  ch: ClickHouseClient;
  store: SeriesStore;
  holder: ModelHolder;
  accuracy: LiveAccuracy;
  forecasts: ForecastCache;
  publisher: ForecastPublisher;
  metrics: GatewayMetrics;
  readiness: Readiness;
  status: LiveStatus;
  /** The online state (initial folds until it is bound). */
  online: OnlineRef;
}

/** Builds the parts on connected clients; nothing is started (the status ticks from `status.start()`). */
export function createParts(d: { cfg: Readonly<Config>; log: Logger; kafka: Kafka; admin: Admin; ch: ClickHouseClient; tickMs?: number }): Parts {
  const { cfg, log, admin, ch } = d;
  const online = new OnlineRef();
  const store = new SeriesStore();
  const holder = new ModelHolder();
  const accuracy = new LiveAccuracy();
  const forecasts = new ForecastCache();
  const metrics = createMetrics(cfg.stackDir);
  const readiness = createReadiness({ admin, registryUrl: cfg.registry.url, ch, holder, follower: online.follower, log });
  const pace = () => paceStatus(online.pace(), cfg.simulator.rate, paceSeries({ cfg, store }));
  const registry = online.registry;
  const status = new LiveStatus({ cfg, admin, ch, store, holder, registry, accuracy, follower: online.follower, readiness, metrics, log, tickMs: d.tickMs, pace });
  const loading = createModelLoading({ cfg, kafka: d.kafka, holder, registry, log, report: () => ({ status, metrics }) });
  const publisher = new ForecastPublisher({ store, cache: forecasts, horizon: cfg.trainer.horizon, log: log.child('forecasts') });
  return { cfg, log, kafka: d.kafka, admin, ch, ...loading, store, holder, accuracy, forecasts, publisher, metrics, readiness, status, online };
}
