/**
 * The trainer's live view of the registry: the registry fold over
 * `model.trained` and `model.promoted`, read from the log itself (so the
 * trainer needs no projection to be running), with listeners for changes
 * (the threshold watcher follows the champion's data window).
 */
import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '../../../lib/avro/codec.js';
import type { Topics } from '../../../lib/config.js';
import type { Logger } from '../../../lib/log.js';
import { emptyRegistry, evolveRegistry, type RegistryEvent, type RegistryState } from '../state.js';
import { startTail, tailOf } from '../../../lib/kafka/topic-tail.js';
import { MODEL_ALIAS_CHANGED, MODEL_ANNOTATED, MODEL_PROMOTED, MODEL_TRAINED } from '../../contracts.js';

export interface RegistryView {
  state(): RegistryState;
  /** Waits until every registry event written before the call is folded (default timeout 30 s). */
  sync(timeoutMs?: number): Promise<RegistryState>;
  /** Called after each folded event; returns an unsubscribe function. */
  onChange(listener: (s: RegistryState) => void): () => void;
  stop(): Promise<void>;
}

/** Starts the view and waits until it has caught up with the log. */
export async function startRegistryView(kafka: Kafka, codec: AvroCodec, topics: Readonly<Topics>, log: Logger): Promise<RegistryView> {
  let state = emptyRegistry;
  const listeners = new Set<(s: RegistryState) => void>();
  const fold = (e: RegistryEvent) => {
    state = evolveRegistry(state, e);
    for (const l of listeners) l(state);
  };
  const tail = await startTail({
    kafka,
    codec,
    log,
    name: 'trainer-registry-view',
    topics: [
      tailOf(topics.modelTrained, MODEL_TRAINED, (event) => fold({ type: 'trained', event })),
      tailOf(topics.modelPromoted, MODEL_PROMOTED, (event) => fold({ type: 'promoted', event })),
      tailOf(topics.modelAnnotations, MODEL_ANNOTATED, (event) => fold({ type: 'annotated', event })),
      tailOf(topics.modelAliases, MODEL_ALIAS_CHANGED, (event) => fold({ type: 'aliased', event })),
    ],
  });
  await tail.sync();
  return {
    state: () => state,
    async sync(timeoutMs) {
      await tail.sync(timeoutMs);
      return state;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => tail.stop(),
  };
}

/** Opens a view for the length of `fn` (e.g. a command's read, decide, append, read again), then stops it. */
export async function withRegistryView<T>(
  kafka: Kafka,
  codec: AvroCodec,
  topics: Readonly<Topics>,
  log: Logger,
  fn: (view: RegistryView) => Promise<T>,
): Promise<T> {
  const view = await startRegistryView(kafka, codec, topics, log);
  try {
    return await fn(view);
  } finally {
    await view.stop();
  }
}
