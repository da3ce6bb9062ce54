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
import { messageOf } from '../../lib/errors.js';
import { DeadLetters } from '../../lib/kafka/dead-letter.js';
import type { Logger } from '../../lib/log.js';
import { runBuffered } from '../../lib/kafka/runner.js';
import type { Delivery } from '../../lib/kafka/delivery.js';
import { handlerSink, on } from '../../lib/projection/handler-sink.js';
import { eventsOrThrow, foldAll } from '../../domain/decider.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import { seriesKey } from '../../schemas/types.js';
import { SALES_WEEK } from '../../domain/contracts.js';
import { SeriesGrid } from '../../domain/sales/grid.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import type { EventPublisher } from '../../domain/training/io/event-publisher.js';
import { championDataWeek } from '../../domain/registry/state.js';
import type { RegistryView } from '../../domain/registry/io/view.js';
import { thresholdDecider, thresholdReason, type ThresholdEvent, type ThresholdState } from './threshold.js';
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
  const spans = await seriesSpans(o.ch, o.cfg.clickhouse.database);
  const w = new Watcher(o, seed(o, spans));
  const unsubscribe = o.view.onChange((s) => w.championChanged(championDataWeek(s)));
  o.log.info(`threshold: ${w.state.series.size} series known, champion window ${w.state.championWeek ?? '-'}, last fired ${w.state.firedWeek ?? '-'}`);
  const grid = new SeriesGrid();
  for (const s of spans) grid.seed(s.store, s.dept, s.first);
  const dead = await DeadLetters.connect(o.kafka, o.cfg.topics.deadLetter, o.groupId);
  // the one consumer edge: refused exactly as the materializer refuses it (contract, then the series' grid), so it never counts towards a threshold
  let weeks: { key: string; week: string }[] = [];
  const edge = handlerSink({ codec: o.codec, deadLetters: dead }, {
    [o.cfg.topics.sales]: on(SALES_WEEK, (event) => {
      const e = grid.check(event);
      weeks.push({ key: seriesKey(e.store, e.dept), week: e.week });
    }),
  });
  const sink = (batch: Delivery[]) =>
    w.exclusive(async () => {
      weeks = [];
      await edge(batch);
      w.folded(batch, weeks);
    });
  const timer = w.startChecking(o.recheckMs ?? 300);
  const running = await runBuffered({ kafka: o.kafka, groupId: o.groupId, topics: [o.cfg.topics.sales], fromBeginning: true, flushRows: 50_000, flushMs: 300, sink, log: o.log });
  return {
    state: () => w.state,
    done: running.done,
    async stop() {
      clearInterval(timer);
      unsubscribe();
      await running.stop();
      await dead.disconnect();
    },
  };
}

/** The state at start: every series' span from the projection, the champion's window, the last request fired. */
function seed(o: ThresholdWatcherOptions, spans: readonly { store: number; dept: number; first: string; latest: string }[]): ThresholdState {
  const known: ThresholdEvent[] = [
    { type: 'weeksObserved', weeks: spans.flatMap((s) => [{ key: seriesKey(s.store, s.dept), week: s.first }, { key: seriesKey(s.store, s.dept), week: s.latest }]) },
    { type: 'championChanged', dataWeek: championDataWeek(o.view.state()) },
  ];
  if (o.firedWeek) known.push({ type: 'thresholdReached', dataWeek: o.firedWeek, basis: null, advanced: 0, total: 0, share: 0 });
  return foldAll(thresholdDecider, known);
}

/** The decider's state, folded from batches and decided on by a timer; the two never interleave (`exclusive`). */
class Watcher {
  /** Next offset per partition folded into `state` (its batch counts before the runner commits it). */
  private readonly positions = new Map<number, number>();
  /** One check at start: a threshold reached before a restart is decided without waiting for new sales. */
  private pending = true;
  private lock: Promise<unknown> = Promise.resolve();
  private readonly fraction: number;
  private readonly minWeeks: number;

  constructor(private readonly o: ThresholdWatcherOptions, public state: ThresholdState) {
    this.fraction = o.cfg.trainer.thresholdFraction;
    this.minWeeks = o.minWeeks ?? 52 + o.cfg.trainer.holdoutWeeks;
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  championChanged(week: string | null): void {
    if (week !== this.state.championWeek) this.state = thresholdDecider.evolve(this.state, { type: 'championChanged', dataWeek: week });
  }

  /** A batch's weeks folded in; decided by the check loop, not here: the batch's offsets are committed at once, and a restart decides again from the projection. */
  folded(batch: readonly Delivery[], weeks: { key: string; week: string }[]): void {
    this.state = thresholdDecider.evolve(this.state, { type: 'weeksObserved', weeks });
    for (const d of batch) {
      const next = Number(d.offset) + 1;
      if (next > (this.positions.get(d.partition) ?? -1)) this.positions.set(d.partition, next);
    }
    this.pending = true;
  }

  /** Checks every `everyMs` while something is new (or a reached threshold waits for the gate). */
  startChecking(everyMs: number): NodeJS.Timeout {
    let checking = false;
    const timer = setInterval(() => {
      if (!this.pending || checking) return;
      checking = true;
      this.check()
        .catch((err: unknown) => this.o.log.warn(`threshold: check failed, tried again in ${everyMs} ms: ${messageOf(err)}`))
        .finally(() => (checking = false));
    }, everyMs);
    timer.unref();
    return timer;
  }

  private decide(): ThresholdEvent[] {
    return eventsOrThrow(thresholdDecider.decide({ type: 'check', fraction: this.fraction, minWeeks: this.minWeeks, weeks: this.o.cfg.trainer.thresholdWeeks }, this.state)) as ThresholdEvent[];
  }

  private gate(): Promise<GateVerdict> {
    const { admin, cfg, groupId } = this.o;
    const topic = cfg.topics.sales;
    return checkDataGate(admin, topic, cfg.materializer.groupId, async () => [{ name: 'threshold watcher', next: laterPositions(await committedPositions(admin, groupId, topic), this.positions) }]);
  }

  /**
   * Decides on `state` when the gate is open, else leaves the decision
   * pending. The gate is read outside the lock, so batches keep folding into
   * `state` (and moving this watcher's position) while it settles; the
   * decision is then taken again on the state that covers the gate's ends.
   */
  private async check(): Promise<void> {
    const reached = this.decide();
    if (reached.length === 0) {
      this.pending = false;
      this.o.gate.open();
      return;
    }
    const verdict = await this.gate().catch((err: unknown): GateVerdict => ({ open: false, behind: {}, reason: `waiting: the log's offsets could not be read (${messageOf(err)})` }));
    if (!verdict.open) {
      const e = reached[0]!;
      this.o.gate.waiting(verdict, `threshold reached (${e.type === 'thresholdReached' ? thresholdReason(e, this.fraction) : ''}) but not decided yet`);
      return;
    }
    this.o.gate.open();
    await this.exclusive(async () => {
      for (const e of this.decide()) {
        await this.fire(e);
        this.state = thresholdDecider.evolve(this.state, e);
      }
      this.pending = false;
    });
  }

  private async fire(e: ThresholdEvent): Promise<void> {
    if (e.type !== 'thresholdReached') return;
    const req = newRequest({
      trigger: 'threshold',
      reason: thresholdReason(e, this.fraction),
      requestedBy: 'threshold-watcher',
      cutoffWeek: e.dataWeek,
      // the same crossing gives the same id, so a redelivered batch cannot make a second run
      requestId: `threshold-${e.basis ?? 'first'}-${e.dataWeek}`,
    });
    await this.o.publisher.trainingRequested(req);
    this.o.log.info(`threshold: requested training: ${req.reason}`);
    publishTraining({ type: 'requested', requestId: req.requestId, trigger: req.trigger, reason: req.reason, at: req.requestedAt });
  }
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
