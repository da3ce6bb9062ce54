/**
 * The gate every training trigger (threshold, cron) passes before it decides:
 * the data it decides on must have caught up with the sales log as the log
 * stands at decision time. Without it, a trigger that watched a backfill go
 * by fired on the third of the history the materializer had written so far,
 * and that model was promoted. "Caught up" means every reader the decision
 * depends on (the materializer, whose rows the run reads; the threshold
 * watcher, whose spans say whether the threshold is reached) has passed the
 * end offsets read now, partition by partition, and the log is not being
 * bulk-loaded (growing faster than BULK_EVENTS_PER_S). While a backfill or a
 * replay is written or materialized the gate stays shut and says why.
 */
import type { Admin } from 'kafkajs';

/** One partition's offsets, as the admin client gives them. */
export interface PartitionEnd {
  partition: number;
  low: number;
  high: number;
}

/** A reader of the sales log: partition -> next offset it will read (a committed offset); a missing partition has read nothing. */
export interface ReaderPosition {
  name: string;
  next: ReadonlyMap<number, number>;
}

export interface GateVerdict {
  open: boolean;
  /** Events each reader still has to read, by reader name. */
  behind: Record<string, number>;
  /** Why it is shut (empty when open), for the log and the dashboard. */
  reason: string;
}

/** Pure: whether every reader has passed `ends` (of the log `logName`). A reader that never read a partition counts from its low offset. */
export function gateOf(ends: readonly PartitionEnd[], readers: readonly ReaderPosition[], logName = 'the sales log'): GateVerdict {
  const behind: Record<string, number> = {};
  for (const r of readers) {
    let n = 0;
    for (const e of ends) n += Math.max(0, e.high - Math.max(e.low, r.next.get(e.partition) ?? e.low));
    behind[r.name] = n;
  }
  const late = readers.filter((r) => behind[r.name]! > 0);
  const reason = late.length === 0 ? '' : `waiting for the data: ${late.map((r) => `${r.name} ${behind[r.name]!.toLocaleString('en-US')} events behind`).join(', ')} ${logName} (a backfill or a replay is being materialized)`;
  return { open: late.length === 0, behind, reason };
}

/**
 * Events per second above which a log is taken to be bulk-loaded (a backfill,
 * an import, a replay being written), so the gate stays shut whatever the
 * readers' positions. The materializer keeps up with a backfill (it wrote
 * 47,000 rows/s while the simulator produced 28,000 events/s), so "caught
 * up" alone let the first threshold fire at a third of the history in
 * `npm start`; the continuous simulator writes 75 events/s, a live week of
 * 3,300 series arrives in one burst that passes within a second or two.
 */
export const BULK_EVENTS_PER_S = 1_000;
/** How long the log's growth is watched before a verdict (ms): long enough to tell a backfill from a stream's batch. */
export const GROWTH_WINDOW_MS = 1_000;

/** Pure: whether the log grew faster than `maxRate` events/s between two readings of its ends `ms` apart; the shut verdict says so. */
export function growthOf(before: readonly PartitionEnd[], after: readonly PartitionEnd[], ms: number, maxRate: number, logName = 'the sales log'): { bulk: boolean; rate: number; reason: string } {
  const high = new Map(before.map((e) => [e.partition, e.high]));
  let grown = 0;
  for (const e of after) grown += Math.max(0, e.high - (high.get(e.partition) ?? e.low));
  const rate = ms > 0 ? (grown * 1000) / ms : 0;
  const bulk = rate > maxRate;
  return { bulk, rate, reason: bulk ? `waiting for the data: ${logName} is growing at ${Math.round(rate).toLocaleString('en-US')} events/s (a backfill, an import or a replay is being written)` : '' };
}

/** The committed positions of a consumer group on `topic` (a partition with no commit is left out). */
export async function committedPositions(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const t of await admin.fetchOffsets({ groupId, topics: [topic] })) {
    for (const p of t.partitions) if (Number(p.offset) >= 0) out.set(p.partition, Number(p.offset));
  }
  return out;
}

/** The sales log's end offsets now. */
export async function logEnds(admin: Admin, topic: string): Promise<PartitionEnd[]> {
  return (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, low: Number(p.low), high: Number(p.high) }));
}

/**
 * Reads the log's ends now, then polls the materializer's committed
 * positions (and any extra reader's) for up to `settleMs` (default 1 s) until
 * they pass those ends, and returns the verdict. Ends are read first, so a
 * reader that passed them has seen everything the log held when the trigger
 * asked. Why the second: in continuous mode the simulator sends a batch every
 * 250 ms and the materializer commits every 500 ms, so its lag is rarely 0
 * at any one instant, while it always reaches a given end within a second;
 * a backfill or a replay leaves it thousands of events short of that end.
 */
export async function checkDataGate(
  admin: Admin,
  topic: string,
  materializerGroup: string,
  extra: () => Promise<ReaderPosition[]> = async () => [],
  opts: { settleMs?: number; pollMs?: number; maxRate?: number; growthWindowMs?: number } = {},
): Promise<GateVerdict> {
  return settleGate(admin, topic, async () => [{ name: 'materializer', next: await committedPositions(admin, materializerGroup, topic) }, ...(await extra())], 'the sales log', opts);
}

/** The same gate for any log and its readers: ends read now, readers polled for up to `settleMs` until they pass them. */
export async function settleGate(
  admin: Admin,
  topic: string,
  readers: () => Promise<ReaderPosition[]>,
  logName: string,
  opts: { settleMs?: number; pollMs?: number; maxRate?: number; growthWindowMs?: number } = {},
): Promise<GateVerdict> {
  const ends = await logEnds(admin, topic);
  const t0 = Date.now();
  const until = t0 + (opts.settleMs ?? 1000);
  let v: GateVerdict;
  for (;;) {
    v = gateOf(ends, await readers(), logName);
    if (v.open || Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
  if (!v.open) return v;
  // caught up with the ends read at t0, but is the log being bulk-loaded? (then a reader at its end is only momentarily so)
  const window = opts.growthWindowMs ?? GROWTH_WINDOW_MS;
  const wait = t0 + window - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const g = growthOf(ends, await logEnds(admin, topic), Date.now() - t0, opts.maxRate ?? BULK_EVENTS_PER_S, logName);
  return g.bulk ? { open: false, behind: v.behind, reason: g.reason } : v;
}

/** Merges in-process positions with committed ones (the later wins per partition): a reader's batch is counted before its commit. */
export function laterPositions(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): Map<number, number> {
  const out = new Map(a);
  for (const [p, o] of b) if (o > (out.get(p) ?? -1)) out.set(p, o);
  return out;
}

/** What a trigger reports about its gate: waiting (with why) or deciding on caught-up data. */
export interface TriggerGateStatus {
  trigger: string;
  waiting: boolean;
  reason: string;
  /** Epoch ms the current state began. */
  since: number;
}

/** Re-announces a wait this often (ms), so a dashboard that started later learns it. */
const REPEAT_MS = 10_000;

/**
 * Says what a trigger's gate does: a log line and a diagnostic (relayed to the
 * dashboard's Components panel) when it starts waiting, every 10 s while it
 * waits, and once when the data has caught up.
 */
export class GateReporter {
  private current: TriggerGateStatus;
  private lastSaid = 0;

  constructor(
    private readonly trigger: string,
    private readonly say: (s: TriggerGateStatus, text: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.current = { trigger, waiting: false, reason: '', since: now() };
  }

  status(): TriggerGateStatus {
    return this.current;
  }

  /** The gate is shut for a decision about `what` (e.g. "threshold reached: 80% of series ..."). */
  waiting(verdict: GateVerdict, what: string): void {
    const t = this.now();
    const began = !this.current.waiting;
    this.current = { trigger: this.trigger, waiting: true, reason: verdict.reason, since: began ? t : this.current.since };
    // the counts change at every check during a backfill: said when the wait begins, then every REPEAT_MS
    if (!began && t - this.lastSaid < REPEAT_MS) return;
    this.lastSaid = t;
    this.say(this.current, `${this.trigger}: ${what}; ${verdict.reason}`);
  }

  /** The gate opened (or nothing is pending): said once after a wait. */
  open(): void {
    if (!this.current.waiting) return;
    const t = this.now();
    const waited = Math.round((t - this.current.since) / 1000);
    this.current = { trigger: this.trigger, waiting: false, reason: '', since: t };
    this.lastSaid = t;
    this.say(this.current, `${this.trigger}: the materialized view caught up with the sales log after ${waited} s; deciding on it`);
  }
}

/**
 * Asks the gate every `everyMs` until it opens, reporting the wait; resolves
 * with the milliseconds waited, or null when `stopped()` turned true first.
 */
export async function waitForGate(gate: () => Promise<GateVerdict>, reporter: GateReporter, what: string, stopped: () => boolean, everyMs = 1000): Promise<number | null> {
  const t0 = Date.now();
  for (;;) {
    if (stopped()) return null;
    const v = await gate().catch((err: unknown): GateVerdict => ({ open: false, behind: {}, reason: `waiting: the log's offsets could not be read (${(err as Error).message})` }));
    if (v.open) {
      reporter.open();
      return Date.now() - t0;
    }
    reporter.waiting(v, what);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
