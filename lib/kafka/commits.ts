/**
 * Committing a batch in a consumer group (lib/kafka/runner.ts): the group
 * consumer's settings, the offsets to commit, how a failed commit or a heartbeat error reads (the membership
 * lost, a rejoin needed, worth retrying or a bug), and heartbeating while a
 * slow write runs.
 */
import type { ConsumerConfig } from 'kafkajs';
import { isRetriable, messageOf } from '../errors.js';
import type { Delivery } from './delivery.js';

const HEARTBEAT_MS = 2_000;

/** The consumer's kafkajs retry policy: at most 2 s between tries (see groupConsumerConfig). */
export const CONSUMER_RETRY = { retries: 10, initialRetryTime: 300, maxRetryTime: 2_000 } as const;

/** The runner's consumer of group `groupId`: fetches of up to 32 MiB waiting at most `flushMs` (500 ms cap), a dead member noticed in seconds. */
export function groupConsumerConfig(groupId: string, flushMs: number): ConsumerConfig {
  return {
    groupId,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
    maxWaitTimeInMs: Math.min(flushMs, 500),
    // a killed member is noticed in seconds, so its partitions move on quickly
    sessionTimeout: 10_000,
    heartbeatInterval: 2_000,
    // kafkajs's default cap is 30 s between tries, and one retrier lives as long as the fetch loop:
    // a few errors in a row during a leader move (a broker stopped) left it idle for 30 s at a
    // time. Tries every 2 s at most keep a broker loss short; ten in a row still crash-restart it.
    retry: CONSUMER_RETRY,
  };
}

/**
 * kafkajs errors (their `type`) that say this member's commit no longer counts: the group
 * rebalanced or forgot it, and a rejoin follows. A coordinator that moved
 * (NOT_COORDINATOR_FOR_GROUP, GROUP_COORDINATOR_NOT_AVAILABLE: kafkajs's names, not Java's)
 * is not one of them: the member is still in the group, so its commit is retried, not dropped.
 */
const MEMBERSHIP_ERRORS = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'FENCED_INSTANCE_ID']);

/** Heartbeat errors after which kafkajs must join the group again (its runner rejoins on these when they reach it). */
const REJOIN_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']);

/** Whether a heartbeat error means the group must be joined again (kafkajs rejoins when eachBatch throws it). */
export function needsRejoin(err: unknown): boolean {
  const type = (err as { type?: unknown } | null)?.type;
  return typeof type === 'string' && REJOIN_ERRORS.has(type);
}

/**
 * A commit that failed after its batch was written. Retriable when its root cause is (kafkajs
 * wraps the error it gave up on: KafkaJSNonRetriableError caused by KafkaJSBrokerNotFound when
 * the old coordinator's broker left the metadata, as its own crash policy reads it), when kafkajs
 * ran out of tries (KafkaJSNumberOfRetriesExceeded), or while the consumer was restarting (kafkajs
 * refuses commits between a crash and the rejoin): the write is idempotent, so the batch is held
 * and written and committed again. A root cause that is not retriable (a bad offset: a bug) stops.
 */
export class CommitFailed extends Error {
  readonly retriable: boolean;
  readonly type: unknown;
  constructor(cause: unknown, restarting: boolean) {
    super(`commit failed: ${messageOf(cause)}`, { cause });
    this.name = 'CommitFailed';
    this.type = (cause as { type?: unknown } | null)?.type;
    this.retriable = restarting || (cause as { name?: unknown } | null)?.name === 'KafkaJSNumberOfRetriesExceeded' || isRetriable(rootCause(cause));
  }
}

/** The innermost `cause` of an error (at most 8 deep). */
function rootCause(err: unknown): unknown {
  let e = err;
  for (let depth = 0; depth < 8; depth++) {
    const next = (e as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    e = next;
  }
  return e;
}

/** Whether `err` (or its cause) is a group-membership error of a commit. */
export function isMembershipError(err: unknown): boolean {
  for (let e = err as { type?: unknown; name?: unknown; cause?: unknown } | null, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && MEMBERSHIP_ERRORS.has(e.type)) return true;
    if (e.name === 'KafkaJSRebalanceInProgress' || e.name === 'KafkaJSNotImplemented') return e.name === 'KafkaJSRebalanceInProgress';
  }
  return false;
}

/**
 * Per topic-partition, the offset to commit after a batch: its highest
 * offset + 1. Offsets are decimal strings without leading zeros, so a longer
 * one is larger and equal lengths compare as text: no BigInt per message,
 * only one per partition for the + 1.
 */
export function nextOffsets(batch: Delivery[]): Map<string, { topic: string; partition: number; offset: string }> {
  const highest = new Map<string, Map<number, string>>();
  for (const d of batch) {
    let parts = highest.get(d.topic);
    if (!parts) highest.set(d.topic, (parts = new Map()));
    const prev = parts.get(d.partition);
    if (prev === undefined || d.offset.length > prev.length || (d.offset.length === prev.length && d.offset > prev)) parts.set(d.partition, d.offset);
  }
  const out = new Map<string, { topic: string; partition: number; offset: string }>();
  for (const [topic, parts] of highest) for (const [partition, offset] of parts) out.set(`${topic}/${partition}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
  return out;
}

/**
 * Waits for `running` (a write), heartbeating every 2 s so a slow write does
 * not cost the group membership. A heartbeat that says the group must be
 * joined again (a rebalance, or the coordinator moved: its broker stopped) is
 * passed to `rejoinNeeded`, ends the wait and is thrown to kafkajs, which
 * rejoins at once; swallowed, it left the fetch loop waiting on a commit to
 * the old coordinator (the broker-loss stall). One more heartbeat follows the
 * wait. The write itself goes on either way.
 */
export async function heartbeatWhile(running: Promise<void>, heartbeat: () => Promise<void>, rejoinNeeded: (err: unknown) => void): Promise<void> {
  let rejoin: (err: unknown) => void = () => undefined;
  const mustRejoin = new Promise<never>((_, reject) => (rejoin = reject));
  // a heartbeat still in flight when the wait ended may reject it later, unheard
  mustRejoin.catch(() => undefined);
  const onBeatError = (err: unknown) => {
    if (!needsRejoin(err)) return;
    rejoinNeeded(err);
    rejoin(err);
  };
  const beat = setInterval(() => void heartbeat().catch(onBeatError), HEARTBEAT_MS);
  try {
    await Promise.race([running, mustRejoin]);
  } finally {
    clearInterval(beat);
  }
  await heartbeat().catch((err: unknown) => {
    onBeatError(err);
    if (needsRejoin(err)) throw err;
  });
}
