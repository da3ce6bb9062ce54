/**
 * Which broker is a consumer group's coordinator: the leader of the
 * `__consumer_offsets` partition the group id hashes to (Kafka's
 * `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`). The
 * broker-loss scenario stops that broker on purpose: a consumer whose
 * coordinator goes away is the case that stalled (docs/reliability.md,
 * "Broker loss"); a broker that only leads partitions is the easy one.
 */
import type { Admin } from 'kafkajs';
import { AppError } from '../lib/errors.js';

/** Java's `String.hashCode()`: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit two's complement. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The `__consumer_offsets` partition of `groupId` among `partitions` (Kafka's Utils.abs maps -2^31 to 0). */
export function offsetsPartitionOf(groupId: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new AppError('CHAOS', `partitions: expected a positive integer, got ${partitions}`);
  const h = javaStringHash(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
}

/** The node id of `groupId`'s coordinator now: the leader of its `__consumer_offsets` partition. */
export async function coordinatorNode(admin: Admin, groupId: string): Promise<number> {
  const { topics } = await admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] });
  const parts = topics[0]?.partitions ?? [];
  if (parts.length === 0) throw new AppError('CHAOS', '__consumer_offsets has no partitions yet: no group has committed');
  const p = offsetsPartitionOf(groupId, parts.length);
  const leader = parts.find((x) => x.partitionId === p)?.leader;
  if (leader === undefined || leader < 0) throw new AppError('CHAOS', `__consumer_offsets partition ${p} (group ${groupId}) has no leader`);
  return leader;
}
