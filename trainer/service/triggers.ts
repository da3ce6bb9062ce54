/**
 * The trainer's three triggers, as the options ask: the cron schedule
 * (paused and resumed from `training.schedule`; a tick missed while the
 * trainer was down is caught up), the threshold watcher and the decay
 * watcher. Each decides only through the data gate, whose verdicts go to
 * the log and, relayed on training.log, to the dashboard's Components panel.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import type { Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import { startTail, tailOf } from '../../lib/kafka/topic-tail.js';
import type { Logger } from '../../lib/log.js';
import type { TrainingRequested } from '../../schemas/types.js';
import { SCHEDULE_CHANGED } from '../../domain/contracts.js';
import type { RegistryView } from '../../domain/registry/io/view.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import type { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { evolveSchedule, initialSchedule, missedTick, scheduledRequest, type ScheduleState } from '../../domain/training/schedule.js';
import { checkDataGate, GateReporter, waitForGate, type TriggerGateStatus } from '../triggers/data-gate.js';
import { startDecayWatcher, type DecayStatus } from '../triggers/decay-watcher.js';
import { startScheduler, type Scheduler } from '../triggers/schedule.js';
import { startThresholdWatcher } from '../triggers/threshold-watcher.js';
import type { Recovered } from './requests.js';
import type { TrainerOptions } from './api.js';

export interface TriggerDeps {
  cfg: Readonly<Config>;
  opts: Pick<TrainerOptions, 'schedule' | 'threshold' | 'decay' | 'decayEveryMs' | 'thresholdMinWeeks'>;
  kafka: Kafka;
  admin: Admin;
  codec: AvroCodec;
  ch: ClickHouseClient;
  publisher: EventPublisher;
  view: RegistryView;
  log: Logger;
  /** the threshold watcher's group is `<prefix>-threshold` */
  prefix: string;
  /** what the request log says was already asked */
  recovered: Recovered;
  /** true once the trainer stops: a tick waiting for the gate gives up */
  stopped: () => boolean;
}

export interface Triggers {
  /** Whether each trigger (threshold, schedule, decay) is waiting for the data to be materialized, and why. */
  status(): TriggerGateStatus[];
  decay(): DecayStatus | null;
  /** Rejects when the threshold watcher's consumer dies for good. */
  done: Promise<void>;
  stop(): Promise<void>;
}

export async function startTriggers(d: TriggerDeps): Promise<Triggers> {
  const { cfg, opts, log } = d;
  // what a trigger's gate says goes to the log and, relayed on training.log, to the dashboard's Components panel
  const say = (s: TriggerGateStatus, text: string) => {
    log.info(text);
    publishTraining({ type: 'trigger', trigger: s.trigger, waiting: s.waiting, reason: text, at: Date.now() });
  };
  const gates = { threshold: new GateReporter('threshold', say), schedule: new GateReporter('schedule', say), decay: new GateReporter('decay', say) };
  const schedule = await followSchedule(cfg, d.kafka, d.codec, log);
  const scheduler = opts.schedule === false ? null : startSchedule(d, gates.schedule, () => schedule.state().paused);
  const watcher =
    opts.threshold === false
      ? null
      : await startThresholdWatcher({
          cfg, kafka: d.kafka, admin: d.admin, codec: d.codec, ch: d.ch, gate: gates.threshold, publisher: d.publisher, view: d.view,
          log: log.child('threshold'), groupId: `${d.prefix}-threshold`, firedWeek: d.recovered.lastThreshold,
          ...(opts.thresholdMinWeeks !== undefined ? { minWeeks: opts.thresholdMinWeeks } : {}),
        });
  const decay =
    opts.decay === false
      ? null
      : startDecayWatcher({
          cfg, admin: d.admin, ch: d.ch, publisher: d.publisher, view: d.view, log: log.child('decay'), gate: gates.decay, policy: cfg.trainer.decay, logged: d.recovered.decayed,
          ...(opts.decayEveryMs ? { everyMs: opts.decayEveryMs } : {}),
        });
  return {
    status: () => [gates.threshold.status(), gates.schedule.status(), gates.decay.status()],
    decay: () => decay?.status() ?? null,
    done: watcher?.done ?? Promise.resolve(),
    async stop() {
      scheduler?.stop();
      await decay?.stop();
      await Promise.allSettled([watcher?.stop(), schedule.stop()]);
    },
  };
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

/** The cron trigger, after catching up a tick missed while the trainer was down. */
function startSchedule(d: TriggerDeps, gate: GateReporter, paused: () => boolean): Scheduler {
  const { cfg, log } = d;
  // a tick asks only once the materialized view has caught up with the log (a backfill or a replay makes it wait); its id stays the tick's
  const whenReady = async (r: TrainingRequested) => {
    const check = () => checkDataGate(d.admin, cfg.topics.sales, cfg.materializer.groupId);
    const waited = await waitForGate(check, gate, `tick ${new Date(r.requestedAt).toISOString()} not requested yet`, d.stopped);
    if (waited === null) return;
    await d.publisher.trainingRequested(waited >= 1000 ? { ...r, reason: `${r.reason}; waited ${Math.round(waited / 1000)} s for the sales log to be materialized` } : r);
  };
  const missed = missedTick(cfg.trainer.cron, Date.now(), d.recovered.lastScheduled, { ...initialSchedule, paused: paused() });
  if (missed !== null) {
    log.info(`schedule: catching up the tick missed while the trainer was down (${new Date(missed).toISOString()})`);
    void whenReady(scheduledRequest(cfg.trainer.cron, missed)).catch((err: unknown) => log.error(`schedule: the missed tick was not requested: ${messageOf(err)}`));
  }
  return startScheduler(cfg.trainer.cron, whenReady, log.child('schedule'), Date.now, paused);
}
