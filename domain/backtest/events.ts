/**
 * A backtest's side of the log: `backtest.requests` (asked for, before any
 * work) and `backtest.results` (finished or failed, with its summary). Kept
 * off `training.requests` on purpose: the trainer consumes that topic and
 * would answer a backtest request with a real training run.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro/codec.js';
import type { Topics } from '../../lib/config.js';
import { AvroPublisher } from '../../lib/kafka/publisher.js';
import type { BacktestFinished, BacktestRequested } from '../../schemas/types.js';

/** A new backtest id, `bt-YYYYMMDD-HHMMSS-xxxxxx` (UTC, sortable, safe as a folder name). */
export function newBacktestId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `bt-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What a backtest id looks like; anything else is refused before it becomes a path. */
export const BACKTEST_ID = /^bt-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;

export class BacktestPublisher extends AvroPublisher {
  private constructor(
    producer: Producer,
    codec: AvroCodec,
    private readonly topics: Readonly<Topics>,
  ) {
    super(producer, codec);
  }

  /** Registers both contracts on their topics (idempotent) and connects an idempotent producer. */
  static async connect(kafka: Kafka, codec: AvroCodec, topics: Readonly<Topics>): Promise<BacktestPublisher> {
    const producer = await AvroPublisher.open(kafka, codec, [
      ['backtestRequested', topics.backtestRequests],
      ['backtestFinished', topics.backtestResults],
    ]);
    return new BacktestPublisher(producer, codec, topics);
  }

  async requested(e: BacktestRequested): Promise<void> {
    await this.publish('backtestRequested', this.topics.backtestRequests, e.backtestId, e);
  }

  async finished(e: BacktestFinished): Promise<void> {
    await this.publish('backtestFinished', this.topics.backtestResults, e.backtestId, e);
  }
}
