/**
 * Runs the threshold decider over `sales.weekly` through its own consumer
 * group. Start-up state comes from what is already known: the span of every
 * series from the projection, the champion's window from the registry view,
 * and the last threshold request from the request log; so a restart does not
 * fire again for data it already fired for. One check per consumed batch,
 * at most one request per check; the request is acknowledged before the
 * batch's offsets are committed.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../lib/avro.js';
import { ident, rows, strLit } from '../lib/clickhouse.js';
import type { Config } from '../lib/config.js';
import { AppError, messageOf } from '../lib/errors.js';
import { DeadLetters } from '../lib/dead-letter.js';
import type { Logger } from '../lib/log.js';
import { runBuffered, type Delivery } from '../lib/runner.js';
import { SALES_TABLE } from '../domain/sales/table.js';
import { seriesKey } from '../schemas/types.js';
import { SALES_WEEK } from '../domain/contracts.js';
import { SeriesGrid } from '../domain/sales/grid.js';
import { publishTraining } from '../domain/training/diagnostics.js';
import type { EventPublisher } from '../domain/training/event-publisher.js';
import { championDataWeek } from '../domain/registry/state.js';
import type { RegistryView } from '../domain/registry/view.js';
import { decideThreshold, evolveThreshold, initialThresholdState, thresholdReason, type ThresholdEvent, type ThresholdState } from './threshold.js';
import { newRequest } from '../domain/training/request.js';

export interface ThresholdWatcherOptions {
  cfg: Readonly<Config>;
  kafka: Kafka;
  codec: AvroCodec;
  ch: ClickHouseClient;
  publisher: EventPublisher;
  view: RegistryView;
  log: Logger;
  groupId: string;
  /** Data week of the last threshold request in the log (null when none). */
  firedWeek: string | null;
  /** History a series needs before the first model; default 52 + holdout weeks. */
  minWeeks?: number;
}

export interface ThresholdWatcher {
  state(): ThresholdState;
  stop(): Promise<void>;
  done: Promise<void>;
}

/** Starts the watcher (seeded, subscribed, consuming). */
export async function startThresholdWatcher(o: ThresholdWatcherOptions): Promise<ThresholdWatcher> {
  const minWeeks = o.minWeeks ?? 52 + o.cfg.trainer.holdoutWeeks;
  const spans = await seriesSpans(o.ch, o.cfg.clickhouse.database);
  let state = evolveThreshold(initialThresholdState, {
    type: 'weeksObserved',
    weeks: spans.flatMap((s) => [{ key: seriesKey(s.store, s.dept), week: s.first }, { key: seriesKey(s.store, s.dept), week: s.latest }]),
  });
  state = evolveThreshold(state, { type: 'championChanged', dataWeek: championDataWeek(o.view.state()) });
  if (o.firedWeek) state = evolveThreshold(state, { type: 'thresholdReached', dataWeek: o.firedWeek, basis: null, advanced: 0, total: 0, share: 0 });
  const unsubscribe = o.view.onChange((s) => {
    const week = championDataWeek(s);
    if (week !== state.championWeek) state = evolveThreshold(state, { type: 'championChanged', dataWeek: week });
  });
  o.log.info(`threshold: ${state.series.size} series known, champion window ${state.championWeek ?? '-'}, last fired ${state.firedWeek ?? '-'}`);

  const grid = new SeriesGrid();
  for (const s of spans) grid.seed(s.store, s.dept, s.first);
  const dead = await DeadLetters.connect(o.kafka, o.cfg.topics.deadLetter, o.groupId);
  const sink = async (batch: Delivery[]) => {
    const weeks: { key: string; week: string }[] = [];
    for (const d of batch) {
      try {
        const e = grid.check(await o.codec.decode(SALES_WEEK, d.value));
        weeks.push({ key: seriesKey(e.store, e.dept), week: e.week });
      } catch (err) {
        // refused exactly as the materializer refuses it, so it never counts towards a threshold
        if (err instanceof AppError && err.retriable) throw err;
        await dead.send(d, messageOf(err));
      }
    }
    let next = evolveThreshold(state, { type: 'weeksObserved', weeks });
    const fraction = o.cfg.trainer.thresholdFraction;
    for (const e of decideThreshold({ type: 'check', fraction, minWeeks, weeks: o.cfg.trainer.thresholdWeeks }, next)) {
      await fire(e, fraction);
      next = evolveThreshold(next, e);
    }
    state = next;
  };

  const fire = async (e: ThresholdEvent, fraction: number) => {
    if (e.type !== 'thresholdReached') return;
    const req = newRequest({
      trigger: 'threshold',
      reason: thresholdReason(e, fraction),
      requestedBy: 'threshold-watcher',
      cutoffWeek: e.dataWeek,
      // the same crossing gives the same id, so a redelivered batch cannot make a second run
      requestId: `threshold-${e.basis ?? 'first'}-${e.dataWeek}`,
    });
    await o.publisher.trainingRequested(req);
    o.log.info(`threshold: requested training: ${req.reason}`);
    publishTraining({ type: 'requested', requestId: req.requestId, trigger: req.trigger, reason: req.reason, at: req.requestedAt });
  };

  const running = await runBuffered({
    kafka: o.kafka,
    groupId: o.groupId,
    topics: [o.cfg.topics.sales],
    fromBeginning: true,
    flushRows: 50_000,
    flushMs: 300,
    sink,
    log: o.log,
  });
  return {
    state: () => state,
    done: running.done,
    async stop() {
      unsubscribe();
      await running.stop();
      await dead.disconnect();
    },
  };
}

/** First and latest week of every series in the projection ([] when it does not exist yet). */
async function seriesSpans(ch: ClickHouseClient, database: string): Promise<{ store: number; dept: number; first: string; latest: string }[]> {
  const db = ident(database, 'database');
  const exists = await rows<{ n: string }>(ch, `SELECT count() AS n FROM system.tables WHERE database = ${strLit(db)} AND name = ${strLit(SALES_TABLE)}`);
  if (Number(exists[0]?.n ?? 0) === 0) return [];
  const spans = await rows<{ store: number; dept: number; first: string; latest: string }>(
    ch,
    `SELECT store, dept, toString(min(week)) AS first, toString(max(week)) AS latest FROM ${db}.${SALES_TABLE} GROUP BY store, dept`,
  );
  return spans.map((s) => ({ ...s, store: Number(s.store), dept: Number(s.dept) }));
}
