/**
 * The gateway's online state: sales, training requests, runs, promotions,
 * the schedule and the pace, followed from the log into memory, each topic
 * decoded with its contract through the one consumer edge
 * (lib/projection/handler-sink.ts). A message its contract (or its series'
 * 7-day grid) refuses is dead-lettered with the reason, as the materializer
 * does, and leaves the state untouched; a registry outage is waited out (the
 * follower retries the message); a bug stops the follower and `done`
 * rejects with it. `sales.weekly` is read from the offsets of the newest
 * valid snapshot when there is one (state/snapshot.ts), the other topics
 * from their beginning.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { DeadLetters } from '../../lib/kafka/dead-letter.js';
import { messageHandler, on, type TopicHandlers } from '../../lib/projection/handler-sink.js';
import { seriesKey } from '../../schemas/types.js';
import { FORECAST_PUBLISHED, MODEL_ALIAS_CHANGED, MODEL_ANNOTATED, MODEL_PROMOTED, MODEL_TRAINED, SALES_WEEK, SCHEDULE_CHANGED, SIMULATION_PACE_CHANGED, TRAINING_REQUESTED } from '../../domain/contracts.js';
import { FEATURE_VERSION } from '../../domain/features/features.js';
import { SeriesGrid } from '../../domain/sales/grid.js';
import { evolveSchedule, initialSchedule, type ScheduleState } from '../../domain/training/schedule.js';
import { evolvePace, initialPace, type PaceState } from '../../domain/simulation/pace.js';
import { applyPublished } from '../forecasts/feed.js';
import type { Parts } from '../parts.js';
import { startFollower, type Follower } from './follower.js';
import { ModelLog } from './model-log.js';
import { initialGatewayRegistry, type GatewayRegistry } from './registry-fold.js';
import { resumeSales } from './snapshot-store.js';
import { phase } from './startup-clock.js';

export interface OnlineState {
  follower: Follower;
  caughtUp: Promise<void>;
  /** Rejects when the follower stopped on a bug. */
  done: Promise<void>;
  isCaughtUp(): boolean;
  registry(): GatewayRegistry;
  schedule(): ScheduleState;
  pace(): PaceState;
  lastSalesAt(): number;
  stop(): Promise<void>;
}

/** The online state as the rest of the gateway reads it: the initial folds until the follower has started (`bind`). */
export class OnlineRef {
  private state: OnlineState | null = null;
  private followed: Follower | null = null;
  /** The follower, as soon as it runs (read-your-writes and readiness need it before the state is complete). */
  bindFollower(f: Follower): void {
    this.followed = f;
  }
  bind(s: OnlineState): void {
    this.state = s;
    this.followed = s.follower;
  }
  follower = (): Follower | null => this.followed;
  isCaughtUp = (): boolean => this.state?.isCaughtUp() ?? false;
  registry = (): GatewayRegistry => this.state?.registry() ?? initialGatewayRegistry;
  schedule = (): ScheduleState => this.state?.schedule() ?? initialSchedule;
  pace = (): PaceState => this.state?.pace() ?? initialPace;
}

type StateParts = Pick<Parts, 'cfg' | 'log' | 'kafka' | 'admin' | 'store' | 'accuracy' | 'status' | 'loader' | 'aliasModels' | 'forecasts' | 'publisher'>;

/** Follows the log into memory (see the top of the file); `onFollower` gets the follower as soon as it runs (read-your-writes before the catch-up). */
export async function followState(p: StateParts, codec: AvroCodec, ch: ClickHouseClient, onFollower: (f: Follower) => void): Promise<OnlineState> {
  const { cfg, log, store } = p;
  let caught = false;
  const t0 = performance.now();
  // independent: the snapshot load (ClickHouse, then CPU) and the dead-letter producer's connection (Kafka)
  const [resume, dead] = await Promise.all([
    resumeSales({ ch, database: cfg.clickhouse.database, cluster: cfg.clickhouse.cluster, admin: p.admin, topic: cfg.topics.sales, featureVersion: FEATURE_VERSION, store, settings: cfg.gateway.snapshots, log: log.child('snapshot') }),
    DeadLetters.connect(p.kafka, cfg.topics.deadLetter, 'gateway'),
  ]);
  let t = phase(log, 'snapshot load and dead-letter producer', t0, resume.loaded?.id ? `snapshot ${resume.loaded.id}, ${store.size} series, ${store.events} events` : 'no snapshot');
  const restoredEvents = store.events;
  const folds = stateHandlers(p, () => caught);
  const handle = messageHandler({ codec, deadLetters: dead }, folds.handlers);
  const f = await startFollower({ kafka: p.kafka, admin: p.admin, topics: Object.keys(folds.handlers), handle, startAt: resume.startAt, log: log.child('follower') });
  t = phase(log, 'follower started', t, `${Object.keys(folds.handlers).length} topics`);
  onFollower(f);
  const snapshots = resume.startWriter(() => caught);
  const caughtUp = f.caughtUp.then(async () => {
    caught = true;
    p.publisher.live = true;
    const tc = phase(log, 'follower caught up', t, `${store.events - restoredEvents} sales events applied after ${resume.loaded?.id ? 'the snapshot' : 'offset 0'} (group join, fetches, decode, fold)`);
    log.info(`online state caught up in ${((tc - t0) / 1000).toFixed(1)} s (${resume.loaded?.id ? `from snapshot ${resume.loaded.id}` : 'full fold'}): ${store.size} series, ${store.events} events, latest week ${store.latestWeek ?? '-'}`);
    const champion = folds.champion();
    if (champion) {
      await p.loader.request(champion);
      phase(log, 'champion model load (after the state is ready)', tc, `v${champion.version}`);
    }
    p.aliasModels.sync();
  });
  return {
    follower: f,
    caughtUp,
    done: f.done,
    isCaughtUp: () => caught,
    registry: folds.registry,
    schedule: folds.schedule,
    pace: folds.pace,
    lastSalesAt: folds.lastSalesAt,
    async stop() {
      await f.stop();
      // after the follower stopped, so the last snapshot covers everything this replica read
      await snapshots?.stop();
      await dead.disconnect();
    },
  };
}

/** One handler per followed topic, each folding its events into the state it owns. */
function stateHandlers(p: StateParts, caught: () => boolean) {
  const { cfg, store, accuracy, status, forecasts, publisher } = p;
  const modelLog = new ModelLog(p, caught);
  let schedule: ScheduleState = initialSchedule;
  let pace: PaceState = initialPace;
  let lastSalesAt = 0;
  // a restored series' grid is the one its weeks are on (SeriesGrid.seed: a consumer resuming mid-log)
  const grid = new SeriesGrid();
  for (const h of store.all()) grid.seed(h.store, h.dept, h.weekAt(0));
  const handlers: TopicHandlers = {
    [cfg.topics.sales]: on(
      SALES_WEEK,
      (event, m) => {
        const e = grid.check(event);
        publisher.touched(e, store.apply(e, m));
        if (accuracy.actual(seriesKey(e.store, e.dept), e.week, e.weeklySales) > 0) status.accuracyChanged();
        lastSalesAt = Date.now();
      },
      // a refused sales event is read too: a snapshot taken after it need not replay it
      (m) => store.covered(m.partition, m.offset),
    ),
    [cfg.topics.trainingRequests]: on(TRAINING_REQUESTED, (event) => modelLog.apply({ type: 'requested', event })),
    [cfg.topics.modelTrained]: on(MODEL_TRAINED, (event) => modelLog.apply({ type: 'trained', event })),
    [cfg.topics.modelPromoted]: on(MODEL_PROMOTED, (event) => modelLog.apply({ type: 'promoted', event })),
    [cfg.topics.modelAnnotations]: on(MODEL_ANNOTATED, (event) => modelLog.apply({ type: 'annotated', event })),
    [cfg.topics.modelAliases]: on(MODEL_ALIAS_CHANGED, (event) => modelLog.apply({ type: 'aliased', event })),
    [cfg.topics.trainingSchedule]: on(SCHEDULE_CHANGED, (event) => void (schedule = evolveSchedule(schedule, event))),
    [cfg.topics.simulationPace]: on(SIMULATION_PACE_CHANGED, (event) => void (pace = evolvePace(pace, event))),
    [cfg.topics.forecastPublished]: on(FORECAST_PUBLISHED, (event) => {
      if (applyPublished({ cache: forecasts, store, accuracy }, event)) status.accuracyChanged();
    }),
  };
  return {
    handlers,
    registry: () => modelLog.registry,
    champion: () => modelLog.champion(),
    schedule: () => schedule,
    pace: () => pace,
    lastSalesAt: () => lastSalesAt,
  };
}
