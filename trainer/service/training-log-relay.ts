/**
 * Relays the trainer's diagnostics channel to the `training.log` topic, so a
 * dashboard in another process (the gateway in `npm start`) streams the same
 * lines as one in the trainer's process.
 *
 * Telemetry must never slow or fail a training run: `push` only appends to a
 * bounded buffer (the oldest lines go first when Kafka cannot keep up), a
 * timer sends what has gathered as one batch, at most one batch is in flight,
 * and a failed send is logged (at most every 30 s) and dropped, not retried.
 */
import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { hostname } from 'node:os';
import type { Kafka, Producer } from 'kafkajs';
import { messageOf } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';
import { TRAINING_CHANNEL_NAME, type TrainingDiagnostic } from '../../domain/training/diagnostics.js';
import { encodeTrainingLog, keyOf } from '../../domain/training/log-record.js';

/** Sends one batch of keyed messages; may reject (the batch is then dropped). */
export type SendBatch = (messages: { key: string; value: Buffer }[]) => Promise<void>;

export interface RelayOptions {
  send: SendBatch;
  log: Logger;
  /** Lines gather this long before a send, in ms (default 200): a few batches per second, whatever the round rate. */
  flushMs?: number;
  /** Lines kept while a send is slow or failing (default 2,000); beyond that the oldest are dropped. */
  maxBuffered?: number;
  /** Lines per send (default 500). */
  maxBatch?: number;
}

const WARN_EVERY_MS = 30_000;

/** The buffer and batching of the relay, without Kafka (unit-tested with a fake `send`). */
export class TrainingLogRelay {
  readonly id = randomUUID().slice(0, 8);
  private readonly host = hostname();
  private buffer: { key: string; value: Buffer }[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private sent = 0;
  private dropped = 0;
  private lastWarn = 0;
  private readonly flushMs: number;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;

  constructor(private readonly opts: RelayOptions) {
    this.flushMs = opts.flushMs ?? 200;
    this.maxBuffered = opts.maxBuffered ?? 2000;
    this.maxBatch = opts.maxBatch ?? 500;
  }

  /** Queues one diagnostic; synchronous and never throws. */
  push(msg: TrainingDiagnostic): void {
    this.seq++;
    this.buffer.push({ key: keyOf(msg), value: encodeTrainingLog({ v: 1, host: this.host, pid: process.pid, relay: this.id, seq: this.seq, at: Date.now(), msg }) });
    if (this.buffer.length > this.maxBuffered) this.drop(this.buffer.splice(0, this.buffer.length - this.maxBuffered).length, 'buffer full');
    this.schedule();
  }

  /** Sends one batch unless one is in flight; resolves when that send settled. Never rejects. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.buffer.length === 0) return Promise.resolve();
    const batch = this.buffer.splice(0, this.maxBatch);
    this.inFlight = this.opts
      .send(batch)
      .then(
        () => void (this.sent += batch.length),
        (err: unknown) => this.drop(batch.length, messageOf(err)),
      )
      .finally(() => {
        this.inFlight = null;
        if (this.buffer.length > 0) this.schedule();
      });
    return this.inFlight;
  }

  /** Sends what is buffered, waiting at most `timeoutMs` (default 2 s). */
  async drain(timeoutMs = 2000): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const deadline = Date.now() + timeoutMs;
    while ((this.buffer.length > 0 || this.inFlight) && Date.now() < deadline) {
      await Promise.race([this.flush(), new Promise((r) => setTimeout(r, Math.max(1, deadline - Date.now())).unref())]);
    }
  }

  stats(): { sent: number; dropped: number; buffered: number } {
    return { sent: this.sent, dropped: this.dropped, buffered: this.buffer.length };
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushMs);
    this.timer.unref();
  }

  private drop(n: number, why: string): void {
    this.dropped += n;
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    this.opts.log.warn(`training log relay dropped ${n} line(s) (${this.dropped} so far; training is unaffected): ${why}`);
  }
}

export interface RunningRelay {
  relay: TrainingLogRelay;
  /** Stops listening, sends what is buffered (up to 2 s), disconnects. */
  stop(): Promise<void>;
}

/**
 * Subscribes to `forecast:training` and relays every message to `topic`.
 * One relay per process is the intent: the channel is process-wide, so two
 * trainers in one process would each relay both trainers' lines.
 */
export async function startTrainingLogRelay(opts: { kafka: Kafka; topic: string; log: Logger }): Promise<RunningRelay> {
  // acks from the leader only and few quick retries: a lost line is cheaper than a stalled relay
  const producer: Producer = opts.kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 } });
  await producer.connect();
  const relay = new TrainingLogRelay({
    log: opts.log,
    send: async (messages) => {
      await producer.send({ topic: opts.topic, acks: 1, timeout: 5000, messages });
    },
  });
  const handler = (msg: unknown) => relay.push(msg as TrainingDiagnostic);
  subscribe(TRAINING_CHANNEL_NAME, handler);
  return {
    relay,
    async stop() {
      unsubscribe(TRAINING_CHANNEL_NAME, handler);
      await relay.drain();
      await producer.disconnect().catch(() => undefined);
    },
  };
}
