import { channel } from 'node:diagnostics_channel';
import { loadConfig, type Config } from '../../lib/config.js';
import { AvroCodec } from '../../lib/avro.js';
import { createClickhouse } from '../../lib/clickhouse.js';
import { createKafka, ensureTopics, groupLag, topicSpecs } from '../../lib/kafka.js';
import { createLogger, setLogLevel, type Logger } from '../../lib/log.js';
import { runBuffered, type RunningConsumer } from '../../lib/runner.js';
import { messageOf } from '../../lib/errors.js';
import { createSalesTable } from '../../domain/sales/table.js';
import { salesSink, type Projected } from './sink.js';

/** Diagnostics channel carrying the materializer's status (lag, throughput, latest week). */
export const MATERIALIZER_STATUS = channel('forecast:materializer');

export interface Materializer {
  running: RunningConsumer;
  stop(): Promise<void>;
  /** rows and dead letters written since start */
  counts(): { rows: number; dead: number; maxWeek: string | null };
}

/** Starts the sales materializer: sales.weekly -> ClickHouse, bad events -> dead-letter topic. */
export async function startMaterializer(cfg: Readonly<Config>, log: Logger = createLogger('materializer')): Promise<Materializer> {
  const kafka = createKafka(cfg, 'materializer');
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, topicSpecs(cfg));
  const ch = createClickhouse(cfg);
  await createSalesTable(ch, cfg.clickhouse.database);
  const codec = AvroCodec.fromConfig(cfg);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const counts = { rows: 0, dead: 0, maxWeek: null as string | null };
  const onProjected = (p: Projected) => {
    counts.rows += p.rows.length;
    counts.dead += p.dead.length;
    if (p.maxWeek && (!counts.maxWeek || p.maxWeek > counts.maxWeek)) counts.maxWeek = p.maxWeek;
    for (const d of p.dead) log.warn(`dead-lettered ${d.delivery.topic}/${d.delivery.partition}@${d.delivery.offset}: ${d.reason}`);
  };
  const running = await runBuffered({
    kafka,
    groupId: cfg.materializer.groupId,
    topics: [cfg.topics.sales],
    flushRows: cfg.materializer.batchRows,
    flushMs: cfg.materializer.batchMs,
    log,
    sink: salesSink({ codec, ch, database: cfg.clickhouse.database, producer, deadLetterTopic: cfg.topics.deadLetter, groupId: cfg.materializer.groupId, onProjected }),
  });
  let lastRows = 0;
  let lastAt = Date.now();
  const status = setInterval(() => {
    groupLag(admin, cfg.materializer.groupId, cfg.topics.sales)
      .then((lag) => {
        const now = Date.now();
        const rate = ((counts.rows - lastRows) * 1000) / Math.max(1, now - lastAt);
        lastRows = counts.rows;
        lastAt = now;
        const s = { lag, rate, rows: counts.rows, dead: counts.dead, maxWeek: counts.maxWeek, at: now };
        if (MATERIALIZER_STATUS.hasSubscribers) MATERIALIZER_STATUS.publish(s);
        if (rate > 0 || lag > 0) log.info(`lag ${lag}, ${Math.round(rate)} rows/s, ${counts.rows} rows, ${counts.dead} dead letters, latest week ${counts.maxWeek ?? '-'}`);
      })
      .catch((err: unknown) => log.warn(`lag check failed: ${messageOf(err)}`));
  }, 2000);
  status.unref();
  return {
    running,
    counts: () => ({ ...counts }),
    async stop() {
      clearInterval(status);
      await running.stop();
      await Promise.allSettled([producer.disconnect(), admin.disconnect(), ch.close()]);
    },
  };
}

async function main(): Promise<void> {
  const cfg = loadConfig();
  setLogLevel(cfg.logLevel);
  const log = createLogger('materializer');
  const m = await startMaterializer(cfg, log);
  log.info(`consuming ${cfg.topics.sales} into ${cfg.clickhouse.database} as group ${cfg.materializer.groupId}`);
  const shutdown = () => {
    log.info('stopping: flushing the last batch and committing');
    m.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await m.running.done.catch((err: unknown) => {
    log.error(`stopped: ${messageOf(err)}`);
    process.exit(1);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    createLogger('materializer').error(messageOf(err));
    process.exit(1);
  });
}
