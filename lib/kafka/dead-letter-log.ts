/**
 * Reading the dead-letter topic back: every letter with its reason and
 * origin, grouped by the message it came from (several consumers may refuse
 * the same message), and the re-drives already done. A re-drive re-sends a
 * message's original key and bytes to its origin topic and records that it
 * did with a marker on the dead-letter topic itself, so the log says which
 * letters were re-driven, when and by whom.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { redactText } from '../redact.js';
import { DependencyError, ValidationError, messageOf } from '../errors.js';

/** One dead letter as stored: the original bytes and the headers the consumer wrote. */
export interface DeadLetterRecord {
  /** offset on the dead-letter topic */
  offset: string;
  key: string | null;
  value: Buffer | null;
  reason: string;
  group: string;
  at: string;
  origin: { topic: string; partition: number; offset: string; timestamp: string };
}

/** A message that was dead-lettered, by one consumer or more. */
export interface DeadMessage {
  /** `topic/partition@offset` of the original message */
  id: string;
  origin: DeadLetterRecord['origin'];
  key: string | null;
  value: Buffer | null;
  letters: DeadLetterRecord[];
  /** re-drives of this message, oldest first */
  redriven: { at: string; by: string; dlqOffset: string }[];
}

/** The id of an original message. */
export const messageId = (o: { topic: string; partition: number; offset: string }) => `${o.topic}/${o.partition}@${o.offset}`;

/** The parts of a dead-letter topic record the fold reads (a kafkajs message has them). */
export interface DlqMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/**
 * Folds one record of the dead-letter topic into `byId` (messages keyed by
 * their original id, in the order their first letter arrived): a letter joins
 * or starts its message, a re-drive marker is added to the messages it names.
 * Returns the message it touched as a letter (null for a re-drive marker).
 */
export function foldDeadLetter(byId: Map<string, DeadMessage>, message: DlqMessage): DeadMessage | null {
  const h = (k: string) => message.headers?.[k]?.toString() ?? '';
  if (h('dlq.kind') === 'redrive') {
    for (const id of h('dlq.redrive.of').split(',').filter(Boolean)) byId.get(id)?.redriven.push({ at: h('dlq.at'), by: h('dlq.redrive.by'), dlqOffset: message.offset });
    return null;
  }
  const origin = { topic: h('dlq.origin.topic'), partition: Number(h('dlq.origin.partition')), offset: h('dlq.origin.offset'), timestamp: h('dlq.origin.timestamp') };
  const id = messageId(origin);
  const letter: DeadLetterRecord = { offset: message.offset, key: message.key?.toString() ?? null, value: message.value, reason: redactText(h('dlq.reason')), group: h('dlq.consumer.group'), at: h('dlq.at'), origin };
  const m = byId.get(id) ?? { id, origin, key: letter.key, value: letter.value, letters: [], redriven: [] };
  m.letters.push(letter);
  byId.set(id, m);
  return m;
}

/** Every message on the dead-letter topic now, oldest first, with its letters and re-drives. */
export async function readDeadLetters(kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<DeadMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `dlq-reader-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.high) > BigInt(p.low));
    if (ends.length === 0) return [];
    const remaining = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
    const byId = new Map<string, DeadMessage>();
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        foldDeadLetter(byId, message);
        if (BigInt(message.offset) + 1n >= (remaining.get(partition) ?? 0n)) remaining.delete(partition);
        if (remaining.size === 0) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new DependencyError('kafka', `${topic} was not read to its end within ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([finished, timeout]);
    } finally {
      clearTimeout(timer);
      await consumer.disconnect().catch(() => undefined);
    }
    return [...byId.values()];
  } catch (err) {
    if (err instanceof DependencyError) throw err;
    throw new DependencyError('kafka', `reading ${topic} failed: ${messageOf(err)}`, err);
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Re-sends each message's original key and bytes to its origin topic (once
 * per message, whichever consumers refused it), then records the re-drive
 * on the dead-letter topic. Throws ValidationError for an unknown id.
 */
export async function redrive(kafka: Kafka, dlqTopic: string, messages: DeadMessage[], by: string): Promise<number> {
  if (messages.length === 0) return 0;
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const m of messages) {
      if (!m.origin.topic) throw new ValidationError('id', 'a dead letter with its origin topic in its headers', m.id);
      await producer.send({ topic: m.origin.topic, acks: -1, messages: [{ key: m.key, value: m.value, headers: { 'dlq.redriven.from': m.id } }] });
    }
    await producer.send({
      topic: dlqTopic,
      acks: -1,
      messages: [{ key: null, value: null, headers: { 'dlq.kind': 'redrive', 'dlq.redrive.of': messages.map((m) => m.id).join(','), 'dlq.redrive.by': by, 'dlq.at': new Date().toISOString() } }],
    });
    return messages.length;
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}
