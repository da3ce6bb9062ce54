/**
 * `/metrics` for the processes that are not the gateway (the materializer,
 * the projector, the trainer): a Prometheus registry with the consumer
 * metrics every consumer shares, served on a port of its own (0 = off).
 * Label values are bounded: groups, topics, partitions and tables are few
 * and fixed per deployment.
 */
import { createServer, type Server } from 'node:http';
import type { Admin } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { messageOf } from '../errors.js';
import { partitionLag } from '../kafka/client.js';
import { every } from './periodic.js';
import type { Logger } from '../log.js';
import type { RoutedBatch } from '../projection/routed-sink.js';
import type { RunningConsumer } from '../kafka/runner.js';
import { readSupervision } from './supervision.js';

export interface ProcessMetrics {
  registry: Registry;
  rowsWritten: Counter<'table'>;
  deadLetters: Counter<'group'>;
  trainingDuration: Histogram<'decision'>;
  /** Counts a projected batch: rows per table, dead letters of `group`. */
  projected(group: string, b: RoutedBatch): void;
  /**
   * Follows a consumer's runner stats (messages, write failures) and its lag
   * per partition, every `everyMs` (default 5 s), one check at a time. The
   * returned stop resolves once no check is running (lib/process/periodic.ts), so the
   * admin client can be disconnected after it.
   */
  watchConsumer(admin: Admin, c: RunningConsumer, topics: string[], everyMs?: number): () => Promise<void>;
}

/** The metrics of one process (`service` label), with restarts read from the supervisor's state. */
export function createProcessMetrics(service: string, stackDir: string, log: Logger): ProcessMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const lag = new Gauge({ name: 'wsm_consumer_lag_messages', help: 'Messages behind the end, per consumer group and partition', labelNames: ['group', 'topic', 'partition'] as const, registers: [registry] });
  // the runner keeps running totals since start: counters get the difference since the last check
  const consumed = new Counter({ name: 'wsm_consumer_messages_written_total', help: 'Messages written and committed, per consumer group', labelNames: ['group'] as const, registers: [registry] });
  const failures = new Counter({ name: 'wsm_consumer_write_failures_total', help: 'Failed writes (retried, or fatal), per consumer group', labelNames: ['group'] as const, registers: [registry] });
  // not process_*: prom-client's default metrics own that namespace
  new Counter({
    name: 'wsm_process_restarts_total',
    help: 'Restarts of this process by the npm start supervisor',
    registers: [registry],
    collect() {
      // the supervisor's count only grows while it runs, so it is exposed as a counter's value
      this.reset();
      this.inc(readSupervision(stackDir)?.processes.find((p) => service.startsWith(p.name) || p.name.startsWith(service))?.restarts ?? 0);
    },
  });
  const m: ProcessMetrics = {
    registry,
    rowsWritten: new Counter({ name: 'wsm_projection_rows_written_total', help: 'Rows inserted into ClickHouse, per table', labelNames: ['table'] as const, registers: [registry] }),
    deadLetters: new Counter({ name: 'wsm_dead_letters_total', help: 'Messages sent to the dead-letter topic, per consumer group', labelNames: ['group'] as const, registers: [registry] }),
    trainingDuration: new Histogram({ name: 'wsm_training_duration_seconds', help: 'End-to-end training run time, by decision', labelNames: ['decision'] as const, buckets: [5, 10, 20, 30, 60, 120, 300, 600], registers: [registry] }),
    projected(group, b) {
      for (const [table, rows] of b.rows) if (rows.length > 0) m.rowsWritten.inc({ table }, rows.length);
      if (b.dead.length > 0) m.deadLetters.inc({ group }, b.dead.length);
    },
    watchConsumer(admin, c, topics, everyMs = 5_000) {
      const seen = { messages: 0, writeFailures: 0 }; // per consumer: a process may run several
      const tick = async () => {
        const s = c.stats();
        consumed.inc({ group: s.group }, Math.max(0, s.messages - seen.messages));
        failures.inc({ group: s.group }, Math.max(0, s.writeFailures - seen.writeFailures));
        seen.messages = s.messages;
        seen.writeFailures = s.writeFailures;
        for (const topic of topics) for (const p of await partitionLag(admin, s.group, topic)) lag.set({ group: s.group, topic, partition: String(p.partition) }, p.lag);
      };
      const watch = every(everyMs, () => tick().catch((err: unknown) => log.debug(`metrics: lag check failed: ${messageOf(err)}`)));
      return () => watch.stop();
    },
  };
  return m;
}

/**
 * Serves `registry` at /metrics on 127.0.0.1:`port` (or the given host);
 * resolves the server, or null when `port` is 0 or taken: metrics are
 * telemetry, so a port in use is a warning, never a reason not to run.
 */
export async function serveMetrics(registry: Registry, port: number, log: Logger, host = '127.0.0.1'): Promise<Server | null> {
  if (port === 0) return null;
  try {
    return await listen(registry, port, log, host);
  } catch (err) {
    log.warn(`${messageOf(err)}; running without /metrics (set the process's *_METRICS_PORT)`);
    return null;
  }
}

async function listen(registry: Registry, port: number, log: Logger, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics here\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${messageOf(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`metrics: cannot listen on ${host}:${port}: ${messageOf(err)}`, { cause: err })));
    server.listen(port, host, () => resolve());
  });
  server.unref();
  log.info(`metrics at http://${host}:${port}/metrics`);
  return server;
}
