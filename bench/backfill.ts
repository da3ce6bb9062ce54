/**
 * Backfill throughput and steady-state lag of the sales pipeline, against
 * the running stack: the full generated history is produced into fresh
 * topics and a fresh database, and timed until every row is visible in
 * ClickHouse. Then a steady stream at a fixed rate measures end-to-end lag
 * (produce time -> row visible). Prints a table; `npm run bench` runs it.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig, topicNames, withOverrides, type Config } from '../lib/config.js';
import { createClickhouse, exec, rows } from '../lib/clickhouse.js';
import { createKafka } from '../lib/kafka.js';
import { setLogLevel } from '../lib/log.js';
import { bootstrapContracts } from '../lib/bootstrap.js';
import { startMaterializer } from '../consumers/materializer/main.js';
import { generateHistory, generateWeek, seriesCatalog } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/producer.js';

async function countRows(cfg: Readonly<Config>, ch: ReturnType<typeof createClickhouse>): Promise<number> {
  const r = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${cfg.clickhouse.database}.sales_weekly`);
  return Number(r[0]?.n ?? 0);
}

async function waitFor(pred: () => Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await pred()) return true;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  return false;
}

/** Runs the backfill benchmark; returns the figures. */
export async function benchBackfill(base: Readonly<Config>): Promise<Record<string, number | string>> {
  const tag = `b${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const cfg = withOverrides(base, (d) => {
    d.topics = topicNames(`${tag}.`);
    d.clickhouse.database = `bench_${tag}`;
    d.materializer.groupId = `${tag}-materializer`;
  });
  const ch = createClickhouse(cfg);
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'bench');
  const producer = await SalesProducer.connect(kafka, codec, cfg);
  const sim = { seed: cfg.simulator.seed, stores: cfg.simulator.stores, depts: cfg.simulator.depts, startWeek: cfg.simulator.startWeek, weeks: cfg.simulator.weeks };
  const m = await startMaterializer(cfg);
  const out: Record<string, number | string> = {};
  try {
    // warm the materializer's group join before the clock starts
    await waitFor(async () => m.running.stats().flushes >= 0, 1000);
    const events = [...generateHistory({ ...sim, producedAt: Date.now() })];
    const t0 = performance.now();
    await producer.send(events);
    const tProduced = performance.now();
    const ok = await waitFor(async () => (await countRows(cfg, ch)) >= events.length, 300_000, 100);
    const tVisible = performance.now();
    if (!ok) throw new Error(`only ${await countRows(cfg, ch)} of ${events.length} rows arrived`);
    out.events = events.length;
    out.series = seriesCatalog(sim).length;
    out['produce s'] = +((tProduced - t0) / 1000).toFixed(2);
    out['visible in ClickHouse s'] = +((tVisible - t0) / 1000).toFixed(2);
    out['throughput events/s'] = Math.round(events.length / ((tVisible - t0) / 1000));

    // steady rate: a week of events spread over time; lag = visible - produced
    const rate = 2000;
    const week = generateWeek({ ...sim, producedAt: Date.now() }, sim.weeks);
    const lags: number[] = [];
    const per = Math.max(1, Math.round(rate / 20));
    for (let i = 0; i < week.length; i += per) {
      const slice = week.slice(i, i + per);
      const sentAt = performance.now();
      const before = await countRows(cfg, ch);
      await producer.send(slice);
      await waitFor(async () => (await countRows(cfg, ch)) >= before + slice.length, 30_000, 5);
      lags.push(performance.now() - sentAt);
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (performance.now() - sentAt))));
    }
    lags.sort((a, b) => a - b);
    out['steady lag p50 ms'] = Math.round(lags[Math.floor(lags.length * 0.5)] ?? 0);
    out['steady lag p99 ms'] = Math.round(lags[Math.floor(lags.length * 0.99)] ?? 0);
    out['steady batch events'] = per;
  } finally {
    await m.stop();
    await producer.disconnect();
    await exec(ch, `DROP DATABASE IF EXISTS ${cfg.clickhouse.database}`);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(cfg.topics) }).catch(() => undefined);
    await admin.disconnect();
    await ch.close();
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cfg = loadConfig();
  setLogLevel('warn');
  benchBackfill(cfg).then(
    (r) => {
      console.table(r);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
