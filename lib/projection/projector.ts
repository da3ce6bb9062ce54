/**
 * One projector for every projection: connect, create topics and tables,
 * route each topic's events to its table through the typed contracts,
 * dead-letter what cannot be read, insert, and only then let the runner
 * commit. A projection is declared as data (`ProjectionSpec`: its routes and
 * tables) next to its concept in domain/; the sales materializer, the
 * registry projector, the backtest projector and replay all run it here.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { AvroCodec } from '../avro/codec.js';
import { createClickhouse } from '../clickhouse/client.js';
import type { Config, Topics } from '../config.js';
import { createKafka, ensureTopics, topicSpecs } from '../kafka/client.js';
import { createLogger, type Logger } from '../log.js';
import { routedSink, type RoutedBatch, type Route } from './routed-sink.js';
import { runBuffered, type RunningConsumer } from '../kafka/runner.js';
import { startWatchdog, StalledConsumerError } from '../kafka/stall-watchdog.js';

/** A table of a projection that replay compares; its checksum hashes every column unless `columns` narrows it (a test's row count). */
export interface ChecksumTable {
  table: string;
  columns?: string[];
}

/** A projection: which topics feed which tables, and how to create them. */
export interface ProjectionSpec {
  name: string;
  /** The topics that feed it (known before any table exists: replay plans with them). */
  topics(topics: Readonly<Topics>): string[];
  /** The routes, built once per start: a projection may seed state from what its tables already hold. */
  routes(ctx: { topics: Readonly<Topics>; ch: ClickHouseClient; database: string }): Route[] | Promise<Route[]>;
  /** Creates the tables in `database`; with `cluster` (CLICKHOUSE_CLUSTER), on every node of it (projections whose volume needs it). */
  createTables(ch: ClickHouseClient, database: string, cluster?: string | null): Promise<void>;
  /** What replay compares between a rebuilt projection and the live one. */
  checksumTables: ChecksumTable[];
}

export interface ProjectorOptions {
  /** consumer group (default `<name>-projector:<database>`; a new group replays from the beginning) */
  groupId?: string;
  /** flush when this many messages are buffered (default 5,000) */
  flushRows?: number;
  /** flush when the oldest buffered message is this old, in ms (default 200) */
  flushMs?: number;
  log?: Logger;
  /** Called after each batch is written (rows per table, dead letters). */
  onProjected?: (b: RoutedBatch) => void;
  /** the stall watchdog's limit in seconds (default the config's CONSUMER_STALL_S; 0 = off) */
  stallS?: number;
}

export interface Projector {
  running: RunningConsumer;
  groupId: string;
  /** Rows written per table since start, and dead letters. */
  counts(): { rows: Record<string, number>; dead: number };
  /** Resolves true once everything on the projection's topics when called is written, false after `timeoutMs` (default 30 s). */
  caughtUp(timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** The consumer group a projector of `spec` uses by default (others read its position: the trainer's data gate). */
export function projectorGroupId(spec: Pick<ProjectionSpec, 'name'>, database: string): string {
  return `${spec.name}-projector:${database}`;
}

/** Starts `spec`'s projector for the configured database. */
export async function startProjector(cfg: Readonly<Config>, spec: ProjectionSpec, opts: ProjectorOptions = {}): Promise<Projector> {
  const log = opts.log ?? createLogger(`${spec.name}-projector`);
  const database = cfg.clickhouse.database;
  const groupId = opts.groupId ?? projectorGroupId(spec, database);
  const kafka = createKafka(cfg, `${spec.name}-projector`);
  const admin = kafka.admin();
  const ch = createClickhouse(cfg);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let running: RunningConsumer | null = null;
  const close = () => Promise.allSettled([producer.disconnect(), admin.disconnect(), ch.close()]);
  try {
    await admin.connect();
    await ensureTopics(admin, topicSpecs(cfg));
    await spec.createTables(ch, database, cfg.clickhouse.cluster);
    const routes = await spec.routes({ topics: cfg.topics, ch, database });
    const topics = spec.topics(cfg.topics);
    checkRoutes(spec, routes, topics);
    await producer.connect();
    const counts = { rows: Object.fromEntries(routes.map((r) => [r.table, 0])) as Record<string, number>, dead: 0 };
    const onProjected = (b: RoutedBatch) => {
      for (const [table, rows] of b.rows) counts.rows[table] = (counts.rows[table] ?? 0) + rows.length;
      counts.dead += b.dead.length;
      for (const d of b.dead) log.warn(`dead-lettered ${d.delivery.topic}/${d.delivery.partition}@${d.delivery.offset}: ${d.reason}`);
      opts.onProjected?.(b);
    };
    const sink = routedSink({ codec: AvroCodec.fromConfig(cfg), ch, database, routes, producer, deadLetterTopic: cfg.topics.deadLetter, groupId, onProjected });
    running = await runBuffered({ kafka, groupId, topics, flushRows: opts.flushRows ?? 5_000, flushMs: opts.flushMs ?? 200, log, sink });
    const r = running;
    // the safety net behind the runner: a consumer stuck in its client ends `done` with the reason,
    // so the process exits and its supervisor starts a fresh one (CONSUMER_STALL_S, 0 = off)
    let stalled: (err: StalledConsumerError) => void = () => undefined;
    const stall = new Promise<never>((_, reject) => (stalled = reject));
    stall.catch(() => undefined);
    const watchdog = startWatchdog({ admin, groupId, topics, stallMs: (opts.stallS ?? cfg.watchdog.stallS) * 1000, waiting: () => r.waiting(), onStall: (reason) => stalled(new StalledConsumerError(reason)), log });
    const watched: RunningConsumer = { ...r, done: Promise.race([r.done, stall]) };
    return {
      running: watched,
      groupId,
      counts: () => ({ rows: { ...counts.rows }, dead: counts.dead }),
      caughtUp: (timeoutMs = 30_000) => committedToEnd(admin, groupId, topics, timeoutMs),
      async stop() {
        await watchdog.stop();
        await r.stop();
        await close();
      },
    };
  } catch (err) {
    await running?.stop().catch(() => undefined);
    await close();
    throw err;
  }
}

/** A projection whose routes do not read exactly its topics is a bug in its declaration. */
export function checkRoutes(spec: ProjectionSpec, routes: readonly Route[], topics: readonly string[]): void {
  const routed = routes.map((r) => r.topic).sort().join(',');
  if (routed !== [...topics].sort().join(',')) throw new Error(`projection ${spec.name}: routes read [${routed}] but the projection declares [${[...topics].sort().join(',')}]`);
}

/** Polls until `groupId` has committed the end offset (as of the call) of every non-empty partition of `topics`. */
async function committedToEnd(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, groupId: string, topics: string[], timeoutMs: number): Promise<boolean> {
  const ends = new Map<string, bigint>();
  for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) if (BigInt(p.high) > BigInt(p.low)) ends.set(`${t}/${p.partition}`, BigInt(p.high));
  const deadline = Date.now() + timeoutMs;
  // the runner commits only after the write, so committed offsets say what the tables hold
  for (;;) {
    const committed = new Map<string, bigint>();
    for (const t of await admin.fetchOffsets({ groupId, topics })) for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
    if ([...ends].every(([k, high]) => (committed.get(k) ?? -1n) >= high)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((res) => setTimeout(res, 100));
  }
}
