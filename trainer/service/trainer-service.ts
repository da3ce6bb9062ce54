/**
 * The long-running trainer: consumes `training.requests` (one partition, so
 * one active trainer per group), feeds the coordinator decider, runs one
 * training at a time, and hosts the schedule and threshold triggers.
 *
 * Recovery comes from the log, not from local state: at start the registry
 * view says which requests recorded runs already answered, and the request
 * log is read once so a request that was accepted but never answered (a crash
 * mid-run) is run now. The coordinator drops duplicates, so the consumer
 * group redelivering the same requests changes nothing.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import type { Config } from '../../lib/config.js';
import { createClickhouse } from '../../lib/clickhouse/client.js';
import { AppError, messageOf } from '../../lib/errors.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { runBuffered, type RunningConsumer } from '../../lib/kafka/runner.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import { EventPublisher } from '../../domain/training/event-publisher.js';
import { answeredRequestIds, type RegistryState } from '../../domain/registry/state.js';
import { startRegistryView, type RegistryView } from '../../domain/registry/view.js';
import { startScheduler, type Scheduler } from '../triggers/schedule.js';
import { startThresholdWatcher, type ThresholdWatcher } from '../triggers/threshold-watcher.js';
import { startTrainingLogRelay, type RunningRelay } from './training-log-relay.js';
import { startTail, tailOf } from '../../lib/kafka/topic-tail.js';
import { DeadLetters } from '../../lib/kafka/dead-letter.js';
import { SCHEDULE_CHANGED, TRAINING_REQUESTED } from '../../domain/contracts.js';
import { retryOf } from '../../domain/training/retry.js';
import { evolveSchedule, initialSchedule, missedTick, scheduledRequest, type ScheduleState } from '../../domain/training/schedule.js';
import { handleCoordinator, initialCoordinatorState, type CoordinatorCommand, type CoordinatorState } from './training-coordinator.js';
import { newRequest, planRun, type NewRequest } from '../../domain/training/request.js';
import { executeRun, type RunContext, type RunOutcome } from '../run/training-run.js';
import { startBacktestWorker, type BacktestWorker } from './backtest-worker.js';
import { checkDataGate, GateReporter, waitForGate, type TriggerGateStatus } from '../triggers/data-gate.js';
import { startDecayWatcher, type DecayStatus, type DecayWatcher } from '../triggers/decay-watcher.js';
import { parseDecayRequestId } from '../triggers/decay.js';

export interface TrainerOptions {
  /** Consumer group prefix: `<prefix>-requests`, `<prefix>-threshold`. Default `trainer:<training requests topic>`, so trainers of different topic sets never share a group. */
  groupPrefix?: string;
  /** Run the cron trigger (default true). */
  schedule?: boolean;
  /** Run the threshold watcher (default true). */
  threshold?: boolean;
  /** Run the accuracy-decay trigger (default true). */
  decay?: boolean;
  /** How often the decay trigger looks at live accuracy (ms); default 10 s. */
  decayEveryMs?: number;
  /** Weeks of history a series needs before a first model (threshold); default 52 + holdout weeks. */
  thresholdMinWeeks?: number;
  log?: Logger;
  /** Champion artifact cache; default <stackDir>/artifacts-cache. */
  cacheDir?: string;
  materializerWaitMs?: number;
  xgb?: RunContext['xgb'];
  /** How long stop() waits for a run in progress; default 120 s. */
  stopTimeoutMs?: number;
  /** Relay the diagnostics channel to the training.log topic for dashboards in other processes (default true). */
  relayLog?: boolean;
  /** Run the backtests queued for the trainer on backtest.requests (from the dashboard; default true). */
  backtests?: boolean;
}

export interface TrainerService {
  coordinator(): CoordinatorState;
  registry(): RegistryState;
  /** Publishes a training request on the log (it comes back through the consumer like any other). */
  request(r: NewRequest): Promise<TrainingRequested>;
  /** Outcomes of the runs this process finished, oldest first. */
  runs(): readonly RunOutcome[];
  /** Whether each trigger (threshold, schedule, decay) is waiting for the data to be materialized, and why. */
  triggers(): TriggerGateStatus[];
  /** The decay trigger's last look at the champion's live accuracy (null when it does not run). */
  decay(): DecayStatus | null;
  /** Resolves with the first finished run (past or future) matching `pred`; rejects after `timeoutMs` (default 120 s). */
  waitForRun(pred: (o: RunOutcome) => boolean, timeoutMs?: number): Promise<RunOutcome>;
  /** Stops triggers and the consumer, waits for a run in progress, disconnects. */
  stop(): Promise<void>;
  /** Rejects when the request consumer dies for good. */
  done: Promise<void>;
}

/** The coordinator decider's state, with the one way to change it. */
class Coordinator {
  state: CoordinatorState = initialCoordinatorState;
  dispatch(cmd: CoordinatorCommand) {
    const r = handleCoordinator(this.state, cmd);
    this.state = r.state;
    return r.events;
  }
}

/**
 * Log recovery: the requests recorded runs already answered (from the
 * registry view), then the request log read once, so unanswered requests run
 * now. Returns the data week of the last threshold request (it seeds the
 * threshold watcher).
 */
async function recoverFromLog(
  cfg: Readonly<Config>,
  kafka: Kafka,
  codec: AvroCodec,
  view: RegistryView,
  coord: Coordinator,
  log: Logger,
): Promise<{ lastThreshold: string | null; lastScheduled: number | null; decayed: { version: number; to: string }[] }> {
  coord.dispatch({ type: 'markAnswered', requestIds: answeredRequestIds(view.state()) });
  const logged: TrainingRequested[] = [];
  const tail = await startTail({ kafka, codec, log, name: 'trainer-requests-replay', topics: [tailOf(cfg.topics.trainingRequests, TRAINING_REQUESTED, (r) => logged.push(r))] });
  await tail.sync();
  await tail.stop();
  let lastThreshold: string | null = null;
  let lastScheduled: number | null = null;
  const decayed: { version: number; to: string }[] = [];
  for (const r of logged) {
    const d = r.trigger === 'decay' ? parseDecayRequestId(r.requestId) : null;
    if (d) decayed.push(d);
    if (r.trigger === 'threshold' && r.cutoffWeek && (!lastThreshold || r.cutoffWeek > lastThreshold)) lastThreshold = r.cutoffWeek;
    if (r.trigger === 'schedule' && (lastScheduled === null || r.requestedAt > lastScheduled)) lastScheduled = r.requestedAt;
    coord.dispatch({ type: 'request', request: r });
  }
  if (coord.state.pending.length > 0) log.info(`recovering ${coord.state.pending.length} unanswered request(s) from the log`);
  return { lastThreshold, lastScheduled, decayed };
}

/** Runs one training at a time from the coordinator's queue and keeps the outcomes of this process's runs. */
class RunPump {
  readonly outcomes: RunOutcome[] = [];
  current: Promise<void> | null = null;
  stopping = false;
  private readonly listeners = new Set<(o: RunOutcome) => void>();

  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly coord: Coordinator, private readonly ctx: RunContext, private readonly log: Logger, private readonly publish: (r: TrainingRequested) => Promise<void>) {}

  /** A failed run's requests are asked again after a backoff (domain/training/retry.ts), through the log like any request. */
  private retryFailed(requests: readonly TrainingRequested[], reason: string): void {
    const { retries, retryBackoffMs } = this.ctx.cfg.trainer;
    for (const r of requests) {
      const next = retryOf(r, reason, retries, retryBackoffMs, Date.now());
      if (!next) {
        this.log.warn(`request ${r.requestId} failed and has no retries left`);
        continue;
      }
      this.log.info(`request ${r.requestId} failed; asking again as ${next.request.requestId} in ${Math.round(next.waitMs / 1000)} s`);
      const t = setTimeout(() => {
        this.retryTimers.delete(t);
        if (this.stopping) return;
        this.publish({ ...next.request, requestedAt: Date.now() }).catch((err: unknown) => this.log.error(`retry of ${r.requestId} not requested: ${messageOf(err)}`));
      }, next.waitMs);
      t.unref();
      this.retryTimers.add(t);
    }
  }

  /** Cancels the retries not asked yet (they are asked again only by a failure after the next start). */
  cancelRetries(): void {
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
  }

  /** Starts the next run when none is going and one is pending. */
  pump(): void {
    if (this.stopping || this.current) return;
    const runId = randomUUID();
    const started = this.coord.dispatch({ type: 'start', runId }).find((e) => e.type === 'runStarted');
    if (!started || started.type !== 'runStarted') return;
    this.current = executeRun(planRun(started.requests), this.ctx, runId)
      .then((o) => {
        this.outcomes.push(o);
        for (const l of this.listeners) l(o);
        if (o.trained.decision === 'failed') this.retryFailed(started.requests, o.trained.decisionReason);
      })
      .catch((err: unknown) => this.log.error(`run ${runId} could not be recorded (its requests stay unanswered in the log and run at the next start): ${messageOf(err)}`))
      .finally(() => {
        this.coord.dispatch({ type: 'finish', runId });
        this.current = null;
        this.pump();
      });
  }

  waitFor(pred: (o: RunOutcome) => boolean, timeoutMs: number): Promise<RunOutcome> {
    const found = this.outcomes.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(l);
        reject(new AppError('TIMEOUT', `no matching training run within ${timeoutMs} ms`, { retriable: true }));
      }, timeoutMs);
      const l = (o: RunOutcome) => {
        if (!pred(o)) return;
        clearTimeout(timer);
        this.listeners.delete(l);
        resolve(o);
      };
      this.listeners.add(l);
    });
  }
}

/** The request consumer: every request on the log goes to the coordinator (a refused one to the dead-letter topic), then the pump runs. */
async function consumeRequests(cfg: Readonly<Config>, kafka: Kafka, codec: AvroCodec, groupId: string, coord: Coordinator, pump: RunPump, log: Logger): Promise<{ consumer: RunningConsumer; dead: DeadLetters }> {
  const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, groupId);
  const consumer = await runBuffered({
    kafka,
    groupId,
    topics: [cfg.topics.trainingRequests],
    fromBeginning: true,
    flushMs: 100,
    log: log.child('requests'),
    sink: async (batch) => {
      for (const d of batch) {
        let r: TrainingRequested;
        try {
          r = await codec.decode(TRAINING_REQUESTED, d.value);
        } catch (err) {
          if (err instanceof AppError && err.retriable) throw err;
          log.warn(`dead-lettering unreadable request ${d.topic}/${d.partition}@${d.offset}: ${messageOf(err)}`);
          await dead.send(d, messageOf(err));
          continue;
        }
        for (const e of coord.dispatch({ type: 'request', request: r })) {
          if (e.type !== 'requestQueued') continue;
          log.info(`request ${r.requestId} (${r.trigger}) queued: ${r.reason}`);
          publishTraining({ type: 'requested', requestId: r.requestId, trigger: r.trigger, reason: r.reason, at: r.requestedAt });
        }
      }
      pump.pump();
    },
  });
  return { consumer, dead };
}

/** The schedule's paused/resumed state, followed from `training.schedule` (caught up before the scheduler starts). */
async function followSchedule(cfg: Readonly<Config>, kafka: Kafka, codec: AvroCodec, log: Logger): Promise<{ state(): ScheduleState; stop(): Promise<void> }> {
  let state = initialSchedule;
  const tail = await startTail({
    kafka,
    codec,
    log,
    name: 'trainer-schedule',
    topics: [
      tailOf(cfg.topics.trainingSchedule, SCHEDULE_CHANGED, (e) => {
        state = evolveSchedule(state, e);
        log.info(`schedule ${e.action} by ${e.changedBy}${e.reason ? `: ${e.reason}` : ''}`);
      }),
    ],
  });
  await tail.sync();
  return { state: () => state, stop: () => tail.stop() };
}

/** The cron trigger (after catching up a tick missed while down) and the threshold watcher, as the options ask. */
async function startTriggers(d: {
  cfg: Readonly<Config>;
  opts: TrainerOptions;
  kafka: Kafka;
  codec: AvroCodec;
  ch: ClickHouseClient;
  publisher: EventPublisher;
  view: RegistryView;
  log: Logger;
  prefix: string;
  lastThreshold: string | null;
  lastScheduled: number | null;
  paused: () => boolean;
  admin: Admin;
  gates: { threshold: GateReporter; schedule: GateReporter };
  stopped: () => boolean;
}): Promise<{ scheduler: Scheduler | null; watcher: ThresholdWatcher | null }> {
  const { cfg, opts, publisher, log } = d;
  let scheduler: Scheduler | null = null;
  if (opts.schedule !== false) {
    // a tick asks only once the materialized view has caught up with the log (a backfill or a replay makes it wait); its id stays the tick's
    const whenReady = async (r: TrainingRequested) => {
      const gate = () => checkDataGate(d.admin, cfg.topics.sales, cfg.materializer.groupId);
      const waited = await waitForGate(gate, d.gates.schedule, `tick ${new Date(r.requestedAt).toISOString()} not requested yet`, d.stopped);
      if (waited === null) return;
      await publisher.trainingRequested(waited >= 1000 ? { ...r, reason: `${r.reason}; waited ${Math.round(waited / 1000)} s for the sales log to be materialized` } : r);
    };
    const missed = missedTick(cfg.trainer.cron, Date.now(), d.lastScheduled, { ...initialSchedule, paused: d.paused() });
    if (missed !== null) {
      log.info(`schedule: catching up the tick missed while the trainer was down (${new Date(missed).toISOString()})`);
      void whenReady(scheduledRequest(cfg.trainer.cron, missed)).catch((err: unknown) => log.error(`schedule: the missed tick was not requested: ${messageOf(err)}`));
    }
    scheduler = startScheduler(cfg.trainer.cron, whenReady, log.child('schedule'), Date.now, d.paused);
  }
  const watcher: ThresholdWatcher | null =
    opts.threshold === false
      ? null
      : await startThresholdWatcher({
          cfg,
          kafka: d.kafka,
          admin: d.admin,
          codec: d.codec,
          ch: d.ch,
          gate: d.gates.threshold,
          publisher,
          view: d.view,
          log: log.child('threshold'),
          groupId: `${d.prefix}-threshold`,
          firedWeek: d.lastThreshold,
          ...(opts.thresholdMinWeeks !== undefined ? { minWeeks: opts.thresholdMinWeeks } : {}),
        });
  return { scheduler, watcher };
}

/** Starts the trainer in-process (topics and contracts are ensured first). */
export async function startTrainer(cfg: Readonly<Config>, opts: TrainerOptions = {}): Promise<TrainerService> {
  const log = opts.log ?? createLogger('trainer');
  const prefix = opts.groupPrefix ?? `trainer:${cfg.topics.trainingRequests}`;
  const codec = await bootstrapContracts(cfg);
  const kafka: Kafka = createKafka(cfg, 'trainer');
  const admin: Admin = kafka.admin();
  await admin.connect();
  const ch: ClickHouseClient = createClickhouse(cfg);
  const publisher = await EventPublisher.connect(kafka, codec, cfg.topics);
  const view: RegistryView = await startRegistryView(kafka, codec, cfg.topics, log.child('registry'));
  const relay: RunningRelay | null = opts.relayLog === false ? null : await startTrainingLogRelay({ kafka, topic: cfg.topics.trainingLog, log: log.child('log-relay') });

  const coord = new Coordinator();
  const offView = view.onChange((st) => coord.dispatch({ type: 'markAnswered', requestIds: answeredRequestIds(st) }));
  const { lastThreshold, lastScheduled, decayed } = await recoverFromLog(cfg, kafka, codec, view, coord, log);
  const schedule = await followSchedule(cfg, kafka, codec, log);
  const ctx: RunContext = {
    cfg,
    kafka,
    admin,
    ch,
    publisher,
    view,
    log: log.child('run'),
    cacheDir: opts.cacheDir ?? join(cfg.stackDir, 'artifacts-cache'),
    ...(opts.materializerWaitMs !== undefined ? { materializerWaitMs: opts.materializerWaitMs } : {}),
    ...(opts.xgb ? { xgb: opts.xgb } : {}),
  };
  const pump = new RunPump(coord, ctx, log, (r) => publisher.trainingRequested(r));
  const { consumer, dead } = await consumeRequests(cfg, kafka, codec, `${prefix}-requests`, coord, pump, log);
  pump.pump();

  const backtests: BacktestWorker | null = opts.backtests === false ? null : await startBacktestWorker({ cfg, kafka, codec, log: log.child('backtest') });
  // what a trigger's gate says goes to the log and, relayed on training.log, to the dashboard's Components panel
  const say = (s: TriggerGateStatus, text: string) => {
    log.info(text);
    publishTraining({ type: 'trigger', trigger: s.trigger, waiting: s.waiting, reason: text, at: Date.now() });
  };
  const gates = { threshold: new GateReporter('threshold', say), schedule: new GateReporter('schedule', say), decay: new GateReporter('decay', say) };
  const { scheduler, watcher } = await startTriggers({
    cfg, opts, kafka, codec, ch, publisher, view, log, prefix, lastThreshold, lastScheduled, admin, gates,
    paused: () => schedule.state().paused,
    stopped: () => pump.stopping,
  });
  const decay: DecayWatcher | null =
    opts.decay === false
      ? null
      : startDecayWatcher({ cfg, admin, ch, publisher, view, log: log.child('decay'), gate: gates.decay, policy: cfg.trainer.decay, logged: decayed, ...(opts.decayEveryMs ? { everyMs: opts.decayEveryMs } : {}) });

  return {
    coordinator: () => coord.state,
    registry: () => view.state(),
    async request(r) {
      const req = newRequest(r);
      await publisher.trainingRequested(req);
      return req;
    },
    runs: () => pump.outcomes,
    triggers: () => [gates.threshold.status(), gates.schedule.status(), gates.decay.status()],
    decay: () => decay?.status() ?? null,
    waitForRun: (pred, timeoutMs = 120_000) => pump.waitFor(pred, timeoutMs),
    done: Promise.all([consumer.done, watcher?.done]).then(() => undefined),
    async stop() {
      if (pump.stopping) return;
      pump.stopping = true;
      scheduler?.stop();
      await decay?.stop();
      pump.cancelRetries();
      offView();
      await Promise.allSettled([watcher?.stop(), consumer.stop(), backtests?.stop(opts.stopTimeoutMs)]);
      if (pump.current) {
        log.info('waiting for the run in progress to be recorded');
        await Promise.race([pump.current, new Promise((r) => setTimeout(r, opts.stopTimeoutMs ?? 120_000).unref())]);
      }
      await Promise.allSettled([view.stop(), publisher.disconnect(), relay?.stop(), dead.disconnect(), schedule.stop()]);
      await Promise.allSettled([admin.disconnect(), ch.close()]);
    },
  };
}
