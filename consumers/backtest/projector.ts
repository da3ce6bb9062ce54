/**
 * Runs the backtest projection: `backtest.requests` and `backtest.results`
 * into ClickHouse through the shared runner (commit after write). Backtests
 * are rare, so the backtest command itself runs it after recording an
 * outcome and stops once caught up; a long-running host (the gateway, the
 * stack) can keep one running instead. Same group either way, so it resumes.
 */
import { AvroCodec } from '../../lib/avro.js';
import { createClickhouse } from '../../lib/clickhouse.js';
import type { Config } from '../../lib/config.js';
import { createKafka, ensureTopics, topicSpecs } from '../../lib/kafka.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { runBuffered, type RunningConsumer } from '../../lib/runner.js';
import { backtestSink } from './sink.js';
import { createBacktestTables } from '../../domain/backtest/projection/tables.js';

export interface BacktestProjector {
  running: RunningConsumer;
  /** Resolves true once everything on both topics when called is written, false after `timeoutMs` (default 30 s). */
  caughtUp(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts the projector; group id default `backtest-projector:<database>` (a new group replays from the beginning). */
export async function startBacktestProjector(cfg: Readonly<Config>, opts: { groupId?: string; log?: Logger } = {}): Promise<BacktestProjector> {
  const log = opts.log ?? createLogger('backtest-projector');
  const groupId = opts.groupId ?? `backtest-projector:${cfg.clickhouse.database}`;
  const topics = [cfg.topics.backtestRequests, cfg.topics.backtestResults];
  const kafka = createKafka(cfg, 'backtest-projector');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const codec = AvroCodec.fromConfig(cfg);
  let running: RunningConsumer | null = null;
  try {
    await ensureTopics(admin, topicSpecs(cfg));
    await createBacktestTables(ch, cfg.clickhouse.database);
    await producer.connect();
    const sink = backtestSink({
      codec,
      ch,
      database: cfg.clickhouse.database,
      topics: cfg.topics,
      producer,
      groupId,
      onProjected: (b) => {
        for (const d of b.dead) log.warn(`dead-lettered ${d.delivery.topic}/${d.delivery.partition}@${d.delivery.offset}: ${d.reason}`);
      },
    });
    running = await runBuffered({ kafka, groupId, topics, flushRows: 1_000, flushMs: 100, log, sink });
    const r = running;
    return {
      running: r,
      async caughtUp(timeoutMs = 30_000) {
        const ends = new Map<string, bigint>();
        for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${t}/${p.partition}`, BigInt(p.high));
        const deadline = Date.now() + timeoutMs;
        // the runner commits only after the write, so committed offsets say what the tables hold
        for (;;) {
          const committed = new Map<string, bigint>();
          for (const t of await admin.fetchOffsets({ groupId, topics })) for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
          if ([...ends].every(([k, high]) => (committed.get(k) ?? -1n) >= high)) return true;
          if (Date.now() > deadline) return false;
          await new Promise((res) => setTimeout(res, 100));
        }
      },
      async stop() {
        await r.stop();
        await Promise.allSettled([producer.disconnect(), admin.disconnect(), ch.close()]);
      },
    };
  } catch (err) {
    await running?.stop().catch(() => undefined);
    await Promise.allSettled([producer.disconnect(), admin.disconnect(), ch.close()]);
    throw err;
  }
}
