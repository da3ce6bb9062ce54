/** Publishes a backtest's events: `backtest.requests` when asked for, `backtest.results` when finished or failed (ids: ../events.ts). */
import type { Kafka, Producer } from 'kafkajs';
import type { AvroCodec } from '../../../lib/avro/codec.js';
import type { Topics } from '../../../lib/config.js';
import { AvroPublisher } from '../../../lib/kafka/publisher.js';
import type { BacktestFinished, BacktestRequested } from '../../../schemas/types.js';

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
