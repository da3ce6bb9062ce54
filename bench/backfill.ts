/**
 * Backfill throughput and steady-state lag of the sales pipeline, against
 * the running stack, on fresh topics and a fresh database:
 *  1. the raw kafkajs produce rate of the same messages (already encoded,
 *     acks=all, batches of 1,000: sequential and 8 in flight, the faster
 *     one is the reference), into a topic of its own;
 *  2. the backfill: the generated history (generated before the clock,
 *     validated and Avro-encoded on the clock) through SalesProducer, with
 *     the materializer running as its own process, timed from the first
 *     send to every row visible in ClickHouse; its ratio to the raw rate;
 *  3. a steady stream at ~2,000 events/s: end-to-end lag (sent -> visible).
 * Steps 1 and 2 run in 3 rounds (`--rounds N`), side by side in each;
 * medians are reported. `--multiplier N` multiplies the series. Prints a
 * table; `npm run bench` runs it.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import { loadConfig, topicNames, withOverrides, type Config } from '../lib/config.js';
import { createClickhouse, exec, rows } from '../lib/clickhouse/client.js';
import { createKafka, ensureTopics, topicSpecs } from '../lib/kafka/client.js';
import { setLogLevel } from '../lib/log.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { generateHistory, generateWeek, scaledOptions, seriesCatalog, type GeneratorOptions } from '../domain/simulation/generator.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { seriesKey, type SalesWeek } from '../schemas/types.js';
import { validateSalesWeek } from '../domain/sales/validate.js';
import type { AvroCodec } from '../lib/avro/codec.js';
import { spawnMaterializer } from './materializer-process.js';

type Ch = ReturnType<typeof createClickhouse>;
const seconds = (ms: number) => +(ms / 1000).toFixed(2);

async function countRows(cfg: Readonly<Config>, ch: Ch): Promise<number> {
  const r = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${cfg.clickhouse.database}.sales_weekly`).catch(() => [{ n: '0' }]);
  return Number(r[0]?.n ?? 0);
}

/** Polls until `count()` of the sales table reaches `n`; returns the time it did (performance.now()). */
async function visibleAt(cfg: Readonly<Config>, ch: Ch, n: number, timeoutMs: number, pollMs = 50): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await countRows(cfg, ch)) >= n) return performance.now();
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`only ${await countRows(cfg, ch)} of ${n} rows arrived within ${timeoutMs / 1000} s`);
}

/** A config on fresh topics (prefix), database and materializer group. */
export function freshConfig(base: Readonly<Config>, letter: string): { cfg: Readonly<Config>; prefix: string } {
  const tag = `${letter}${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  const prefix = `${tag}.`;
  const cfg = withOverrides(base, (d) => {
    d.topics = topicNames(prefix);
    d.clickhouse.database = `bench_${tag}`;
    d.materializer.groupId = `${tag}-materializer`;
  });
  return { cfg, prefix };
}

/** Drops the database and deletes the topics of a fresh config. */
export async function dropFresh(cfg: Readonly<Config>, extraTopics: string[] = []): Promise<void> {
  const ch = createClickhouse(cfg);
  await exec(ch, `DROP DATABASE IF EXISTS ${cfg.clickhouse.database}`).catch(() => undefined);
  await ch.close();
  const admin = createKafka(cfg, 'bench-cleanup').admin();
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  await admin.deleteTopics({ topics: [...Object.values(cfg.topics), ...extraTopics].filter((t) => existing.has(t)) }).catch(() => undefined);
  await admin.disconnect();
}

/**
 * Raw kafkajs: the same messages, acks=all, batches of 1,000, into `topic`
 * (same partitions as sales), first one at a time, then 8 in flight; returns
 * both rates and the better one (the reference), messages per second.
 */
export async function rawProduceRate(kafka: Kafka, cfg: Readonly<Config>, msgs: Message[]): Promise<{ sequential: number; inflight8: number; reference: number; topic: string }> {
  const topic = `${cfg.topics.sales}.raw`;
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [{ ...topicSpecs(cfg)[0]!, topic }]);
  await admin.disconnect();
  const p = kafka.producer();
  await p.connect();
  try {
    let t = performance.now();
    for (let i = 0; i < msgs.length; i += 1000) await p.send({ topic, acks: -1, messages: msgs.slice(i, i + 1000) });
    const sequential = msgs.length / ((performance.now() - t) / 1000);
    t = performance.now();
    const inflight = new Set<Promise<unknown>>();
    for (let i = 0; i < msgs.length; i += 1000) {
      const q = p.send({ topic, acks: -1, messages: msgs.slice(i, i + 1000) });
      inflight.add(q);
      void q.finally(() => inflight.delete(q)).catch(() => undefined);
      if (inflight.size >= 8) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    const inflight8 = msgs.length / ((performance.now() - t) / 1000);
    return { sequential: Math.round(sequential), inflight8: Math.round(inflight8), reference: Math.round(Math.max(sequential, inflight8)), topic };
  } finally {
    await p.disconnect();
  }
}

/** The messages SalesProducer sends for `events` (validated, encoded into one buffer, keyed by series): what the raw reference sends. */
function encodedMessages(codec: AvroCodec, events: readonly SalesWeek[]): Message[] {
  const values = codec.encodeMany('sales', events.map(validateSalesWeek));
  return events.map((e, i) => ({ key: seriesKey(e.store, e.dept), value: values[i]! }));
}

/** The backfill proper: first send to every row visible, with the materializer in its own process. */
export async function timedBackfill(cfg: Readonly<Config>, prefix: string, producer: SalesProducer, events: SalesWeek[]): Promise<{ produceMs: number; visibleMs: number; materializerRssMb: number }> {
  const ch = createClickhouse(cfg);
  const m = await spawnMaterializer(cfg, prefix);
  try {
    const t0 = performance.now();
    await producer.send(events);
    const tProduced = performance.now();
    const tVisible = await visibleAt(cfg, ch, events.length, 30 * 60_000);
    return { produceMs: tProduced - t0, visibleMs: tVisible - t0, materializerRssMb: Math.round(m.peakRssMb()) };
  } finally {
    await m.stop();
    await ch.close();
  }
}

/** Lag (sent -> visible) of 100-event sends at ~2,000 events/s over one generated week; p50 and p99 in ms. */
async function steadyLag(cfg: Readonly<Config>, prefix: string, producer: SalesProducer, week: SalesWeek[], base: number): Promise<{ p50: number; p99: number; per: number }> {
  const ch = createClickhouse(cfg);
  const m = await spawnMaterializer(cfg, prefix);
  const per = 100;
  const lags: number[] = [];
  try {
    let expected = base;
    for (let i = 0; i < week.length; i += per) {
      const slice = week.slice(i, i + per);
      const sentAt = performance.now();
      await producer.send(slice);
      expected += slice.length;
      lags.push((await visibleAt(cfg, ch, expected, 30_000, 5)) - sentAt);
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (performance.now() - sentAt))));
    }
  } finally {
    await m.stop();
    await ch.close();
  }
  lags.sort((a, b) => a - b);
  return { p50: Math.round(lags[Math.floor(lags.length * 0.5)] ?? 0), p99: Math.round(lags[Math.floor(lags.length * 0.99)] ?? 0), per };
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/**
 * One round on fresh topics and a fresh database: the raw kafkajs rate of
 * the round's messages, then the backfill timed to every row visible, then
 * (when asked) the steady stream.
 */
async function backfillRound(base: Readonly<Config>, events: SalesWeek[], sim: GeneratorOptions, steady: boolean): Promise<Record<string, number>> {
  const { cfg, prefix } = freshConfig(base, 'b');
  const codec = await bootstrapContracts(cfg);
  const kafka = createKafka(cfg, 'bench');
  const producer = await SalesProducer.connect(kafka, codec, cfg);
  const extra: string[] = [];
  try {
    const raw = await rawProduceRate(kafka, cfg, encodedMessages(codec, events));
    extra.push(raw.topic);
    const b = await timedBackfill(cfg, prefix, producer, events);
    const out: Record<string, number> = { sequential: raw.sequential, inflight8: raw.inflight8, reference: raw.reference, produceMs: b.produceMs, visibleMs: b.visibleMs, rssMb: b.materializerRssMb };
    if (steady) {
      const lag = await steadyLag(cfg, prefix, producer, generateWeek({ ...sim, producedAt: Date.now() }, sim.weeks ?? 143), events.length);
      Object.assign(out, { p50: lag.p50, p99: lag.p99, per: lag.per });
    }
    return out;
  } finally {
    await producer.disconnect();
    await dropFresh(cfg, extra);
  }
}

/**
 * Runs the backfill benchmark at `multiplier` times the series: `rounds`
 * rounds (default 3), each measuring the raw rate and then the backfill side
 * by side, so the two share the machine's state of the moment; on 2 cores
 * either can move 10-15% from one run to the next. Reports the median of
 * each figure, the ratio of the medians, and every round's ratio.
 */
export async function benchBackfill(base: Readonly<Config>, opts: { multiplier?: number; rounds?: number; steady?: boolean } = {}): Promise<Record<string, number | string>> {
  const sim: GeneratorOptions = scaledOptions({ seed: base.simulator.seed, stores: base.simulator.stores, depts: base.simulator.depts, startWeek: base.simulator.startWeek, weeks: base.simulator.weeks }, opts.multiplier ?? 1);
  const events = [...generateHistory({ ...sim, producedAt: Date.now() })];
  const rounds: Record<string, number>[] = [];
  const n = Math.max(1, opts.rounds ?? 3);
  for (let i = 0; i < n; i++) {
    rounds.push(await backfillRound(base, events, sim, opts.steady !== false && i === n - 1));
    console.error(`round ${i + 1}/${n}: raw ${rounds[i]!.reference} msg/s, every row visible in ${seconds(rounds[i]!.visibleMs!)} s`);
  }
  const m = (k: string) => median(rounds.map((r) => r[k]!));
  const throughput = Math.round(events.length / (m('visibleMs') / 1000));
  const last = rounds[rounds.length - 1]!;
  const out: Record<string, number | string> = {
    events: events.length,
    series: seriesCatalog(sim).length,
    rounds: n,
    'raw kafkajs msg/s, sequential (median)': m('sequential'),
    'raw kafkajs msg/s, 8 in flight (median)': m('inflight8'),
    'raw reference msg/s (median)': m('reference'),
    'produce s (median)': seconds(m('produceMs')),
    'visible in ClickHouse s (median)': seconds(m('visibleMs')),
    'throughput events/s (median)': throughput,
    'ratio to raw (target >= 0.6)': +(throughput / m('reference')).toFixed(2),
    'ratio per round': rounds.map((r) => (events.length / (r.visibleMs! / 1000) / r.reference!).toFixed(2)).join(' / '),
    'materializer peak RSS MB': Math.max(...rounds.map((r) => r.rssMb!)),
  };
  if (last.p50 !== undefined) Object.assign(out, { 'steady lag p50 ms': last.p50, 'steady lag p99 ms': last.p99, 'steady batch events': last.per });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cfg = loadConfig();
  setLogLevel('warn');
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  benchBackfill(cfg, { multiplier: arg('--multiplier'), rounds: arg('--rounds') }).then(
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
