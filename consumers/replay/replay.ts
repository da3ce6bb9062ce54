import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { AvroCodec } from '../../lib/avro/codec.js';
import { createClickhouse, exec, ident } from '../../lib/clickhouse/client.js';
import { dropTableDdl } from '../../lib/clickhouse/ddl.js';
import type { Config } from '../../lib/config.js';
import { createKafka } from '../../lib/kafka/client.js';
import { createLogger } from '../../lib/log.js';
import { routedSink } from '../../lib/projection/routed-sink.js';
import { runBuffered } from '../../lib/kafka/runner.js';
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

interface PlannedProjection {
  projection: Projection;
  groupId: string;
  /** topic/partition -> end offset (exclusive) to read up to */
  ends: Map<string, bigint>;
  total: number;
}

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

/** Fixes, before reading, where each projection's replay starts and ends on each topic-partition (its group is positioned at the start). */
async function plan(cfg: Readonly<Config>, admin: Admin, projection: Projection, from: ReplayStart): Promise<PlannedProjection> {
  const groupId = `replay-${projection.name}-${Date.now().toString(36)}-${randomUUID().slice(0, 6)}`;
  const ends = new Map<string, bigint>();
  let total = 0;
  for (const topic of projection.spec.topics(cfg.topics)) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const starts =
      from.kind === 'beginning'
        ? offsets.map((o) => ({ partition: o.partition, offset: o.low }))
        : (await admin.fetchTopicOffsetsByTimestamp(topic, from.ms)).map((o) => ({ partition: o.partition, offset: o.offset }));
    await admin.setOffsets({ groupId, topic, partitions: starts });
    for (const o of offsets) {
      const start = BigInt(starts.find((x) => x.partition === o.partition)?.offset ?? o.high);
      const end = BigInt(o.high);
      if (end > start) {
        ends.set(`${topic}/${o.partition}`, end);
        total += Number(end - start);
      }
    }
  }
  return { projection, groupId, ends, total };
}

interface RebuildDeps {
  cfg: Readonly<Config>;
  kafka: ReturnType<typeof createKafka>;
  admin: Admin;
  ch: ReturnType<typeof createClickhouse>;
  codec: AvroCodec;
  target: string;
  deadLetters: Producer;
  log: ReturnType<typeof createLogger>;
  /** called with the number of events each written batch covered */
  onWritten(n: number): void;
}

/** Reads one planned projection up to its end offsets into `target` with the projection's own routes; resolves when done. */
async function rebuild(d: RebuildDeps, p: PlannedProjection): Promise<void> {
  const { spec } = p.projection;
  const routes = await spec.routes({ topics: d.cfg.topics, ch: d.ch, database: d.target });
  const sink = routedSink({ codec: d.codec, ch: d.ch, database: d.target, routes, producer: d.deadLetters, deadLetterTopic: d.cfg.topics.deadLetter, groupId: p.groupId });
  const remaining = new Map(p.ends);
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  const running = await runBuffered({
    kafka: d.kafka,
    groupId: p.groupId,
    topics: spec.topics(d.cfg.topics),
    fromBeginning: true,
    flushRows: d.cfg.materializer.batchRows,
    flushMs: 250,
    log: d.log,
    sink: async (batch) => {
      // only what existed when the replay started; later events belong to the live projection
      const inPlan = batch.filter((x) => {
        const end = p.ends.get(`${x.topic}/${x.partition}`);
        return end !== undefined && BigInt(x.offset) < end;
      });
      await sink(inPlan);
      d.onWritten(inPlan.length);
      for (const x of inPlan) {
        const k = `${x.topic}/${x.partition}`;
        if (BigInt(x.offset) + 1n >= (remaining.get(k) ?? 0n)) remaining.delete(k);
      }
      if (remaining.size === 0) finish();
    },
  });
  try {
    await Promise.race([finished, running.done]);
  } finally {
    await running.stop();
    await d.admin.deleteGroups([p.groupId]).catch(() => undefined);
  }
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
  // the tables are dropped before the rebuild: a partial one would lose every event before the start
  if (opts.inPlace && opts.from.kind !== 'beginning') throw new Error('--from: refused with --in-place: an in-place replay must rebuild from the beginning');
  const log = createLogger('replay');
  const kafka = createKafka(cfg, 'replay');
  const admin = kafka.admin();
  await admin.connect();
  const ch = createClickhouse(cfg);
  let deadLetters = 0;
  // dead letters of a replay are counted, not re-sent: the live DLQ already holds them
  const countingProducer = { send: async (r: { messages: unknown[] }) => ((deadLetters += r.messages.length), []) } as unknown as Producer;
  const t0 = performance.now();
  let done = 0;
  const deps: RebuildDeps = { cfg, kafka, admin, ch, codec: AvroCodec.fromConfig(cfg), target, deadLetters: countingProducer, log, onWritten: (n) => (done += n) };
  try {
    const plans: PlannedProjection[] = [];
    for (const p of opts.projections) plans.push(await plan(cfg, admin, p, opts.from));
    const total = plans.reduce((n, p) => n + p.total, 0);
    await exec(ch, `CREATE DATABASE IF NOT EXISTS ${target}`);
    for (const p of plans) {
      const { spec } = p.projection;
      if (opts.inPlace) for (const t of spec.checksumTables) for (const drop of dropTableDdl(target, t.table, cfg.clickhouse.cluster)) await exec(ch, drop);
      await spec.createTables(ch, target, cfg.clickhouse.cluster);
      if (p.ends.size === 0) continue;
      const ticker = setInterval(() => opts.onProgress?.(done, total, done / Math.max(0.001, (performance.now() - t0) / 1000)), 250);
      try {
        await rebuild(deps, p);
      } finally {
        clearInterval(ticker);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    opts.onProgress?.(done, total, done / Math.max(0.001, seconds));
    const comparison =
      opts.from.kind === 'beginning' && target !== live
        ? await compareDatabases(ch, live, target, opts.projections.flatMap((p) => p.spec.checksumTables))
        : null;
    return { events: done, seconds, eventsPerSecond: done / Math.max(0.001, seconds), deadLetters, comparison };
  } finally {
    await admin.disconnect();
    await ch.close();
  }
}
