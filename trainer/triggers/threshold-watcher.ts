/**
 * Runs the threshold decider over `sales.weekly` through its own consumer
 * group. Start-up state comes from what is already known: the span of every
 * series from the projection, the champion's window from the registry view,
 * and the last threshold request from the request log; so a restart does not
 * fire again for data it already fired for. At most one request per check.
 * A batch's offsets may be committed before the request it leads to is
 * acknowledged: a restart decides again from the projection and the request
 * log, and the request id (basis, week) makes a repeat a no-op.
 *
 * A reached threshold fires only through the data gate (data-gate.ts): the
 * materializer and this watcher must both have passed the sales log's end
 * offsets as read at decision time (within a second). While they have not (a
 * backfill or a replay), the watcher waits, says so, and asks again, so the
 * request it finally sends names the whole data (its cut-off is the latest
 * week then known), not the part that had gone by when the share was met.
 * Batches only fold; a timer decides (every 300 ms while something is new),
 * so the consumer never waits on the gate.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { ident, rows, strLit } from '../../lib/clickhouse/client.js';
import type { Config } from '../../lib/config.js';
import { AppError, messageOf } from '../../lib/errors.js';
import { DeadLetters } from '../../lib/kafka/dead-letter.js';
import type { Logger } from '../../lib/log.js';
import { runBuffered, type Delivery } from '../../lib/kafka/runner.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import { seriesKey } from '../../schemas/types.js';
import { SALES_WEEK } from '../../domain/contracts.js';
import { SeriesGrid } from '../../domain/sales/grid.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import type { EventPublisher } from '../../domain/training/event-publisher.js';
import { championDataWeek } from '../../domain/registry/state.js';
import type { RegistryView } from '../../domain/registry/view.js';
import { decideThreshold, evolveThreshold, initialThresholdState, thresholdReason, type ThresholdEvent, type ThresholdState } from './threshold.js';
import { newRequest } from '../../domain/training/request.js';
import { checkDataGate, committedPositions, laterPositions, type GateReporter, type GateVerdict } from './data-gate.js';

export interface ThresholdWatcherOptions {
  cfg: Readonly<Config>;
  kafka: Kafka;
  admin: Admin;
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
  /** Says when the data gate makes a reached threshold wait, and when it opens. */
  gate: GateReporter;
  /** How often the watcher decides after new sales, and a waiting threshold asks the gate again (ms); default 300. */
  recheckMs?: number;
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
  const fraction = o.cfg.trainer.thresholdFraction;
  const topic = o.cfg.topics.sales;
  /** Next offset per partition this watcher has folded into `state` (its batch counts before the runner commits it). */
  const folded = new Map<number, number>();
  const gate = (): Promise<GateVerdict> =>
    checkDataGate(o.admin, topic, o.cfg.materializer.groupId, async () => [{ name: 'threshold watcher', next: laterPositions(await committedPositions(o.admin, o.groupId, topic), folded) }]);

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

  // the batch handler and the firing step never interleave: both read and write `state`
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  };
  const decide = () => decideThreshold({ type: 'check', fraction, minWeeks, weeks: o.cfg.trainer.thresholdWeeks }, state);

  /**
   * Decides on `state` when the gate is open, else leaves the decision
   * pending. The gate is read outside the lock, so batches keep folding into
   * `state` (and moving this watcher's position) while it settles; the
   * decision is then taken again on the state that covers the gate's ends.
   */
  let pending = true; // one check at start: a threshold reached before a restart is decided without waiting for new sales
  const check = async () => {
    const reached = decide();
    if (reached.length === 0) {
      pending = false;
      o.gate.open();
      return;
    }
    const verdict = await gate().catch((err: unknown): GateVerdict => ({ open: false, behind: {}, reason: `waiting: the log's offsets could not be read (${messageOf(err)})` }));
    if (!verdict.open) {
      const e = reached[0]!;
      o.gate.waiting(verdict, `threshold reached (${e.type === 'thresholdReached' ? thresholdReason(e, fraction) : ''}) but not decided yet`);
      return;
    }
    o.gate.open();
    await exclusive(async () => {
      for (const e of decide()) {
        await fire(e, fraction);
        state = evolveThreshold(state, e);
      }
      pending = false;
    });
  };

  const sink = async (batch: Delivery[]) =>
    exclusive(async () => {
      const weeks: { key: string; week: string }[] = [];
      const next = new Map<number, number>();
      for (const d of batch) {
        next.set(d.partition, Math.max(next.get(d.partition) ?? -1, Number(d.offset) + 1));
        try {
          const e = grid.check(await o.codec.decode(SALES_WEEK, d.value));
          weeks.push({ key: seriesKey(e.store, e.dept), week: e.week });
        } catch (err) {
          // refused exactly as the materializer refuses it, so it never counts towards a threshold
          if (err instanceof AppError && err.retriable) throw err;
          await dead.send(d, messageOf(err));
        }
      }
      state = evolveThreshold(state, { type: 'weeksObserved', weeks });
      for (const [p, off] of next) if (off > (folded.get(p) ?? -1)) folded.set(p, off);
      // decided by the check loop, not here: the batch's offsets are committed at once, and a restart decides again from the projection
      pending = true;
    });
  let checking = false;
  const timer = setInterval(() => {
    if (!pending || checking) return;
    checking = true;
    check()
      .catch((err: unknown) => o.log.warn(`threshold: check failed, tried again in ${o.recheckMs ?? 300} ms: ${messageOf(err)}`))
      .finally(() => (checking = false));
  }, o.recheckMs ?? 300);
  timer.unref();

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
      clearInterval(timer);
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
