import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import { NotFoundError, messageOf } from '../../lib/errors.js';
import { readDeadLetters, redrive, type DeadMessage } from '../../lib/kafka/dead-letter-log.js';
import { deadLetterTail } from '../../lib/kafka/dead-letter-tail.js';
import { HttpError } from '../http/errors.js';

/** One dead-lettered message as the API shows it: origin, letters, re-drives and the decoded record when it decodes. */
export interface DeadLetterView {
  id: string;
  origin: DeadMessage['origin'];
  key: string | null;
  bytes: number;
  letters: { consumer: string; at: string; reason: string; dlqOffset: string }[];
  redriven: { at: string; by: string }[];
  /** The record decoded with the schema its bytes name, as JSON text; null when it does not decode. */
  record: string | null;
  /** Why it does not decode (null when it does). */
  undecodable: string | null;
}

/** Browsing and re-driving the dead-letter topic (lib/kafka/dead-letter-log.ts, the same code as `npm run dlq`). */
export interface DeadLetterOps {
  /**
   * One page of the dead-lettered messages, newest first: at most `limit`, older than the page `pageToken`
   * names (the `nextPageToken` of the page before; none: the newest), with how many there are in all.
   */
  list(limit: number, pageToken?: string): Promise<{ total: number; messages: DeadLetterView[]; nextPageToken: string | null }>;
  /**
   * Re-sends the original bytes of `ids` to their origin topics and records it on the dead-letter topic.
   * NotFoundError for an unknown id; a 409 ALREADY_REDRIVEN for one already re-driven unless `force`.
   */
  redrive(ids: readonly string[], by: string, force: boolean): Promise<{ redriven: string[] }>;
  /** Refreshes of the followed topic so far (concurrent lists share one). */
  readonly refreshes: number;
  close(): Promise<void>;
}

/** A page token is the dead-letter offset of the first letter of the last message on the page before. */
const firstOffset = (m: DeadMessage) => BigInt(m.letters[0]!.offset);

/** Dead-letter operations over the gateway's Kafka client and codec. */
export function createDeadLetterOps(deps: { kafka: Kafka; codec: AvroCodec; topic: string; maxMessages?: number }): DeadLetterOps {
  // the open GET reads a followed copy (one consumer for the process), the token-guarded re-drive the topic itself
  const tail = deadLetterTail({ kafka: deps.kafka, topic: deps.topic, name: 'gateway-dlq-view', maxMessages: deps.maxMessages });
  const view = async (m: DeadMessage): Promise<DeadLetterView> => {
    let record: string | null = null;
    let undecodable: string | null = null;
    try {
      record = JSON.stringify((await deps.codec.decodeAny(m.value)).value);
    } catch (err) {
      undecodable = messageOf(err);
    }
    return {
      id: m.id,
      origin: m.origin,
      key: m.key,
      bytes: m.value?.length ?? 0,
      letters: m.letters.map((l) => ({ consumer: l.group, at: l.at, reason: l.reason, dlqOffset: l.offset })),
      redriven: m.redriven.map((r) => ({ at: r.at, by: r.by })),
      record,
      undecodable,
    };
  };
  return {
    async list(limit, pageToken) {
      const { total, messages } = await tail.read();
      const before = pageToken === undefined ? null : BigInt(pageToken);
      const older = before === null ? messages : messages.filter((m) => firstOffset(m) < before);
      const page = older.slice(-limit).reverse();
      const more = older.length > page.length;
      return { total, messages: await Promise.all(page.map(view)), nextPageToken: more ? String(firstOffset(page.at(-1)!)) : null };
    },
    get refreshes() {
      return tail.refreshes;
    },
    close: () => tail.close(),
    async redrive(ids, by, force) {
      const all = await readDeadLetters(deps.kafka, deps.topic);
      const byId = new Map(all.map((m) => [m.id, m]));
      const chosen = [...new Set(ids)].map((id) => {
        const m = byId.get(id);
        if (!m) throw new NotFoundError(`dead-lettered message ${id}`);
        if (m.redriven.length > 0 && !force) {
          const last = m.redriven.at(-1)!;
          throw new HttpError(409, 'ALREADY_REDRIVEN', `${id} was already re-driven at ${last.at} by ${last.by}; send "force": true to re-drive it again`);
        }
        return m;
      });
      await redrive(deps.kafka, deps.topic, chosen, by);
      return { redriven: chosen.map((m) => m.id) };
    },
  };
}
