import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClickhouse } from '../lib/clickhouse.js';
import type { Config } from '../lib/config.js';
import { messageOf } from '../lib/errors.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger, type Logger } from '../lib/log.js';
import { seriesKey, type ModelPromoted, type ModelTrained, type SalesWeek, type TrainingRequested } from '../schemas/types.js';
import { bootstrapContracts } from '../lib/bootstrap.js';
import { validateSalesWeek } from '../domain/sales/validate.js';
import { championOf, isRefused } from '../domain/registry/state.js';
import { createApp } from './app.js';
import type { GatewayContext, ScoreKind } from './context.js';
import { DEFAULT_BODY_LIMIT } from './http/body.js';
import { HttpError } from './http/errors.js';
import { LiveAccuracy } from '../domain/live/accuracy.js';
import { ShadowForecaster } from './live/shadow.js';
import { attachSocket } from './live/socket.js';
import { LiveStatus } from './live/status.js';
import { followTrainingDiagnostics, lineOfLoad, lineOfModelLog } from './live/training-feed.js';
import { followTrainingLog, type TrainingLogFollower } from './live/training-log-follower.js';
import { createMetrics } from './metrics.js';
import { ModelHolder, type LoadedModel } from './model/holder.js';
import { ModelLoader } from './model/loader.js';
import { createOperations } from './ops/operations.js';
import type { ScoringRow } from './predict/resolve.js';
import { createReadiness } from './readiness.js';
import { startFollower, type Follower, type Followed } from './state/follower.js';
import { evolveGatewayRegistry, initialGatewayRegistry, type GatewayRegistry, type ModelLogEvent } from './state/registry-fold.js';
import { SeriesStore } from './state/series-store.js';

/** Where the built dashboard lives. */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

export interface GatewayOptions {
  log?: Logger;
  /** Request body limit in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Built dashboard folder (default web/dist). */
  webDir?: string;
  /** Resolve only once the log is replayed and the champion loaded (default true). */
  waitForCatchUp?: boolean;
  /** Status tick period in ms (default 1000). */
  tickMs?: number;
}

export interface Gateway {
  url: string;
  /** The parts tests look into. */
  holder: ModelHolder;
  store: SeriesStore;
  loader: ModelLoader;
  registry: () => GatewayRegistry;
  caughtUp: Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a gateway: HTTP API, dashboard and Socket.IO on one port, the
 * online state replayed from the log, the champion loaded, and live status.
 * The port comes from config (0 = any free port, for tests).
 */
export async function startGateway(cfg: Readonly<Config>, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.log ?? createLogger('gateway');
  const startedAt = Date.now();
  const metrics = createMetrics();
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'gateway');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const store = new SeriesStore();
  const holder = new ModelHolder();
  const accuracy = new LiveAccuracy();
  let registry: GatewayRegistry = initialGatewayRegistry;
  let follower: Follower | null = null;
  let caught = false;
  const readiness = createReadiness({ admin, registryUrl: cfg.registry.url, ch, holder, follower: () => follower });
  const status = new LiveStatus({ cfg, admin, ch, store, holder, registry: () => registry, accuracy, follower: () => follower, readiness, metrics, log, tickMs: opts.tickMs });
  const loader = new ModelLoader({
    kafka,
    holder,
    cacheDir: join(cfg.stackDir, 'artifacts', 'models'),
    runOf: (v) => registry.registry.versions.get(v),
    defaultHorizon: cfg.trainer.horizon,
    log,
    onEvent: (e) => {
      if (e.type === 'loaded') {
        metrics.modelLoads.inc({ result: 'ok' });
        status.loadSucceeded(e.version);
      }
      if (e.type === 'failed') {
        metrics.modelLoads.inc({ result: 'failed' });
        status.loadFailed(e.version, e.reason);
      }
      const line = lineOfLoad(e);
      if (line) status.trainingLine(line);
    },
  });
  // "read your own writes": operations wait until the follower has handled everything already in the log
  const readToEnd = async (topics: string[]) => {
    if (!follower) throw new HttpError(503, 'CATCHING_UP', 'the gateway is still starting to follow the log; retry shortly', { headers: { 'retry-after': '2' }, retriable: true });
    await follower.sync(topics);
  };
  const ops = createOperations({
    cfg,
    kafka,
    codec,
    registryAtEnd: async () => (await readToEnd([cfg.topics.modelTrained, cfg.topics.modelPromoted]), registry.registry),
    latestWeek: async () => (await readToEnd([cfg.topics.sales]), store.latestWeek),
  });

  const scored = (kind: ScoreKind, model: LoadedModel, rows: readonly ScoringRow[], forecasts: Float64Array) => {
    metrics.predictions.inc({ model_version: String(model.version), kind }, rows.length);
    status.countPredictions(rows.length);
    if (kind === 'series') return;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (r.t >= r.history.length) accuracy.forecast(model.version, seriesKey(r.history.store, r.history.dept), r.week, forecasts[i]!);
    }
  };
  const g: GatewayContext = {
    cfg,
    ch,
    store,
    holder,
    registry: () => registry,
    accuracy,
    metrics,
    ops,
    readiness,
    scored,
    startedAt,
    assertServing: () => {
      if (!caught) throw new HttpError(503, 'CATCHING_UP', 'the gateway is still replaying sales.weekly into its online state; retry shortly', { headers: { 'retry-after': '2' }, retriable: true });
    },
  };
  const { app } = createApp(g, { webDir: opts.webDir ?? WEB_DIST, bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT, log, latency: (route, ms) => status.recordLatency(route, ms) });
  const server: Server = createServer(app.callback());
  // keep-alive longer than typical client pools so load tests do not pay reconnects
  server.keepAliveTimeout = 65_000;
  const io = attachSocket(server, status, { token: cfg.gateway.token, openReads: cfg.gateway.openReads });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.gateway.port, cfg.gateway.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  status.start();
  const stopDiagnostics = followTrainingDiagnostics((l) => status.trainingLine(l));
  // a trainer in another process: its lines come over Kafka (telemetry; the gateway serves without them)
  const trainingLog: TrainingLogFollower | null = await followTrainingLog({
    kafka,
    admin,
    topic: cfg.topics.trainingLog,
    log: log.child('training-log'),
    onLine: (l) => status.trainingLine(l),
  }).catch((err: unknown) => {
    log.warn(`not following ${cfg.topics.trainingLog}, the training log shows only this process's trainer: ${messageOf(err)}`);
    return null;
  });

  let lastSalesAt = 0;
  const modelLog = (e: ModelLogEvent) => {
    const before = championOf(registry.registry);
    registry = evolveGatewayRegistry(registry, e);
    const refused = e.type === 'promoted' && isRefused(registry.registry, e.event);
    status.trainingLine(refused ? lineOfModelLog(e, before?.version ?? null) : lineOfModelLog(e));
    status.registryChanged();
    // a promotion the fold refused (it did not replace the champion it named) loads nothing
    const champion = championOf(registry.registry);
    if (e.type === 'promoted' && caught && champion && champion !== before) void loader.request(champion);
  };
  const handle = async (m: Followed) => {
    const { value } = await codec.decode(m.value);
    switch (m.topic) {
      case cfg.topics.sales: {
        const e = validateSalesWeek(value as SalesWeek);
        store.apply(e);
        if (accuracy.actual(seriesKey(e.store, e.dept), e.week, e.weeklySales) > 0) status.accuracyChanged();
        lastSalesAt = Date.now();
        return;
      }
      case cfg.topics.trainingRequests:
        return modelLog({ type: 'requested', event: value as TrainingRequested });
      case cfg.topics.modelTrained:
        return modelLog({ type: 'trained', event: value as ModelTrained });
      case cfg.topics.modelPromoted:
        return modelLog({ type: 'promoted', event: value as ModelPromoted });
      default:
        return;
    }
  };
  const t0 = Date.now();
  follower = await startFollower({
    kafka,
    admin,
    topics: [cfg.topics.sales, cfg.topics.trainingRequests, cfg.topics.modelTrained, cfg.topics.modelPromoted],
    handle,
    log: log.child('follower'),
  });
  const caughtUp = follower.caughtUp.then(async () => {
    caught = true;
    log.info(`online state caught up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${store.size} series, ${store.events} events, latest week ${store.latestWeek ?? '-'}`);
    const champion = championOf(registry.registry);
    if (champion) await loader.request(champion);
  });

  // Shadow forecasts (live accuracy): after a burst of sales settles (or every
  // 5 s during a steady stream), forecast the next week of series that moved.
  const shadow = new ShadowForecaster(store);
  let shadowing = false;
  let lastPass = { at: 0, events: -1, version: -1 };
  const shadowTimer = setInterval(() => {
    const now = Date.now();
    const model = holder.current;
    if (!caught || shadowing || !model) return;
    if (store.events === lastPass.events && model.version === lastPass.version) return;
    if (now - lastSalesAt < 500 && now - lastPass.at < 5000) return;
    const lease = holder.lease();
    if (!lease) return;
    shadowing = true;
    lastPass = { at: now, events: store.events, version: lease.model.version };
    shadow
      .pass(lease.model, (rows, f) => scored('shadow', lease.model, rows, f))
      .then(() => {
        if (store.latestWeek) accuracy.prune(store.latestWeek);
      })
      .catch((err: unknown) => log.warn(`shadow forecast failed: ${messageOf(err)}`))
      .finally(() => {
        lease.release();
        shadowing = false;
      });
  }, 500);
  shadowTimer.unref();

  if (opts.waitForCatchUp ?? true) {
    await caughtUp;
    await loader.idle();
  }

  let closed = false;
  return {
    url,
    holder,
    store,
    loader,
    registry: () => registry,
    caughtUp,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(shadowTimer);
      status.stop();
      stopDiagnostics();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([follower?.stop(), trainingLog?.stop(), ops.close()]);
      await loader.idle().catch(() => undefined);
      await Promise.allSettled([admin.disconnect(), ch.close(), holder.close()]);
    },
  };
}
