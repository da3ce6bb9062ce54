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
import type { Config } from '../lib/config.js';
import { createClickhouse } from '../lib/clickhouse.js';
import { AppError, messageOf } from '../lib/errors.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger, type Logger } from '../lib/log.js';
import { runBuffered, type RunningConsumer } from '../lib/runner.js';
import type { TrainingRequested } from '../schemas/types.js';
import { bootstrapContracts } from '../lib/bootstrap.js';
import { publishTraining } from '../domain/training/diagnostics.js';
import { EventPublisher } from '../domain/training/event-publisher.js';
import { answeredRequestIds, type RegistryState } from '../domain/registry/state.js';
import { startRegistryView, type RegistryView } from '../domain/registry/view.js';
import { startScheduler, type Scheduler } from './schedule.js';
import { startThresholdWatcher, type ThresholdWatcher } from './threshold-watcher.js';
import { startTrainingLogRelay, type RunningRelay } from './training-log-relay.js';
import { startTail, tailOf } from '../lib/topic-tail.js';
import { DeadLetters } from '../lib/dead-letter.js';
import { TRAINING_REQUESTED } from '../domain/contracts.js';
import { handleCoordinator, initialCoordinatorState, type CoordinatorCommand, type CoordinatorState } from './training-coordinator.js';
import { newRequest, planRun, type NewRequest } from '../domain/training/request.js';
import { executeRun, type RunContext, type RunOutcome } from './training-run.js';

export interface TrainerOptions {
  /** Consumer group prefix: `<prefix>-requests`, `<prefix>-threshold`. Default `trainer:<training requests topic>`, so trainers of different topic sets never share a group. */
  groupPrefix?: string;
  /** Run the cron trigger (default true). */
  schedule?: boolean;
  /** Run the threshold watcher (default true). */
  threshold?: boolean;
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
}

export interface TrainerService {
  coordinator(): CoordinatorState;
  registry(): RegistryState;
  /** Publishes a training request on the log (it comes back through the consumer like any other). */
  request(r: NewRequest): Promise<TrainingRequested>;
  /** Outcomes of the runs this process finished, oldest first. */
  runs(): readonly RunOutcome[];
  /** Resolves with the first finished run (past or future) matching `pred`; rejects after `timeoutMs` (default 120 s). */
  waitForRun(pred: (o: RunOutcome) => boolean, timeoutMs?: number): Promise<RunOutcome>;
  /** Stops triggers and the consumer, waits for a run in progress, disconnects. */
  stop(): Promise<void>;
  /** Rejects when the request consumer dies for good. */
  done: Promise<void>;
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

  let coord = initialCoordinatorState;
  const dispatch = (cmd: CoordinatorCommand) => {
    const r = handleCoordinator(coord, cmd);
    coord = r.state;
    return r.events;
  };
  dispatch({ type: 'markAnswered', requestIds: answeredRequestIds(view.state()) });
  const offView = view.onChange((s) => dispatch({ type: 'markAnswered', requestIds: answeredRequestIds(s) }));

  // Read the request log once: unanswered requests run now; the last threshold request seeds the watcher.
  const logged: TrainingRequested[] = [];
  const tail = await startTail({ kafka, codec, log, name: 'trainer-requests-replay', topics: [tailOf(cfg.topics.trainingRequests, TRAINING_REQUESTED, (r) => logged.push(r))] });
  await tail.sync();
  await tail.stop();
  let lastThreshold: string | null = null;
  for (const r of logged) {
    if (r.trigger === 'threshold' && r.cutoffWeek && (!lastThreshold || r.cutoffWeek > lastThreshold)) lastThreshold = r.cutoffWeek;
    dispatch({ type: 'request', request: r });
  }
  if (coord.pending.length > 0) log.info(`recovering ${coord.pending.length} unanswered request(s) from the log`);

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
  const outcomes: RunOutcome[] = [];
  const listeners = new Set<(o: RunOutcome) => void>();
  let current: Promise<void> | null = null;
  let stopping = false;

  const pump = () => {
    if (stopping || current) return;
    const runId = randomUUID();
    const started = dispatch({ type: 'start', runId }).find((e) => e.type === 'runStarted');
    if (!started || started.type !== 'runStarted') return;
    current = executeRun(planRun(started.requests), ctx, runId)
      .then((o) => {
        outcomes.push(o);
        for (const l of listeners) l(o);
      })
      .catch((err: unknown) => log.error(`run ${runId} could not be recorded (its requests stay unanswered in the log and run at the next start): ${messageOf(err)}`))
      .finally(() => {
        dispatch({ type: 'finish', runId });
        current = null;
        pump();
      });
  };

  const dead = await DeadLetters.connect(kafka, cfg.topics.deadLetter, `${prefix}-requests`);
  const consumer: RunningConsumer = await runBuffered({
    kafka,
    groupId: `${prefix}-requests`,
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
        for (const e of dispatch({ type: 'request', request: r })) {
          if (e.type === 'requestQueued') {
            log.info(`request ${r.requestId} (${r.trigger}) queued: ${r.reason}`);
            publishTraining({ type: 'requested', requestId: r.requestId, trigger: r.trigger, reason: r.reason, at: r.requestedAt });
          }
        }
      }
      pump();
    },
  });
  pump();

  const scheduler: Scheduler | null = opts.schedule === false ? null : startScheduler(cfg.trainer.cron, (r) => publisher.trainingRequested(r), log.child('schedule'));
  const watcher: ThresholdWatcher | null =
    opts.threshold === false
      ? null
      : await startThresholdWatcher({
          cfg,
          kafka,
          codec,
          ch,
          publisher,
          view,
          log: log.child('threshold'),
          groupId: `${prefix}-threshold`,
          firedWeek: lastThreshold,
          ...(opts.thresholdMinWeeks !== undefined ? { minWeeks: opts.thresholdMinWeeks } : {}),
        });

  return {
    coordinator: () => coord,
    registry: () => view.state(),
    async request(r) {
      const req = newRequest(r);
      await publisher.trainingRequested(req);
      return req;
    },
    runs: () => outcomes,
    waitForRun(pred, timeoutMs = 120_000) {
      const found = outcomes.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(l);
          reject(new AppError('TIMEOUT', `no matching training run within ${timeoutMs} ms`, { retriable: true }));
        }, timeoutMs);
        const l = (o: RunOutcome) => {
          if (!pred(o)) return;
          clearTimeout(timer);
          listeners.delete(l);
          resolve(o);
        };
        listeners.add(l);
      });
    },
    done: Promise.all([consumer.done, watcher?.done]).then(() => undefined),
    async stop() {
      if (stopping) return;
      stopping = true;
      scheduler?.stop();
      offView();
      await Promise.allSettled([watcher?.stop(), consumer.stop()]);
      if (current) {
        log.info('waiting for the run in progress to be recorded');
        await Promise.race([current, new Promise((r) => setTimeout(r, opts.stopTimeoutMs ?? 120_000).unref())]);
      }
      await Promise.allSettled([view.stop(), publisher.disconnect(), relay?.stop(), dead.disconnect()]);
      await Promise.allSettled([admin.disconnect(), ch.close()]);
    },
  };
}
