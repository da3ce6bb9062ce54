/**
 * Runs the backtests queued for the trainer (a `backtest.requests` event
 * with runner "trainer", which the gateway writes for the dashboard), one at
 * a time, oldest first, under the id the request was given.
 *
 * Recovery comes from the log, as for training requests: both backtest
 * topics are followed from the beginning without committing, so at start a
 * queued request without a result (a crash mid-backtest) runs now, and one
 * with a result never runs twice. One trainer is assumed (as for training
 * requests); two would each run a queued backtest.
 */
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import type { Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { startTail, tailOf, type TopicTail } from '../../lib/kafka/topic-tail.js';
import type { BacktestRequested } from '../../schemas/types.js';
import { BACKTEST_FINISHED, BACKTEST_REQUESTED } from '../../domain/contracts.js';
import { parseRequest, type BacktestRequest } from '../../domain/backtest/request.js';
import { publishTraining } from '../../domain/training/diagnostics.js';
import { catchUpProjection } from '../../domain/backtest/io/projection/catch-up.js';
import { runBacktest, type BacktestProgress } from '../backtest/run.js';

/** The runner name a queued request carries. */
export const TRAINER_RUNNER = 'trainer';

export interface BacktestWorker {
  /** The backtest running now, if any. */
  current(): string | null;
  /** Stops following; waits up to `timeoutMs` (default 120 s) for a backtest in progress to be recorded. */
  stop(timeoutMs?: number): Promise<void>;
}

/** The request a queued event asks for, checked as the CLI's flags are (the event carries the merged XGBoost parameters). */
export function requestOf(e: BacktestRequested, defaultHorizon: number): BacktestRequest {
  return parseRequest(
    {
      ...(e.cutoffCount !== null ? { cutoffs: e.cutoffCount } : {}),
      ...(e.fromWeek !== null ? { from: e.fromWeek } : {}),
      ...(e.toWeek !== null ? { to: e.toWeek } : {}),
      horizon: e.horizon,
      refitEvery: e.refitEvery,
      params: e.params,
      series: e.series,
      reason: e.reason,
      requestedBy: e.requestedBy,
    },
    defaultHorizon,
  );
}

/** A progress line of a backtest for the training log (keyed by the backtest id, so the dashboard can follow it). */
function progressLine(id: string, p: BacktestProgress): string | null {
  if (p.phase === 'read') return p.done === p.total ? `backtest ${id}: read ${p.total} events` : null;
  return `backtest ${id}: cut-off ${p.index}/${p.total} ${p.cutoff}${p.refit ? `, refit on ${p.refit.trainRows} rows` : ''}`;
}

/** Runs one queued backtest, saying its start, progress and end on the training log; a failure is said and logged, never thrown. */
async function runQueued(cfg: Readonly<Config>, log: Logger, e: BacktestRequested): Promise<void> {
  const say = (msg: string) => publishTraining({ type: 'log', runId: e.backtestId, line: { type: 'log', msg } });
  try {
    const req = requestOf(e, cfg.trainer.horizon);
    say(`backtest ${e.backtestId} started (${e.reason})`);
    // the listing shows the request as running at once, not only when it ends
    await catchUpProjection(cfg, log);
    const onProgress = (p: BacktestProgress) => {
      const line = progressLine(e.backtestId, p);
      if (line) say(line);
    };
    const r = await runBacktest(cfg, req, { id: e.backtestId, log, onProgress });
    say(`backtest ${e.backtestId} finished: ${r.cutoffs.length} cut-offs, ${r.metrics.points} points`);
  } catch (err) {
    // runBacktest records a failed outcome itself; a request that does not parse is only logged (the gateway checked it)
    log.warn(`backtest ${e.backtestId} failed: ${messageOf(err)}`);
    say(`backtest ${e.backtestId} failed: ${messageOf(err)}`);
  }
}

/** Follows the backtest topics and runs what is queued for the trainer. */
export async function startBacktestWorker(deps: { cfg: Readonly<Config>; kafka: Kafka; codec: AvroCodec; log: Logger }): Promise<BacktestWorker> {
  const { cfg, log } = deps;
  const queued = new Map<string, BacktestRequested>();
  const done = new Set<string>();
  let running: string | null = null;
  let ready = false;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  const runOne = (e: BacktestRequested) => runQueued(cfg, log, e);
  const pump = () => {
    if (!ready || stopped || running) return;
    const next = [...queued.values()].find((e) => !done.has(e.backtestId));
    if (!next) return;
    running = next.backtestId;
    chain = runOne(next).finally(() => {
      done.add(next.backtestId);
      running = null;
      pump();
    });
  };
  const tail: TopicTail = await startTail({
    kafka: deps.kafka,
    codec: deps.codec,
    log: log.child('backtests'),
    name: 'trainer-backtests',
    topics: [
      tailOf(cfg.topics.backtestRequests, BACKTEST_REQUESTED, (e) => {
        if (e.runner === TRAINER_RUNNER && !queued.has(e.backtestId)) queued.set(e.backtestId, e);
        pump();
      }),
      tailOf(cfg.topics.backtestResults, BACKTEST_FINISHED, (e) => {
        done.add(e.backtestId);
        pump();
      }),
    ],
  });
  // the whole history first: a queued backtest whose result is later in the log must not run again
  await tail.sync();
  ready = true;
  pump();
  return {
    current: () => running,
    async stop(timeoutMs = 120_000) {
      stopped = true;
      await tail.stop();
      await Promise.race([chain, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
  };
}
