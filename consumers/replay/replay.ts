import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { AvroCodec } from '../../lib/avro.js';
import { createClickhouse, exec, ident } from '../../lib/clickhouse.js';
import type { Config } from '../../lib/config.js';
import { createKafka } from '../../lib/kafka.js';
import { createLogger } from '../../lib/log.js';
import { runBuffered } from '../../lib/runner.js';
import { compareDatabases } from './checksum.js';
import type { Projection } from './projections.js';

export type ReplayStart = { kind: 'beginning' } | { kind: 'timestamp'; ms: number };

export interface ReplayOptions {
  /** database the projections are rebuilt into (may equal the live one only with inPlace) */
  target: string;
  projections: Projection[];
  from: ReplayStart;
  /** rebuild the live database itself: its projection tables are dropped first */
  inPlace?: boolean;
  /** called about every 250 ms with events done, total, and events/s */
  onProgress?: (done: number, total: number, rate: number) => void;
}

export interface ReplayResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** events that would have been dead-lettered (counted; a replay never writes to the live dead-letter topic) */
  deadLetters: number;
  comparison: Awaited<ReturnType<typeof compareDatabases>> | null;
}

/**
 * Rebuilds projections from their topics into `target`. It reads through its
 * own fresh consumer group, positioned with admin offsets (the beginning, or
 * the first offset at a timestamp), so the live groups never move. It stops
 * at the end offsets seen when it started, then compares the result with the
 * live projection (row counts and content hashes) when it replayed from the
 * beginning into a separate database.
 */
export async function replay(cfg: Readonly<Config>, opts: ReplayOptions): Promise<ReplayResult> {
  const live = cfg.clickhouse.database;
  const target = ident(opts.target, 'target');
  if (target === live && !opts.inPlace) throw new Error(`--target: the live database "${live}" needs --in-place (and a confirmation)`);
  const log = createLogger('replay');
  const kafka = createKafka(cfg, 'replay');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  const codec = AvroCodec.fromConfig(cfg);
  let deadLetters = 0;
  // dead letters of a replay are counted, not re-sent: the live DLQ already holds them
  const countingProducer = { send: async (r: { messages: unknown[] }) => ((deadLetters += r.messages.length), []) } as unknown as Producer;
  const t0 = performance.now();
  let done = 0;
  try {
    // plan: start and end offsets per topic-partition, fixed before reading
    const plan: { projection: Projection; groupId: string; ends: Map<string, bigint>; total: number }[] = [];
    let total = 0;
    for (const p of opts.projections) {
      const groupId = `replay-${p.name}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
      const ends = new Map<string, bigint>();
      let count = 0;
      for (const topic of p.topics(cfg)) {
        const offsets = await admin.fetchTopicOffsets(topic);
        const starts =
          opts.from.kind === 'beginning'
            ? offsets.map((o) => ({ partition: o.partition, offset: o.low }))
            : (await admin.fetchTopicOffsetsByTimestamp(topic, opts.from.ms)).map((o) => ({ partition: o.partition, offset: o.offset }));
        await admin.setOffsets({ groupId, topic, partitions: starts });
        for (const o of offsets) {
          const start = BigInt(starts.find((s) => s.partition === o.partition)?.offset ?? o.high);
          const end = BigInt(o.high);
          if (end > start) {
            ends.set(`${topic}/${o.partition}`, end);
            count += Number(end - start);
          }
        }
      }
      plan.push({ projection: p, groupId, ends, total: count });
      total += count;
    }
    await exec(ch, `CREATE DATABASE IF NOT EXISTS ${target}`);
    for (const { projection, groupId, ends } of plan) {
      if (opts.inPlace) for (const t of projection.tables) await exec(ch, `DROP TABLE IF EXISTS ${target}.${ident(t.table, 'table')}`);
      await projection.createTables(ch, target);
      if (ends.size === 0) continue;
      const sink = projection.sink({ cfg, ch, database: target, codec, deadLetters: countingProducer, groupId });
      const remaining = new Map(ends);
      let finish!: () => void;
      const finished = new Promise<void>((r) => (finish = r));
      const running = await runBuffered({
        kafka,
        groupId,
        topics: projection.topics(cfg),
        fromBeginning: true,
        flushRows: cfg.materializer.batchRows,
        flushMs: 250,
        log,
        sink: async (batch) => {
          // only what existed when the replay started; later events belong to the live projection
          const inPlan = batch.filter((d) => {
            const end = ends.get(`${d.topic}/${d.partition}`);
            return end !== undefined && BigInt(d.offset) < end;
          });
          await sink(inPlan);
          done += inPlan.length;
          for (const d of inPlan) {
            const k = `${d.topic}/${d.partition}`;
            if (BigInt(d.offset) + 1n >= (remaining.get(k) ?? 0n)) remaining.delete(k);
          }
          if (remaining.size === 0) finish();
        },
      });
      const ticker = setInterval(() => opts.onProgress?.(done, total, done / Math.max(0.001, (performance.now() - t0) / 1000)), 250);
      try {
        await Promise.race([finished, running.done]);
      } finally {
        clearInterval(ticker);
        await running.stop();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    opts.onProgress?.(done, total, done / Math.max(0.001, seconds));
    const comparison =
      opts.from.kind === 'beginning' && target !== live
        ? await compareDatabases(ch, live, target, opts.projections.flatMap((p) => p.tables))
        : null;
    return { events: done, seconds, eventsPerSecond: done / Math.max(0.001, seconds), deadLetters, comparison };
  } finally {
    await admin.disconnect();
    await ch.close();
  }
}
