/**
 * The trainer's side of the log: training requests, run records, promotions
 * and artifacts, encoded through the registry and acknowledged by all
 * replicas before a call returns. Keys: request id, run id, version.
 */
import type { Kafka, Producer } from 'kafkajs';
import { publishArtifact } from '../../../lib/kafka/artifacts.js';
import type { AvroCodec } from '../../../lib/avro/codec.js';
import type { Topics } from '../../../lib/config.js';
import { AvroPublisher } from '../../../lib/kafka/publisher.js';
import { DependencyError, messageOf } from '../../../lib/errors.js';
import type { ModelAliasChanged, ModelAnnotated, ModelPromoted, ModelTrained, ScheduleChanged, TrainingRequested } from '../../../schemas/types.js';

export class EventPublisher extends AvroPublisher {
  private constructor(
    producer: Producer,
    codec: AvroCodec,
    private readonly topics: Readonly<Topics>,
  ) {
    super(producer, codec);
  }

  /** Registers its contracts on their topics (idempotent) and connects an idempotent producer. */
  static async connect(kafka: Kafka, codec: AvroCodec, topics: Readonly<Topics>): Promise<EventPublisher> {
    const producer = await AvroPublisher.open(kafka, codec, [
      ['trainingRequests', topics.trainingRequests],
      ['modelTrained', topics.modelTrained],
      ['modelPromoted', topics.modelPromoted],
      ['scheduleChanged', topics.trainingSchedule],
      ['modelAnnotated', topics.modelAnnotations],
      ['modelAliasChanged', topics.modelAliases],
    ]);
    return new EventPublisher(producer, codec, topics);
  }

  async trainingRequested(r: TrainingRequested): Promise<void> {
    await this.publish('trainingRequests', this.topics.trainingRequests, r.requestId, r);
  }

  async modelTrained(e: ModelTrained): Promise<void> {
    await this.publish('modelTrained', this.topics.modelTrained, e.runId, e);
  }

  async modelPromoted(e: ModelPromoted): Promise<void> {
    await this.publish('modelPromoted', this.topics.modelPromoted, String(e.version), e);
  }

  async scheduleChanged(e: ScheduleChanged): Promise<void> {
    await this.publish('scheduleChanged', this.topics.trainingSchedule, 'schedule', e);
  }

  async modelAnnotated(e: ModelAnnotated): Promise<void> {
    await this.publish('modelAnnotated', this.topics.modelAnnotations, String(e.version), e);
  }

  async modelAliasChanged(e: ModelAliasChanged): Promise<void> {
    await this.publish('modelAliasChanged', this.topics.modelAliases, e.alias, e);
  }

  /** Publishes ONNX bytes on the artifacts topic; returns their content address. */
  async artifact(bytes: Buffer, headers: Record<string, string> = {}): Promise<{ sha256: string; uri: string; bytes: number }> {
    try {
      return await publishArtifact(this.producer, this.topics.modelArtifacts, bytes, headers);
    } catch (err) {
      throw new DependencyError('kafka', `publishing the artifact failed: ${messageOf(err)}`, err);
    }
  }

}
