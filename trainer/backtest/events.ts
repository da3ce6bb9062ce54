/**
 * A backtest's side of the log: `backtest.requests` (asked for, before any
 * work) and `backtest.results` (finished or failed, with its summary). Kept
 * off `training.requests` on purpose: the trainer consumes that topic and
 * would answer a backtest request with a real training run.
 */
import { randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { AvroCodec } from '../../lib/avro.js';
import type { Topics } from '../../lib/config.js';
import { DependencyError, messageOf } from '../../lib/errors.js';
import type { BacktestFinished, BacktestRequested } from '../../schemas/types.js';

/** A new backtest id, `bt-YYYYMMDD-HHMMSS-xxxxxx` (UTC, sortable, safe as a folder name). */
export function newBacktestId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `bt-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** What a backtest id looks like; anything else is refused before it becomes a path. */
export const BACKTEST_ID = /^bt-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$/;

export class BacktestPublisher {
  private constructor(
    private readonly producer: Producer,
    private readonly codec: AvroCodec,
    private readonly topics: Readonly<Topics>,
  ) {}

  /** Registers both contracts on their topics (idempotent) and connects an idempotent producer. */
  static async connect(kafka: Kafka, codec: AvroCodec, topics: Readonly<Topics>): Promise<BacktestPublisher> {
    await codec.register('backtestRequested', topics.backtestRequests);
    await codec.register('backtestFinished', topics.backtestResults);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new BacktestPublisher(producer, codec, topics);
  }

  async requested(e: BacktestRequested): Promise<void> {
    await this.send(this.topics.backtestRequests, e.backtestId, this.codec.encode('backtestRequested', e));
  }

  async finished(e: BacktestFinished): Promise<void> {
    await this.send(this.topics.backtestResults, e.backtestId, this.codec.encode('backtestFinished', e));
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }

  private async send(topic: string, key: string, value: Buffer): Promise<void> {
    try {
      await this.producer.send({ topic, acks: -1, messages: [{ key, value }] });
    } catch (err) {
      throw new DependencyError('kafka', `producing to ${topic} failed: ${messageOf(err)}`, err);
    }
  }
}
