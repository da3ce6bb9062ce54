/**
 * The stalled-consumer watchdog: a safety net behind the consumer runner.
 * Every few seconds it looks at the group from outside (an admin client:
 * end offsets and committed offsets); when messages wait (lag above zero)
 * and the committed offsets have not moved for `stallMs`, while the runner
 * is not retrying a write on a dependency that is down (an outage it waits
 * out on purpose, see lib/kafka/runner.ts), the consumer is stalled inside its
 * client: the watchdog says why and fails the runner, the process exits and
 * the supervisor starts a fresh one, which resumes from the last commit.
 * It is the net, not the fix: the broker-loss stall it was written for is
 * fixed at its cause (docs/reliability.md, "Broker loss").
 */
import type { Admin } from 'kafkajs';
import { AppError, messageOf } from '../errors.js';
import type { Logger } from '../log.js';
import { every } from '../process/periodic.js';

/** One look at a group: how far behind, where its commits stand, and whether the runner is waiting on purpose. */
export interface GroupSample {
  /** epoch ms */
  at: number;
  /** messages behind the end over the watched partitions; null when Kafka did not answer */
  lag: number | null;
  /** sum of the committed offsets over those partitions (it only grows while the group makes progress) */
  committed: number;
  /** why the runner holds back on purpose now (a write retried on a dependency), or null */
  waiting: string | null;
}

/** Since when the group has been behind without progress (null: the clock is not running), and where its commits stood. */
export interface WatchState {
  since: number | null;
  committed: number | null;
}

export type Verdict = { stalled: false } | { stalled: true; reason: string };

/**
 * The watchdog's decision for one sample, pure. The clock of a stall runs
 * only across samples that are behind (lag above zero), measured (Kafka
 * answered), not waiting on purpose (the runner retries a write on a
 * dependency) and that see the same committed offsets; it starts at the
 * first such sample, so time of unknown state (unmeasured, caught up,
 * waiting) never counts. `stallMs` is how long it may run before the
 * consumer counts as stalled.
 */
export function watch(state: WatchState | null, s: GroupSample, stallMs: number): { state: WatchState; verdict: Verdict } {
  const calm = { stalled: false } as const;
  if (s.lag === null) return { state: { since: null, committed: state?.committed ?? null }, verdict: calm };
  if (s.lag === 0 || s.waiting !== null) return { state: { since: null, committed: s.committed }, verdict: calm };
  if (state?.since == null || s.committed !== state.committed) return { state: { since: s.at, committed: s.committed }, verdict: calm };
  const forMs = s.at - state.since;
  if (forMs < stallMs) return { state, verdict: calm };
  return {
    state,
    verdict: {
      stalled: true,
      reason: `${s.lag} messages wait and the committed offsets have not moved for ${Math.round(forMs / 1000)} s (limit ${Math.round(stallMs / 1000)} s), with no write being retried: the consumer is stuck (a request that never returns, in Kafka's client or a write)`,
    },
  };
}

/** What a stall fails the runner with: retriable (a new process resumes from the last commit). */
export class StalledConsumerError extends AppError {
  constructor(reason: string) {
    super('CONSUMER_STALLED', reason, { retriable: true });
  }
}

/** Lag and the sum of committed offsets of `groupId` over `topics` (a partition never committed counts from its low offset). */
export async function groupPosition(admin: Admin, groupId: string, topics: string[]): Promise<{ lag: number; committed: number }> {
  let lag = 0;
  let committed = 0;
  for (const topic of topics) {
    const [ends, done] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const at = new Map<number, number>();
    for (const t of done) for (const p of t.partitions) at.set(p.partition, Number(p.offset));
    for (const p of ends) {
      const c = at.get(p.partition) ?? -1;
      const from = c < 0 ? Number(p.low) : c;
      lag += Math.max(0, Number(p.high) - from);
      committed += from;
    }
  }
  return { lag, committed };
}

export interface WatchdogOptions {
  admin: Admin;
  groupId: string;
  topics: string[];
  /** no progress while behind for this long counts as a stall (ms); 0 turns the watchdog off */
  stallMs: number;
  /** why the runner holds back on purpose now, or null (lib/kafka/runner.ts `waiting()`) */
  waiting(): string | null;
  /** called once, with the reason, when the consumer is stalled */
  onStall(reason: string): void;
  log: Logger;
  /** how often to look (ms; default a tenth of stallMs, between 1 and 5 s) */
  everyMs?: number;
  now?: () => number;
}

/** Starts watching; `stop()` waits for a look in flight (the admin client may then be closed). */
export function startWatchdog(o: WatchdogOptions): { stop(): Promise<void> } {
  if (o.stallMs <= 0) return { stop: async () => undefined };
  const now = o.now ?? Date.now;
  let state: WatchState | null = null;
  let fired = false;
  const look = every(o.everyMs ?? Math.min(5_000, Math.max(1_000, Math.floor(o.stallMs / 10))), async () => {
    if (fired) return;
    const waiting = o.waiting();
    let sample: GroupSample;
    try {
      const p = await groupPosition(o.admin, o.groupId, o.topics);
      sample = { at: now(), lag: p.lag, committed: p.committed, waiting };
    } catch (err) {
      o.log.debug(`watchdog: group position not measured (${messageOf(err)})`);
      sample = { at: now(), lag: null, committed: 0, waiting };
    }
    const r = watch(state, sample, o.stallMs);
    state = r.state;
    if (r.verdict.stalled) {
      fired = true;
      o.log.error(`stalled consumer (group ${o.groupId}): ${r.verdict.reason}; exiting so that the supervisor starts a fresh process`);
      o.onStall(r.verdict.reason);
    }
  });
  return { stop: () => look.stop() };
}
