/**
 * The sales materializer: `sales.weekly` into ClickHouse through the one
 * projector (lib/projection/projector.ts) with the sales projection (domain/sales),
 * plus a lag and throughput line every 2 s. Run: npx tsx consumers/materializer/main.ts
 */
import type { Config } from '../../lib/config.js';
import { messageOf } from '../../lib/errors.js';
import { createKafka, groupLag } from '../../lib/kafka/client.js';
import { createLogger, type Logger } from '../../lib/log.js';
import { createProcessMetrics, serveMetrics, type ProcessMetrics } from '../../lib/process/metrics-server.js';
import { every } from '../../lib/process/periodic.js';
import { startProjector } from '../../lib/projection/projector.js';
import type { RoutedBatch } from '../../lib/projection/routed-sink.js';
import type { RunningConsumer } from '../../lib/kafka/runner.js';
import { SALES_PROJECTION } from '../../domain/sales/io/projection.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import { runConsumerProcess } from '../main.js';

export interface Materializer {
  running: RunningConsumer;
  stop(): Promise<void>;
  /** rows and dead letters written since start, and the latest week written */
  counts(): { rows: number; dead: number; maxWeek: string | null };
}

/** The latest week among a batch's sales rows, or null. */
function maxWeekOf(b: RoutedBatch): string | null {
  let max: string | null = null;
  for (const r of b.rows.get(SALES_TABLE) ?? []) {
    const w = (r as { week: string }).week;
    if (max === null || w > max) max = w;
  }
  return max;
}

/** Starts the sales materializer: sales.weekly -> ClickHouse, bad events -> dead-letter topic. */
export async function startMaterializer(cfg: Readonly<Config>, log: Logger = createLogger('materializer'), metrics?: ProcessMetrics): Promise<Materializer> {
  let maxWeek: string | null = null;
  const p = await startProjector(cfg, SALES_PROJECTION, {
    groupId: cfg.materializer.groupId,
    flushRows: cfg.materializer.batchRows,
    flushMs: cfg.materializer.batchMs,
    log,
    onProjected: (b) => {
      metrics?.projected(cfg.materializer.groupId, b);
      const w = maxWeekOf(b);
      if (w && (!maxWeek || w > maxWeek)) maxWeek = w;
    },
  });
  const counts = () => ({ rows: p.counts().rows[SALES_TABLE] ?? 0, dead: p.counts().dead, maxWeek });
  const stopStatus = logStatus(cfg, log, counts);
  return {
    running: p.running,
    counts,
    async stop() {
      await stopStatus();
      await p.stop();
    },
  };
}

/** Logs lag and throughput every 2 s while there is work; returns the stop function. */
function logStatus(cfg: Readonly<Config>, log: Logger, counts: Materializer['counts']): () => Promise<void> {
  const admin = createKafka(cfg, 'materializer-status').admin();
  const connected = admin.connect();
  let last = { rows: 0, at: Date.now() };
  // one check at a time, and stop waits for the one running before the admin client disconnects
  const status = every(2000, () =>
    connected
      .then(() => groupLag(admin, cfg.materializer.groupId, cfg.topics.sales))
      .then((lag) => {
        const c = counts();
        const now = Date.now();
        const rate = ((c.rows - last.rows) * 1000) / Math.max(1, now - last.at);
        last = { rows: c.rows, at: now };
        if (rate > 0 || lag > 0) log.info(`lag ${lag}, ${Math.round(rate)} rows/s, ${c.rows} rows, ${c.dead} dead letters, latest week ${c.maxWeek ?? '-'}`);
      })
      .catch((err: unknown) => log.warn(`lag check failed: ${messageOf(err)}`)),
  );
  return async () => {
    await status.stop();
    await connected.then(() => admin.disconnect()).catch(() => undefined);
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runConsumerProcess('materializer', async (cfg, log) => {
    const metrics = createProcessMetrics('materializer', cfg.stackDir, log);
    const m = await startMaterializer(cfg, log, metrics);
    await serveMetrics(metrics.registry, cfg.metrics.materializerPort, log, cfg.metrics.host);
    const admin = createKafka(cfg, 'materializer-metrics').admin();
    await admin.connect();
    metrics.watchConsumer(admin, m.running, [cfg.topics.sales]);
    log.info(`consuming ${cfg.topics.sales} into ${cfg.clickhouse.database} as group ${cfg.materializer.groupId}`);
    return m;
  }, 'the sales materializer (sales.weekly into ClickHouse; /metrics on MATERIALIZER_METRICS_PORT)');
}
