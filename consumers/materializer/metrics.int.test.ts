/** The materializer's /metrics: rows written per table, dead letters, lag per partition, as a Prometheus scrape sees them. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { createProcessMetrics, serveMetrics } from '../../lib/process/metrics-server.js';
import { eventually, isolatedConfig } from '../../lib/testing.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { startMaterializer, type Materializer } from './main.js';

describe('materializer metrics', () => {
  const { cfg, cleanup } = isolatedConfig('matmetrics');
  const log = createLogger('test');
  const metrics = createProcessMetrics('materializer', cfg.stackDir, log);
  let m: Materializer;
  let url = '';
  let stopWatch = async () => {};
  const admin = createKafka(cfg, 'test-metrics').admin();

  before(async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    const events = [...generateHistory({ seed: 3, stores: 2, depts: 3, startWeek: '2011-01-07', weeks: 20, producedAt: 1_700_000_000_000 })];
    await producer.send(events);
    await producer.disconnect();
    m = await startMaterializer(cfg, log, metrics);
    const s = await serveMetrics(metrics.registry, 39_000 + Math.floor(Math.random() * 1000), log);
    url = `http://127.0.0.1:${(s!.address() as AddressInfo).port}/metrics`;
    await admin.connect();
    stopWatch = metrics.watchConsumer(admin, m.running, [cfg.topics.sales], 200);
    (globalThis as { expected?: number }).expected = events.length;
  });
  after(async () => {
    await stopWatch();
    await m?.stop();
    await admin.disconnect();
    await cleanup();
  });

  it('counts the rows it wrote, and its lag falls to 0 on every partition', async () => {
    const n = (globalThis as { expected?: number }).expected!;
    let body = '';
    const ok = await eventually(async () => {
      body = await (await fetch(url)).text();
      const rows = Number(/wsm_projection_rows_written_total\{table="sales_weekly",service="materializer"\} (\d+)/.exec(body)?.[1] ?? -1);
      const lags = [...body.matchAll(/wsm_consumer_lag_messages\{group="[^"]+",topic="[^"]+",partition="\d+",service="materializer"\} (\d+)/g)].map((x) => Number(x[1]));
      return rows === n && lags.length === cfg.kafka.salesPartitions && lags.every((l) => l === 0);
    }, 30_000);
    assert.ok(ok, body.split('\n').filter((l) => /projection_rows|consumer_lag|consumer_messages/.test(l)).join('\n'));
    assert.match(body, /wsm_consumer_messages_written_total\{group="[^"]+",service="materializer"\} \d+/);
    assert.match(body, /wsm_process_restarts_total\{service="materializer"\} 0/);
  });
});
