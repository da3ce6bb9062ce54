/**
 * The gateway's restart snapshot: the online feature state (every series'
 * history and the store's counters) with the `sales.weekly` offsets it
 * covers, so a restart loads it and reads only the log after those offsets
 * instead of folding every sales event from offset 0.
 *
 * Consistency without pausing the follower: the offsets and counters are
 * read in one synchronous step (SeriesStore sets an offset in the same tick
 * as the upsert it covers), then the histories are encoded chunk by chunk
 * while the follower keeps applying events. A history encoded later may
 * already hold some events past the recorded offsets; replaying them is
 * harmless because an upsert is idempotent and a series' events stay in log
 * order in one partition, so each week ends with the value of its last event
 * either way. The counters are the ones read with the offsets, so nothing is
 * counted twice.
 *
 * This file is the pure part (format, validity rule, encode/decode);
 * snapshot-store.ts keeps snapshots in ClickHouse and runs the schedule.
 */
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import { z } from 'zod';
import { decodeHistories, encodedSize, encodeHistories } from '../../domain/features/history-codec.js';
import type { SeriesHistory } from '../../domain/features/features.js';
import type { SeriesStore } from './series-store.js';

/** Bump when the byte layout (history-codec.ts) or the meta changes meaning: older snapshots are then refused. */
export const SNAPSHOT_FORMAT = 3;
/** Weeks of room each restored history gets past its last week (history-codec.ts): the log after a snapshot usually holds a few weeks, which then need no reallocation; a longer tail grows the arrays as a fold does. */
export const SPARE_WEEKS = 8;
/** Raw bytes per chunk before compression: big enough that deflate sees many series of one store (their exogenous columns repeat), small enough to keep one chunk's copy cheap. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

const offsetText = z.string().regex(/^\d+$/, 'a non-negative integer offset as text');
const isoWeek = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable();

/** What a snapshot says about itself; stored as JSON beside its chunks. */
export const SnapshotMetaSchema = z.object({
  id: z.string().min(1),
  format: z.number().int(),
  featureVersion: z.string(),
  topic: z.string(),
  /** partition -> the next offset not covered (offsets as text: they are 64-bit) */
  offsets: z.record(z.string().regex(/^\d+$/), offsetText),
  events: z.number().int().min(0),
  series: z.number().int().min(0),
  latestWeek: isoWeek,
  firstWeek: isoWeek,
  /** number of compressed chunks, and the sha256 over them in order */
  parts: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** ms since epoch */
  createdAt: z.number().int(),
});
export type SnapshotMeta = z.infer<typeof SnapshotMetaSchema>;

/** The topic as it is now, and the feature version this code computes. */
export interface LogNow {
  topic: string;
  featureVersion: string;
  /** every partition of the topic with its first and end offsets */
  partitions: readonly { partition: number; low: bigint; high: bigint }[];
}

/** A snapshot's meta from its stored JSON, or the reason it cannot be read. */
export function parseMeta(json: string): SnapshotMeta | { refused: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { refused: 'its meta is not JSON' };
  }
  const r = SnapshotMetaSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return { refused: `its meta field ${i.path.join('.') || '(root)'} is invalid: ${i.message}` };
  }
  return r.data;
}

/**
 * Why a snapshot cannot be continued from the log as it is now (null = it
 * can): another format or feature version, another topic, another set of
 * partitions, or an offset outside a partition's log (past its end: the
 * topic was recreated or truncated; before its start: the events between
 * were deleted, so the snapshot cannot be brought up to date).
 */
export function snapshotRefusal(meta: SnapshotMeta, now: LogNow): string | null {
  if (meta.format !== SNAPSHOT_FORMAT) return `format ${meta.format}, this gateway reads format ${SNAPSHOT_FORMAT}`;
  if (meta.featureVersion !== now.featureVersion) return `feature version ${meta.featureVersion}, this gateway computes ${now.featureVersion}`;
  if (meta.topic !== now.topic) return `it covers topic ${meta.topic}, this gateway follows ${now.topic}`;
  const have = Object.keys(meta.offsets).map(Number).sort((a, b) => a - b);
  const want = now.partitions.map((p) => p.partition).sort((a, b) => a - b);
  if (have.join(',') !== want.join(',')) return `it covers partitions [${have.join(',')}], ${now.topic} has [${want.join(',')}]`;
  for (const p of now.partitions) {
    const o = BigInt(meta.offsets[String(p.partition)]!);
    if (o > p.high) return `partition ${p.partition}: it covers up to offset ${o}, beyond the log end ${p.high} (topic recreated or truncated)`;
    if (o < p.low) return `partition ${p.partition}: it covers up to offset ${o}, before the log start ${p.low} (the events between were deleted)`;
  }
  return null;
}

/** The state as of one instant: counters and offsets read together, the histories to encode (see the top of this file). */
export interface Captured {
  topic: string;
  featureVersion: string;
  events: number;
  latestWeek: string | null;
  firstWeek: string | null;
  offsets: Map<number, bigint>;
  histories: SeriesHistory[];
}

/** Reads the store's counters, offsets and series list in one synchronous step. `partitions` lists every partition of the topic with the offset the follower started it at (a partition with no event yet is covered from there). */
export function capture(store: SeriesStore, topic: string, featureVersion: string, starts: ReadonlyMap<number, bigint>): Captured {
  const offsets = new Map(starts);
  for (const [p, o] of store.offsets) offsets.set(p, o);
  // in store order, so a store's departments share chunks (and their exogenous block: history-codec.ts)
  const histories = [...store.all()].sort((a, b) => a.store - b.store || a.dept - b.dept);
  return { topic, featureVersion, events: store.events, latestWeek: store.latestWeek, firstWeek: store.firstWeek, offsets, histories };
}

/** A captured state as meta + compressed chunks of about `chunkBytes` raw bytes each (each chunk decodes on its own). */
export async function encodeSnapshot(c: Captured, opts: { now?: number; chunkBytes?: number } = {}): Promise<{ meta: SnapshotMeta; parts: Buffer[] }> {
  const now = opts.now ?? Date.now();
  const chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
  const parts: Buffer[] = [];
  const hash = createHash('sha256');
  let chunk: SeriesHistory[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    // level 1: most of the gain (NaN runs, a store's repeated exogenous columns) at a fraction of the time of higher levels
    const z = await deflateAsync(encodeHistories(chunk), { level: 1 });
    hash.update(z);
    parts.push(z);
    chunk = [];
    bytes = 0;
  };
  for (const h of c.histories) {
    chunk.push(h);
    bytes += encodedSize(h);
    if (bytes >= chunkBytes) await flush();
  }
  await flush();
  const meta: SnapshotMeta = {
    id: `${now}-${randomUUID().slice(0, 8)}`,
    format: SNAPSHOT_FORMAT,
    featureVersion: c.featureVersion,
    topic: c.topic,
    offsets: Object.fromEntries([...c.offsets].sort((a, b) => a[0] - b[0]).map(([p, o]) => [String(p), o.toString()])),
    events: c.events,
    series: c.histories.length,
    latestWeek: c.latestWeek,
    firstWeek: c.firstWeek,
    parts: parts.length,
    sha256: hash.digest('hex'),
    createdAt: now,
  };
  return { meta, parts };
}

/** Reads chunks in order, checking their count and sha256 against the meta; the reason when they do not match. */
export class SnapshotReader {
  private readonly hash = createHash('sha256');
  private count = 0;
  readonly histories: SeriesHistory[] = [];
  /** time spent inflating (on libuv's threads, overlapping) and decoding (on the main thread), ms; bytes read and inflated */
  readonly cost = { inflateMs: 0, decodeMs: 0, bytes: 0, rawBytes: 0 };

  constructor(private readonly meta: SnapshotMeta) {}

  /**
   * Adds chunk `part` (0-based, in order): the order and the hash are checked
   * at once, the inflate and decode run when the returned promise settles,
   * so a caller can keep several in flight (zlib runs them on libuv's
   * threads). Rejects with the reason when it is out of order or does not decode.
   */
  add(part: number, z: Buffer): Promise<void> {
    if (part !== this.count) return Promise.reject(new Error(`chunk ${part} arrived where chunk ${this.count} was expected`));
    this.hash.update(z);
    this.count++;
    this.cost.bytes += z.length;
    const t0 = performance.now();
    return inflateAsync(z).then((raw) => {
      const t1 = performance.now();
      for (const h of decodeHistories(raw, SPARE_WEEKS)) this.histories.push(h);
      this.cost.inflateMs += t1 - t0;
      this.cost.decodeMs += performance.now() - t1;
      this.cost.rawBytes += raw.length;
    });
  }

  /** The reason the chunks read do not make the snapshot the meta describes (null = they do). */
  finish(): string | null {
    if (this.count !== this.meta.parts) return `${this.count} of its ${this.meta.parts} chunks are stored (written partly)`;
    const sha = this.hash.digest('hex');
    if (sha !== this.meta.sha256) return `its chunks hash to ${sha.slice(0, 12)}, its meta says ${this.meta.sha256.slice(0, 12)} (corrupt)`;
    if (this.histories.length !== this.meta.series) return `it decodes to ${this.histories.length} series, its meta says ${this.meta.series}`;
    return null;
  }
}

/** The offsets of a meta as `partition -> offset`. */
export function offsetsOf(meta: SnapshotMeta): Map<number, bigint> {
  return new Map(Object.entries(meta.offsets).map(([p, o]) => [Number(p), BigInt(o)]));
}
