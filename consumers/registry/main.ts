/**
 * The registry projector: training.requests, model.trained and model.promoted
 * into ClickHouse (domain/registry/projection/tables.ts), batched and committed only
 * after the inserts succeeded. Run: npx tsx consumers/registry/main.ts
 */
import { createClickhouse } from '../../lib/clickhouse.js';
import { loadConfig, type Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import { createKafka, ensureConfiguredTopics } from '../../lib/kafka.js';
import { createLogger, setLogLevel, type Logger } from '../../lib/log.js';
import { runBuffered, type RunningConsumer } from '../../lib/runner.js';
import { AvroCodec } from '../../lib/avro.js';
import type { RoutedBatch } from '../../lib/routed-sink.js';
import { registrySink } from './sink.js';
import { createRegistryTables, PROMOTIONS_TABLE, REQUESTS_TABLE, RUNS_TABLE } from '../../domain/registry/projection/tables.js';

export interface RegistryProjector {
  running: RunningConsumer;
  /** Events written since start, per table, and dead letters. */
  counts(): { requests: number; runs: number; promotions: number; dead: number };
  stop(): Promise<void>;
}

/** Starts the projector in-process; group id default `registry-projector:<database>` (one projection per database; a new group replays from the beginning). */
export async function startRegistryProjector(cfg: Readonly<Config>, opts: { groupId?: string; log?: Logger } = {}): Promise<RegistryProjector> {
  const log = opts.log ?? createLogger('registry-projector');
  const groupId = opts.groupId ?? `registry-projector:${cfg.clickhouse.database}`;
  const kafka = createKafka(cfg, 'registry-projector');
  await ensureConfiguredTopics(kafka, cfg);
  const ch = createClickhouse(cfg);
  await createRegistryTables(ch, cfg.clickhouse.database);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const counts = { requests: 0, runs: 0, promotions: 0, dead: 0 };
  const onProjected = (b: RoutedBatch) => {
    counts.requests += b.rows.get(REQUESTS_TABLE)?.length ?? 0;
    counts.runs += b.rows.get(RUNS_TABLE)?.length ?? 0;
    counts.promotions += b.rows.get(PROMOTIONS_TABLE)?.length ?? 0;
    counts.dead += b.dead.length;
    for (const d of b.dead) log.warn(`dead-lettered ${d.delivery.topic}/${d.delivery.partition}@${d.delivery.offset}: ${d.reason}`);
  };
  const running = await runBuffered({
    kafka,
    groupId,
    topics: [cfg.topics.trainingRequests, cfg.topics.modelTrained, cfg.topics.modelPromoted],
    flushRows: 5_000,
    flushMs: 200,
    log,
    sink: registrySink({ codec: AvroCodec.fromConfig(cfg), ch, database: cfg.clickhouse.database, topics: cfg.topics, producer, groupId, onProjected }),
  });
  return {
    running,
    counts: () => ({ ...counts }),
    async stop() {
      await running.stop();
      await Promise.allSettled([producer.disconnect(), ch.close()]);
    },
  };
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel);
  const log = createLogger('registry-projector');
  const p = await startRegistryProjector(cfg, { log });
  log.info(`projecting the model registry into ${cfg.clickhouse.database}`);
  const shutdown = () => {
    log.info('stopping: flushing the last batch and committing');
    p.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await p.running.done.catch((err: unknown) => {
    log.error(`stopped: ${messageOf(err)}`);
    process.exit(1);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    createLogger('registry-projector').error(messageOf(err));
    process.exit(1);
  });
}
