/**
 * Shared set-up for the trainer's integration tests: a config with unique
 * topics and database, a small generated history produced through the real
 * producer and materialized in-process, polling helpers with deadlines, and
 * clean-up. Not a test file itself.
 */
import { randomBytes } from 'node:crypto';
import { createClickhouse, exec, ident, rows } from '../../lib/clickhouse/client.js';
import { loadConfig, topicNames, withOverrides, type Config } from '../../lib/config.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger, setLogLevel, type Logger } from '../../lib/log.js';
import { startMaterializer, type Materializer } from '../../consumers/materializer/main.js';
import { SALES_TABLE } from '../../domain/sales/table.js';
import { generateHistory, generateWeek, type GeneratorOptions } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import type { SalesWeek } from '../../schemas/types.js';
import { AvroCodec, type TypedContract } from '../../lib/avro/codec.js';
import { startTail, tailOf } from '../../lib/kafka/topic-tail.js';

/** A unique config: topic prefix, database, materializer group. */
export function uniqueConfig(tag: string, patch: (d: Config) => void = () => {}): Readonly<Config> {
  setLogLevel('warn');
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  return withOverrides(loadConfig(), (d) => {
    d.topics = topicNames(`t${id}_${tag}.`);
    d.clickhouse.database = `test_${tag}_${id}`;
    d.materializer.groupId = `mat-${tag}-${id}`;
    d.materializer.batchMs = 100;
    d.trainer.holdoutWeeks = 8;
    d.trainer.horizon = 4;
    d.trainer.thresholdWeeks = 1;
    d.trainer.retries = 0;
    d.trainer.promotionMargin = 0;
    patch(d);
  });
}

/** The small world the tests train on: 3 stores x 4 depts, `weeks` weeks. */
export function smallSim(weeks: number): GeneratorOptions & { startWeek: string } {
  return { seed: 7, stores: 3, depts: 4, weeks, startWeek: '2010-02-05', producedAt: 1_700_000_000_000 };
}

export interface History {
  materializer: Materializer;
  producer: SalesProducer;
  events: number;
  stop(): Promise<void>;
}

/** Produces the history, materializes it in-process and waits until ClickHouse holds every row (deadline 60 s). */
export async function loadHistory(cfg: Readonly<Config>, sim: GeneratorOptions, log: Logger = createLogger('test')): Promise<History> {
  const codec = await bootstrapContracts(cfg);
  const producer = await SalesProducer.connect(createKafka(cfg, 'test-producer'), codec, cfg);
  const events: SalesWeek[] = [...generateHistory(sim)];
  await producer.send(events);
  const materializer = await startMaterializer(cfg, log.child('materializer'));
  await waitForRows(cfg, events.length);
  return {
    materializer,
    producer,
    events: events.length,
    async stop() {
      await Promise.allSettled([materializer.stop(), producer.disconnect()]);
    },
  };
}

/** Sends one more week (index `weekIndex` of the simulation) and returns its events. */
export async function sendWeek(h: History, sim: GeneratorOptions, weekIndex: number): Promise<SalesWeek[]> {
  const events = generateWeek(sim, weekIndex);
  await h.producer.send(events);
  return events;
}

/** Polls until the projection has at least `n` distinct series-weeks. */
export async function waitForRows(cfg: Readonly<Config>, n: number, timeoutMs = 60_000): Promise<void> {
  const ch = createClickhouse(cfg);
  try {
    await until(async () => {
      const r = await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${ident(cfg.clickhouse.database)}.${SALES_TABLE} FINAL`).catch(() => [{ n: '0' }]);
      return Number(r[0]?.n ?? 0) >= n;
    }, timeoutMs, `${n} rows in ${cfg.clickhouse.database}.${SALES_TABLE}`);
  } finally {
    await ch.close();
  }
}

/** Polls `check` every 100 ms until it is true; throws naming `what` after the deadline. */
export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, state?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    // `state` says what was seen last, so a timeout in a full run tells why
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state ? `; last seen: ${JSON.stringify(state())}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drops the test database and deletes the test topics (best effort). */
export async function cleanUp(cfg: Readonly<Config>): Promise<void> {
  const ch = createClickhouse(cfg);
  await exec(ch, `DROP DATABASE IF EXISTS ${ident(cfg.clickhouse.database)}`).catch(() => undefined);
  await ch.close();
  const admin = createKafka(cfg, 'test-cleanup').admin();
  await admin.connect();
  await admin.deleteTopics({ topics: Object.values(cfg.topics) }).catch(() => undefined);
  await admin.disconnect();
}

/** Every decoded value on `topic` right now, in log order (one-shot read). */
export async function readTopic<T>(cfg: Readonly<Config>, topic: string, contract: TypedContract<T>): Promise<T[]> {
  const out: T[] = [];
  const tail = await startTail({
    kafka: createKafka(cfg, 'test-reader'),
    codec: AvroCodec.fromConfig(cfg),
    topics: [tailOf(topic, contract, (v) => out.push(v))],
    log: createLogger('test-reader'),
    name: 'test-reader',
  });
  try {
    await tail.sync();
  } finally {
    await tail.stop();
  }
  return out;
}
