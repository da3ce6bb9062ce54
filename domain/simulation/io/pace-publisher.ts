/**
 * Appends pace changes to `simulation.pace` (key `pace`: one ordered log),
 * acknowledged by all replicas before a call returns. The gateway's pace
 * control and tests write through it; the simulator only reads the topic.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { AvroCodec } from '../../../lib/avro/codec.js';
import { AvroPublisher } from '../../../lib/kafka/publisher.js';
import type { SimulationPaceChanged } from '../../../schemas/types.js';

export class PacePublisher extends AvroPublisher {
  private constructor(
    producer: Producer,
    codec: AvroCodec,
    private readonly topic: string,
  ) {
    super(producer, codec);
  }

  /** Registers the contract on `topic` (idempotent) and connects an idempotent producer. */
  static async connect(kafka: Kafka, codec: AvroCodec, topic: string): Promise<PacePublisher> {
    return new PacePublisher(await AvroPublisher.open(kafka, codec, [['simulationPaceChanged', topic]]), codec, topic);
  }

  async paceChanged(e: SimulationPaceChanged): Promise<void> {
    await this.publish('simulationPaceChanged', this.topic, 'pace', e);
  }
}
