/**
 * Where the gateway's restart snapshots live and when they are written.
 * ClickHouse, because every replica can reach it (a new replica on another
 * host starts from the same snapshot) and a snapshot of 50,000 series is
 * tens of megabytes, more than a Kafka message holds without chunking and
 * compaction bookkeeping. Two tables: the chunks, one partition per snapshot
 * (dropping an old snapshot is a metadata operation), and the heads, one row
 * per snapshot written only after all its chunks, so a head means "complete".
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin } from 'kafkajs';
import { exec, ident, insertRowBinary, strLit } from '../../lib/clickhouse/client.js';
import { tableDdl } from '../../lib/clickhouse/ddl.js';
import { DependencyError, messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { every, type Periodic } from '../../lib/process/periodic.js';
import { capture, encodeSnapshot, offsetsOf, parseMeta, snapshotRefusal, SnapshotReader, type LogNow, type SnapshotMeta } from './snapshot.js';
import type { SeriesStore } from './series-store.js';
import { partRows, rowBinaryString, u32 } from './snapshot-rows.js';
import { phase } from './startup-clock.js';

export const HEADS_TABLE = 'gateway_snapshots';
export const PARTS_TABLE = 'gateway_snapshot_parts';

export class SnapshotStore {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly ch: ClickHouseClient,
    private readonly database: string,
    private readonly cluster: string | null,
  ) {}

  private t(table: string): string {
    return `${ident(this.database, 'database')}.${table}`;
  }

  /** Creates the two tables once per process. */
  ensureTables(): Promise<void> {
    this.ready ??= (async () => {
      const heads = tableDdl({ database: this.database, table: HEADS_TABLE, columns: [{ name: 'id', type: 'String' }, { name: 'topic', type: 'String' }, { name: 'created_at', type: 'UInt64' }, { name: 'meta', type: 'String' }], engine: 'MergeTree', partitionBy: 'id', orderBy: '(topic, created_at)', shardBy: 'cityHash64(id)' }, this.cluster);
      const parts = tableDdl({ database: this.database, table: PARTS_TABLE, columns: [{ name: 'id', type: 'String' }, { name: 'part', type: 'UInt32' }, { name: 'data', type: 'String' }], engine: 'MergeTree', partitionBy: 'id', orderBy: 'part', shardBy: 'cityHash64(id)' }, this.cluster);
      for (const s of [...heads, ...parts]) await exec(this.ch, s);
    })().catch((err: unknown) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  /** Stores the chunks, then the head (readers ignore chunks without a head). */
  async write(meta: SnapshotMeta, parts: Buffer[]): Promise<void> {
    await this.ensureTables();
    // RowBinary: the chunks go as bytes (no base64, no JSON); a few per request, so a request never holds them all again
    const id = rowBinaryString(Buffer.from(meta.id));
    for (let i = 0; i < parts.length; i += 8) {
      const body = Buffer.concat(parts.slice(i, i + 8).flatMap((p, j) => [id, u32(i + j), rowBinaryString(p)]));
      await insertRowBinary(this.ch, this.t(PARTS_TABLE), ['id', 'part', 'data'], body);
    }
    await this.ch.insert({ table: this.t(HEADS_TABLE), values: [{ id: meta.id, topic: meta.topic, created_at: meta.createdAt, meta: JSON.stringify(meta) }], format: 'JSONEachRow' }).catch((err: unknown) => {
      throw new DependencyError('clickhouse', messageOf(err), err);
    });
  }

  /** The heads of `topic`'s snapshots, newest first, as stored (their meta not parsed yet). */
  async heads(topic: string): Promise<{ id: string; meta: string }[]> {
    await this.ensureTables();
    const rs = await this.ch.query({ query: `SELECT id, meta FROM ${this.t(HEADS_TABLE)} WHERE topic = ${strLit(topic)} ORDER BY created_at DESC, id DESC`, format: 'JSONEachRow' });
    return rs.json<{ id: string; meta: string }>();
  }

  /** Streams a snapshot's chunks in order into `reader`, a few decoding at once while the next arrive (RowBinary: bytes as stored). */
  async read(id: string, reader: SnapshotReader): Promise<void> {
    const r = await this.ch.exec({ query: `SELECT part, data FROM ${this.t(PARTS_TABLE)} WHERE id = ${strLit(id)} ORDER BY part FORMAT RowBinary` });
    const inFlight = new Set<Promise<void>>();
    let failed = null as { err: unknown } | null;
    for await (const row of partRows(r.stream as AsyncIterable<Buffer>)) {
      if (failed) break;
      const p: Promise<void> = reader.add(row.part, row.data).then(
        () => void inFlight.delete(p),
        (err: unknown) => {
          failed ??= { err };
          inFlight.delete(p);
        },
      );
      inFlight.add(p);
      if (inFlight.size >= 4) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failed) throw failed.err;
  }

  /** Drops snapshots of `topic` older than the newest `keep`. */
  async prune(topic: string, keep: number): Promise<number> {
    const old = (await this.heads(topic)).slice(keep);
    for (const { id } of old) {
      for (const table of [HEADS_TABLE, PARTS_TABLE]) await exec(this.ch, this.dropPartition(table, id));
    }
    return old.length;
  }

  private dropPartition(table: string, id: string): string {
    // on a cluster the data sits in each shard's <table>_local (lib/clickhouse/ddl.ts)
    if (this.cluster) return `ALTER TABLE ${this.t(`${table}_local`)} ON CLUSTER ${ident(this.cluster, 'CLICKHOUSE_CLUSTER')} DROP PARTITION ${strLit(id)}`;
    return `ALTER TABLE ${this.t(table)} DROP PARTITION ${strLit(id)}`;
  }
}

/** What a load found: the offsets to start `sales.weekly` at (null = no valid snapshot: fold from the beginning). */
export interface Loaded {
  offsets: Map<number, bigint> | null;
  id: string | null;
  ms: number;
}

/**
 * Restores the newest valid snapshot of `topic` into `store` (which must be
 * empty). Each snapshot refused is logged with the reason, then the next
 * older one is tried; with none left the caller folds the whole log. A
 * ClickHouse outage is also only logged: the log is the source of truth,
 * so the gateway can always start without a snapshot, only slower.
 */
export async function loadSnapshot(d: { snapshots: SnapshotStore; admin: Admin; topic: string; featureVersion: string; store: SeriesStore; log: Logger }): Promise<Loaded> {
  const t0 = performance.now();
  const none = (why: string): Loaded => {
    d.log.info(`no snapshot loaded (${why}): folding ${d.topic} from the beginning`);
    return { offsets: null, id: null, ms: performance.now() - t0 };
  };
  let heads: { id: string; meta: string }[];
  let partitions: LogNow['partitions'];
  try {
    // independent: the heads from ClickHouse, the topic's offsets from Kafka
    [heads, partitions] = await Promise.all([
      d.snapshots.heads(d.topic),
      d.admin.fetchTopicOffsets(d.topic).then((ps) => ps.map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) }))),
    ]);
  } catch (err) {
    return none(`snapshots unreadable: ${messageOf(err)}`);
  }
  let t = phase(d.log, 'snapshot heads', t0, `${heads.length} stored for ${d.topic}`);
  if (heads.length === 0) return none(`none stored for ${d.topic}`);
  for (const head of heads) {
    const meta = parseMeta(head.meta);
    const refused = 'refused' in meta ? meta.refused : snapshotRefusal(meta, { topic: d.topic, featureVersion: d.featureVersion, partitions });
    if ('refused' in meta || refused !== null) {
      d.log.warn(`snapshot ${head.id} ignored: ${refused}`);
      continue;
    }
    const reader = new SnapshotReader(meta);
    let why: string | null;
    try {
      await d.snapshots.read(head.id, reader);
      why = reader.finish();
    } catch (err) {
      why = `its chunks do not decode: ${messageOf(err)}`;
    }
    if (why !== null) {
      d.log.warn(`snapshot ${head.id} ignored: ${why}`);
      continue;
    }
    const c = reader.cost;
    t = phase(d.log, 'snapshot chunks', t, `${meta.parts} read, ${(c.bytes / 1e6).toFixed(1)} MB -> ${(c.rawBytes / 1e6).toFixed(1)} MB inflated (inflate ${(c.inflateMs / 1000).toFixed(2)} s on worker threads, decode ${(c.decodeMs / 1000).toFixed(2)} s), overlapping the ClickHouse read`);
    const offsets = offsetsOf(meta);
    d.store.restore(reader.histories, { events: meta.events, latestWeek: meta.latestWeek, firstWeek: meta.firstWeek, offsets });
    phase(d.log, 'snapshot restore', t, `${meta.series} series into the store`);
    const ms = performance.now() - t0;
    d.log.info(`snapshot ${head.id} loaded in ${(ms / 1000).toFixed(1)} s: ${meta.series} series, ${meta.events} events; reading ${d.topic} from ${[...offsets].map(([p, o]) => `${p}@${o}`).join(' ')}`);
    return { offsets, id: head.id, ms };
  }
  return none('every stored snapshot was refused');
}

export interface SnapshotWriter {
  /** Writes one now if the state moved since the last one (returns its id, or null when nothing changed). */
  writeNow(): Promise<string | null>;
  /** Stops the schedule and writes a last snapshot if the state moved (clean shutdown). */
  stop(): Promise<void>;
}

/**
 * Writes a snapshot every `everyMs` (0 = only at stop) once the state has
 * caught up, skipping a tick when no sales event arrived since the last one,
 * and keeps the newest `keep`. A failed write is logged; the next tick tries
 * again.
 */
export function startSnapshots(d: {
  snapshots: SnapshotStore;
  store: SeriesStore;
  topic: string;
  featureVersion: string;
  /** partition -> the offset the follower started it at */
  starts: ReadonlyMap<number, bigint>;
  everyMs: number;
  keep: number;
  isCaughtUp: () => boolean;
  log: Logger;
}): SnapshotWriter {
  const cover = (offsets: ReadonlyMap<number, bigint>) => [...offsets].sort((a, b) => a[0] - b[0]).map(([p, o]) => `${p}@${o}`).join(' ');
  // what the state covers when it starts (a loaded snapshot's offsets): writing it again would add nothing
  let last = cover(d.starts);
  let inFlight: Promise<string | null> | null = null;
  const write = async (): Promise<string | null> => {
    if (!d.isCaughtUp()) return null;
    const c = capture(d.store, d.topic, d.featureVersion, d.starts);
    const at = cover(c.offsets);
    if (at === last) return null;
    const t0 = performance.now();
    const { meta, parts } = await encodeSnapshot(c);
    const t1 = performance.now();
    await d.snapshots.write(meta, parts);
    last = at;
    const dropped = await d.snapshots.prune(d.topic, d.keep);
    const mb = parts.reduce((s, p) => s + p.length, 0) / 1e6;
    d.log.info(`snapshot ${meta.id} written: ${meta.series} series, ${meta.events} events, ${mb.toFixed(1)} MB in ${meta.parts} chunks (encode ${((t1 - t0) / 1000).toFixed(1)} s, store ${((performance.now() - t1) / 1000).toFixed(1)} s), covers ${at}${dropped ? `; ${dropped} older dropped` : ''}`);
    return meta.id;
  };
  const writeNow = () => {
    inFlight ??= write().finally(() => (inFlight = null));
    return inFlight;
  };
  const logged = () =>
    writeNow().catch((err: unknown) => {
      d.log.warn(`snapshot not written: ${messageOf(err)}`);
      return null;
    });
  const timer: Periodic | null = d.everyMs > 0 ? every(d.everyMs, logged) : null;
  return {
    writeNow,
    async stop() {
      await timer?.stop();
      await inFlight?.catch(() => null);
      await logged();
    },
  };
}

/** Where the sales fold starts, and how its snapshots get written. */
export interface SalesResume {
  /** for the follower: `topic/partition` -> start offset (the snapshot's, else the log start) */
  startAt: Map<string, bigint>;
  /** the snapshot loaded, if any */
  loaded: Loaded | null;
  /** starts the snapshot schedule (null when snapshots are off) */
  startWriter(isCaughtUp: () => boolean): SnapshotWriter | null;
}

/**
 * The gateway's start with snapshots (config `gateway.snapshots`): loads the
 * newest valid one into the empty `store`, and returns where each
 * `sales.weekly` partition is to be read from.
 */
export async function resumeSales(d: {
  ch: ClickHouseClient;
  database: string;
  cluster: string | null;
  admin: Admin;
  topic: string;
  featureVersion: string;
  store: SeriesStore;
  settings: { enabled: boolean; everyS: number; keep: number };
  log: Logger;
}): Promise<SalesResume> {
  const snapshots = new SnapshotStore(d.ch, d.database, d.cluster);
  const loaded = d.settings.enabled ? await loadSnapshot({ snapshots, admin: d.admin, topic: d.topic, featureVersion: d.featureVersion, store: d.store, log: d.log }) : null;
  const starts = new Map<number, bigint>();
  for (const p of await d.admin.fetchTopicOffsets(d.topic)) starts.set(p.partition, loaded?.offsets?.get(p.partition) ?? BigInt(p.low));
  return {
    startAt: new Map([...starts].map(([p, o]) => [`${d.topic}/${p}`, o])),
    loaded,
    startWriter: (isCaughtUp) =>
      d.settings.enabled
        ? startSnapshots({ snapshots, store: d.store, topic: d.topic, featureVersion: d.featureVersion, starts, everyMs: d.settings.everyS * 1000, keep: d.settings.keep, isCaughtUp, log: d.log })
        : null,
  };
}
