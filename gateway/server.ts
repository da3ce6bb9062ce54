import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClickhouse } from '../lib/clickhouse/client.js';
import type { Config } from '../lib/config.js';
import { AppError, messageOf } from '../lib/errors.js';
import type { AvroCodec } from '../lib/avro/codec.js';
import { DeadLetters } from '../lib/kafka/dead-letter.js';
import type { Delivery } from '../lib/kafka/runner.js';
import { createKafka } from '../lib/kafka/client.js';
import { createAccessLogger, createLogger, type Logger } from '../lib/log.js';
import { seriesKey } from '../schemas/types.js';
import { FORECAST_PUBLISHED, MODEL_ALIAS_CHANGED, MODEL_ANNOTATED, MODEL_PROMOTED, MODEL_TRAINED, SALES_WEEK, SCHEDULE_CHANGED, SIMULATION_PACE_CHANGED, TRAINING_REQUESTED } from '../domain/contracts.js';
import { fetchArtifactFile } from '../lib/kafka/artifacts.js';
import { AliasModels } from './model/alias-models.js';
import { evolveSchedule, initialSchedule, type ScheduleState } from '../domain/training/schedule.js';
import { evolvePace, initialPace, paceStatus, type PaceState } from '../domain/simulation/pace.js';
import { paceSeries } from './routes/pace.js';
import { SeriesGrid } from '../domain/sales/grid.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { championOf, isRefused } from '../domain/registry/state.js';
import { createApp } from './app.js';
import type { GatewayContext } from './context.js';
import { DEFAULT_BODY_LIMIT } from './http/body.js';
import { assertTokenFitsHost } from './http/auth.js';
import { HttpError } from './http/errors.js';
import { LiveAccuracy } from '../domain/live/accuracy.js';
import { ForecastCache } from './forecasts/cache.js';
import { applyPublished } from './forecasts/feed.js';
import { ForecastPublisher, startForecastLoop } from './forecasts/publisher.js';
import { attachSocket } from './live/socket.js';
import { allowedHosts, guardHost } from './http/host.js';
import { LiveStatus } from './live/status.js';
import { lineOfLoad, lineOfModelLog } from './live/training-feed.js';
import { followTrainingLog, type TrainingLogFollower } from './live/training-log-follower.js';
import { createMetrics } from './metrics.js';
import { ModelHolder } from './model/holder.js';
import { ModelLoader, openModel } from './model/loader.js';
import { createOperations } from './ops/operations.js';
import { createDeadLetterOps, type DeadLetterOps } from './ops/dead-letters.js';
import { predictFastPath, type FastPath } from './predict/fast-path.js';
import { createPredictHandler } from './predict/handler.js';
import { createReadiness } from './readiness.js';
import { startFollower, type Follower } from './state/follower.js';
import { evolveGatewayRegistry, initialGatewayRegistry, type GatewayRegistry, type ModelLogEvent } from './state/registry-fold.js';
import { SeriesStore } from './state/series-store.js';
import { resumeSales } from './state/snapshot-store.js';
import { FEATURE_VERSION } from '../domain/features/features.js';
import type { ClickHouseClient } from '@clickhouse/client';

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
  forecasts: ForecastCache;
  publisher: ForecastPublisher;
  /** POST /v1/predict in front of Koa (null when a rate limit keeps it in Koa). */
  fastPath: FastPath | null;
  loader: ModelLoader;
  aliasModels: AliasModels;
  registry: () => GatewayRegistry;
  caughtUp: Promise<void>;
  deadLetters: DeadLetterOps;
  close(): Promise<void>;
}

/** What the parts of a gateway share while it starts. */
interface Parts {
  cfg: Readonly<Config>;
  log: Logger;
  kafka: ReturnType<typeof createKafka>;
  admin: ReturnType<ReturnType<typeof createKafka>['admin']>;
  store: SeriesStore;
  holder: ModelHolder;
  accuracy: LiveAccuracy;
  status: LiveStatus;
  loader: ModelLoader;
  aliasModels: AliasModels;
  metrics: ReturnType<typeof createMetrics>;
  forecasts: ForecastCache;
  publisher: ForecastPublisher;
}

/** The online state: sales, requests, runs and promotions replayed from the log, each decoded with its contract. */
interface OnlineState {
  follower: Follower;
  caughtUp: Promise<void>;
  isCaughtUp(): boolean;
  registry(): GatewayRegistry;
  schedule(): ScheduleState;
  pace(): PaceState;
  lastSalesAt(): number;
  stop(): Promise<void>;
}

/**
 * Follows the log into memory. A message its contract (or its series' 7-day
 * grid) refuses is dead-lettered with the reason, as the materializer does,
 * and leaves the state untouched; a registry outage is logged and the
 * message skipped (issue: it should be retried). `sales.weekly` is read from
 * the offsets of the newest valid snapshot when there is one
 * (state/snapshot.ts), the other topics from their beginning.
 */
async function followState(p: Parts, codec: AvroCodec, ch: ClickHouseClient, follower: (f: Follower) => void): Promise<OnlineState> {
  const { cfg, log, store, accuracy, status, loader, forecasts, publisher } = p;
  let registry: GatewayRegistry = initialGatewayRegistry;
  let schedule: ScheduleState = initialSchedule;
  let pace: PaceState = initialPace;
  let caught = false;
  let lastSalesAt = 0;
  const grid = new SeriesGrid();
  const t0 = Date.now();
  const resume = await resumeSales({ ch, database: cfg.clickhouse.database, cluster: cfg.clickhouse.cluster, admin: p.admin, topic: cfg.topics.sales, featureVersion: FEATURE_VERSION, store, settings: cfg.gateway.snapshots, log: log.child('snapshot') });
  // a restored series' grid is the one its weeks are on (SeriesGrid.seed: a consumer resuming mid-log)
  for (const h of store.all()) grid.seed(h.store, h.dept, h.weekAt(0));
  const dead = await DeadLetters.connect(p.kafka, cfg.topics.deadLetter, 'gateway');
  const modelLog = (e: ModelLogEvent) => {
    const before = championOf(registry.registry);
    registry = evolveGatewayRegistry(registry, e);
    if (e.type === 'annotated' || e.type === 'aliased') {
      status.registryChanged();
      if (e.type === 'aliased' && caught) p.aliasModels.sync();
      return;
    }
    const refused = e.type === 'promoted' && isRefused(registry.registry, e.event);
    status.trainingLine(refused ? lineOfModelLog(e, before?.version ?? null) : lineOfModelLog(e));
    status.registryChanged();
    // a promotion the fold refused (it did not replace the champion it named) loads nothing
    const champion = championOf(registry.registry);
    // once the new champion serves, an alias naming the old one needs its own model (sync loads it)
    if (e.type === 'promoted' && caught && champion && champion !== before) void loader.request(champion).then(() => p.aliasModels.sync());
  };
  const routes: Record<string, (m: Delivery) => Promise<void>> = {
    [cfg.topics.sales]: async (m) => {
      const e = grid.check(await codec.decode(SALES_WEEK, m.value));
      publisher.touched(e, store.apply(e, m));
      if (accuracy.actual(seriesKey(e.store, e.dept), e.week, e.weeklySales) > 0) status.accuracyChanged();
      lastSalesAt = Date.now();
    },
    [cfg.topics.trainingRequests]: async (m) => modelLog({ type: 'requested', event: await codec.decode(TRAINING_REQUESTED, m.value) }),
    [cfg.topics.modelTrained]: async (m) => modelLog({ type: 'trained', event: await codec.decode(MODEL_TRAINED, m.value) }),
    [cfg.topics.modelPromoted]: async (m) => modelLog({ type: 'promoted', event: await codec.decode(MODEL_PROMOTED, m.value) }),
    [cfg.topics.modelAnnotations]: async (m) => modelLog({ type: 'annotated', event: await codec.decode(MODEL_ANNOTATED, m.value) }),
    [cfg.topics.modelAliases]: async (m) => modelLog({ type: 'aliased', event: await codec.decode(MODEL_ALIAS_CHANGED, m.value) }),
    [cfg.topics.trainingSchedule]: async (m) => void (schedule = evolveSchedule(schedule, await codec.decode(SCHEDULE_CHANGED, m.value))),
    [cfg.topics.simulationPace]: async (m) => void (pace = evolvePace(pace, await codec.decode(SIMULATION_PACE_CHANGED, m.value))),
    [cfg.topics.forecastPublished]: async (m) => {
      if (applyPublished({ cache: forecasts, store, accuracy }, await codec.decode(FORECAST_PUBLISHED, m.value))) status.accuracyChanged();
    },
  };
  const handle = async (m: Delivery) => {
    try {
      await routes[m.topic]?.(m);
    } catch (err) {
      if (err instanceof AppError && err.retriable) throw err;
      // a refused sales event is handled too: a snapshot taken after it need not replay it
      if (m.topic === cfg.topics.sales) store.covered(m.partition, m.offset);
      await dead.send(m, messageOf(err));
      throw err;
    }
  };
  const f = await startFollower({ kafka: p.kafka, admin: p.admin, topics: Object.keys(routes), handle, startAt: resume.startAt, log: log.child('follower') });
  follower(f);
  const snapshots = resume.startWriter(() => caught);
  const caughtUp = f.caughtUp.then(async () => {
    caught = true;
    publisher.live = true;
    log.info(`online state caught up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${resume.loaded?.id ? `from snapshot ${resume.loaded.id}` : 'full fold'}): ${store.size} series, ${store.events} events, latest week ${store.latestWeek ?? '-'}`);
    const champion = championOf(registry.registry);
    if (champion) await loader.request(champion);
    p.aliasModels.sync();
  });
  return {
    follower: f,
    caughtUp,
    isCaughtUp: () => caught,
    registry: () => registry,
    schedule: () => schedule,
    pace: () => pace,
    lastSalesAt: () => lastSalesAt,
    async stop() {
      await f.stop();
      // after the follower stopped, so the last snapshot covers everything this replica read
      await snapshots?.stop();
      await dead.disconnect();
    },
  };
}

/**
 * The forecast projection's producer side (gateway/forecasts/publisher.ts
 * says why the gateway computes it): after a promotion or a burst of new
 * weeks, publish the champion's forecasts of what went stale. Returns the
 * stop function and the producer to disconnect.
 */
async function startForecasts(p: Parts, codec: AvroCodec, state: OnlineState): Promise<() => Promise<void>> {
  if (!p.cfg.gateway.publishForecasts) return async () => undefined;
  const producer = p.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const topic = p.cfg.topics.forecastPublished;
  p.publisher.connect({
    send: async (events) => {
      await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: seriesKey(e.store, e.dept), value: codec.encode('forecastPublished', e) })) });
    },
    published: (events) => {
      for (const e of events) applyPublished({ cache: p.forecasts, store: p.store, accuracy: p.accuracy }, e);
      p.status.accuracyChanged();
    },
  });
  const stop = startForecastLoop({
    publisher: p.publisher,
    holder: p.holder,
    isCaughtUp: state.isCaughtUp,
    lastSalesAt: state.lastSalesAt,
    log: p.log,
    afterPass: () => {
      if (p.store.latestWeek) p.accuracy.prune(p.store.latestWeek);
    },
  });
  return async () => {
    stop();
    await producer.disconnect();
  };
}

/** The model loader, reporting loads to the metrics, the status and the training log. */
function createLoader(cfg: Readonly<Config>, kafka: Parts['kafka'], holder: ModelHolder, registry: () => GatewayRegistry, log: Logger, report: () => { status: LiveStatus; metrics: Parts['metrics'] }): ModelLoader {
  return new ModelLoader({
    kafka,
    holder,
    cacheDir: join(cfg.stackDir, 'artifacts', 'models'),
    runOf: (v) => registry().registry.versions.get(v),
    defaultHorizon: cfg.trainer.horizon,
    log,
    onEvent: (e) => {
      const { status, metrics } = report();
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
}

/** Counts answered rows (live accuracy reads the published forecasts instead: gateway/forecasts/feed.ts). */
function scorer(p: Parts): GatewayContext['scored'] {
  return (kind, model, rows) => {
    p.metrics.predictions.inc({ model_version: p.metrics.versionLabel(model.version), kind }, rows);
    p.status.countPredictions(rows);
  };
}

/** Listens on the configured host and port (0 = any free port) with the app and Socket.IO; resolves the URL. */
async function listen(
  cfg: Readonly<Config>,
  app: ReturnType<typeof createApp>['app'],
  status: LiveStatus,
  fast: FastPath | null,
): Promise<{ server: Server; io: ReturnType<typeof attachSocket>; url: string }> {
  const koa = app.callback();
  const hosts = allowedHosts(cfg);
  // the Host check comes first: a DNS-rebinding page never reaches the fast path, Koa or the socket
  const server: Server = createServer(guardHost(hosts, fast ? (req, res) => void (fast(req, res) || koa(req, res)) : koa));
  // keep-alive longer than typical client pools so load tests do not pay reconnects
  server.keepAliveTimeout = 65_000;
  const io = attachSocket(server, status, { token: cfg.gateway.token, openReads: cfg.gateway.openReads, allowedOrigins: cfg.gateway.allowedOrigins, allowedHosts: hosts });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.gateway.port, cfg.gateway.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return { server, io, url: `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}` };
}

/**
 * Starts a gateway: HTTP API, dashboard and Socket.IO on one port, the
 * online state replayed from the log, the champion loaded, and live status.
 * The port comes from config (0 = any free port, for tests).
 */
export async function startGateway(cfg: Readonly<Config>, opts: GatewayOptions = {}): Promise<Gateway> {
  // before anything connects: exposing the write endpoints with a guessable token is a configuration error
  assertTokenFitsHost(cfg.gateway.host, cfg.gateway.token);
  const log = opts.log ?? createLogger('gateway');
  const metrics = createMetrics(cfg.stackDir);
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'gateway');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const store = new SeriesStore();
  const holder = new ModelHolder();
  const accuracy = new LiveAccuracy();
  const forecasts = new ForecastCache();
  let state: OnlineState | null = null;
  let follower: Follower | null = null;
  const registry = () => state?.registry() ?? initialGatewayRegistry;
  const readiness = createReadiness({ admin, registryUrl: cfg.registry.url, ch, holder, follower: () => follower, log });
  const pace = () => paceStatus(state?.pace() ?? initialPace, cfg.simulator.rate, paceSeries({ cfg, store }));
  const status = new LiveStatus({ cfg, admin, ch, store, holder, registry, accuracy, follower: () => follower, readiness, metrics, log, tickMs: opts.tickMs, pace });
  const loader = createLoader(cfg, kafka, holder, registry, log, () => ({ status, metrics }));
  const cacheDir = join(cfg.stackDir, 'artifacts', 'models');
  const aliasModels = new AliasModels({
    open: (ref) => openModel({ kafka, cacheDir, runOf: (v) => registry().registry.versions.get(v), defaultHorizon: cfg.trainer.horizon }, ref),
    registry: () => registry().registry,
    champion: holder,
    log: log.child('aliases'),
  });
  const publisher = new ForecastPublisher({ store, cache: forecasts, horizon: cfg.trainer.horizon, log: log.child('forecasts') });
  const parts: Parts = { cfg, log, kafka, admin, store, holder, accuracy, status, loader, aliasModels, metrics, forecasts, publisher };
  // "read your own writes": operations wait until the follower has handled everything already in the log
  const readToEnd = async (topics: string[]) => {
    if (!follower) throw new HttpError(503, 'CATCHING_UP', 'the gateway is still starting to follow the log; retry shortly', { headers: { 'retry-after': '2' }, retriable: true });
    await follower.sync(topics);
  };
  const ops = createOperations({
    cfg,
    kafka,
    codec,
    registryAtEnd: async () => (await readToEnd([cfg.topics.modelTrained, cfg.topics.modelPromoted, cfg.topics.modelAnnotations, cfg.topics.modelAliases]), registry().registry),
    latestWeek: async () => (await readToEnd([cfg.topics.sales]), store.latestWeek),
  });
  const deadLetters = createDeadLetterOps({ kafka, codec, topic: cfg.topics.deadLetter });
  const g: GatewayContext = {
    cfg, ch, store, holder, registry, accuracy, metrics, ops, readiness, forecasts,
    deadLetters, scored: scorer(parts), startedAt: Date.now(),
    schedule: () => state?.schedule() ?? initialSchedule,
    syncSchedule: () => readToEnd([cfg.topics.trainingSchedule]),
    pace: () => state?.pace() ?? initialPace,
    syncPace: () => readToEnd([cfg.topics.simulationPace]),
    aliasModels,
    artifactFile: (uri) => fetchArtifactFile(kafka, uri, { cacheDir, timeoutMs: 60_000 }),
    assertServing: () => {
      if (!state?.isCaughtUp()) throw new HttpError(503, 'CATCHING_UP', 'the gateway is still replaying sales.weekly into its online state; retry shortly', { headers: { 'retry-after': '2' }, retriable: true });
    },
  };
  const { app } = createApp(g, { webDir: opts.webDir ?? WEB_DIST, bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT, log, latency: (route, ms) => status.recordLatency(route, ms) });
  // POST /v1/predict in front of Koa (predict/fast-path.ts); a configured rate limit keeps it all in Koa's route
  const fast = cfg.gateway.predictRate.perSecond > 0 ? null : predictFastPath({
    handler: createPredictHandler(g),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    readToken: cfg.gateway.openReads ? null : cfg.gateway.token,
    metrics,
    latency: (route, ms) => status.recordLatency(route, ms),
    access: cfg.gateway.accessLog ? createAccessLogger() : undefined,
    log,
  });
  const { server, io, url } = await listen(cfg, app, status, fast);
  status.start();
  // the one path of training lines to the dashboard, whichever process the trainer runs in (telemetry: the gateway serves without it)
  const trainingLog: TrainingLogFollower | null = await followTrainingLog({ kafka, admin, topic: cfg.topics.trainingLog, log: log.child('training-log'), onLine: (l) => status.trainingLine(l) }).catch(
    (err: unknown) => {
      log.warn(`not following ${cfg.topics.trainingLog}, the dashboard shows no training log lines: ${messageOf(err)}`);
      return null;
    },
  );
  const online = await followState(parts, codec, ch, (f) => (follower = f));
  state = online;
  const stopForecasts = await startForecasts(parts, codec, online);
  if (opts.waitForCatchUp ?? true) {
    await online.caughtUp;
    await loader.idle();
  }
  let closed = false;
  return {
    url, holder, store, forecasts, publisher, fastPath: fast, loader, aliasModels, registry, caughtUp: online.caughtUp, deadLetters,
    async close() {
      if (closed) return;
      closed = true;
      await stopForecasts();
      await status.stop();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([online.stop(), trainingLog?.stop(), ops.close(), deadLetters.close()]);
      await loader.idle().catch(() => undefined);
      await Promise.allSettled([admin.disconnect(), ch.close(), holder.close(), aliasModels.close()]);
    },
  };
}
