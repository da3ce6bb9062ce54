import { Worker } from 'node:worker_threads';
import type { Kafka } from 'kafkajs';
import { AvroCodec } from '../../../lib/avro/codec.js';
import type { Config } from '../../../lib/config.js';
import { DependencyError } from '../../../lib/errors.js';
import { kafkaOptions } from '../../../lib/kafka/client.js';
import type { SalesWeek } from '../../../schemas/types.js';
import type { LanesInit, LanesReply, LanesRequest } from './producer-lanes.worker.js';
import { validateSalesWeek } from '../validate.js';

/**
 * Messages per produce request (see producer-lanes.worker.ts): a sales event
 * is about 130 bytes, so a request stays near 0.5 MB, under the broker's 1 MB
 * record batch limit, and few enough requests queue behind a lane's lock.
 */
const REQUEST_MESSAGES = 4_000;

/** Idempotent producers the worker spreads the partitions over (see producer-lanes.worker.ts). */
const LANES = 3;

/** Progress of a long send: events acknowledged so far out of a total (when known). */
export type Progress = (sent: number, total: number | null) => void;

/** The worker thread's entry: a TypeScript module, loaded through tsx's loader as the rest of the project is. */
const WORKER_ENTRY = new URL('./producer-lanes.worker.ts', import.meta.url).href;

/**
 * Produces SalesWeekRecorded events keyed by series (`store:dept`, so a series
 * stays ordered in one partition) through the schema registry. The Kafka
 * producers are idempotent: a retried send never duplicates in the log, and
 * re-sending the same week is an upsert downstream. This thread validates
 * and Avro-encodes; a worker thread builds the Kafka requests and sends them
 * (producer-lanes.worker.ts), so the two overlap.
 */
export class SalesProducer {
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 1;
  /** Set once the worker has gone (closed or crashed): every later request fails with it. */
  private gone: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly codec: AvroCodec,
  ) {
    worker.on('message', (r: LanesReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.error) p.reject(Object.assign(new Error(r.error.message), { name: r.error.name, retriable: r.error.retriable }));
      else p.resolve();
    });
    const end = (err: Error) => {
      this.gone ??= err;
      for (const p of this.pending.values()) p.reject(this.gone);
      this.pending.clear();
    };
    worker.on('error', (err: Error) => end(new DependencyError('kafka', `the sales producer's worker thread failed: ${err.message}`, err)));
    worker.on('exit', (code) => end(new DependencyError('kafka', `the sales producer's worker thread exited (code ${code})`)));
  }

  /** False once the worker thread has gone (disconnected or crashed): every send fails, and a new producer must be connected. */
  get usable(): boolean {
    return this.gone === null;
  }

  /** Connects the producers for `cfg.topics.sales` (on a worker thread, with `kafka`'s client id and retry policy); the codec must have the sales contract registered. */
  static async connect(kafka: Kafka, codec: AvroCodec, cfg: Readonly<Config>): Promise<SalesProducer> {
    const admin = kafka.admin();
    await admin.connect();
    let partitions: number;
    try {
      const md = await admin.fetchTopicMetadata({ topics: [cfg.topics.sales] });
      partitions = md.topics[0]?.partitions.length ?? cfg.kafka.salesPartitions;
    } finally {
      await admin.disconnect();
    }
    const init: LanesInit = { cfg, ...kafkaOptions(kafka), topic: cfg.topics.sales, partitions, lanes: LANES, requestMessages: REQUEST_MESSAGES };
    // argv[1] as in this thread, so the worker's log lines name this process's service
    const boot = `process.argv[1] = ${JSON.stringify(process.argv[1] ?? '')}; import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_ENTRY)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: init });
    const producer = new SalesProducer(worker, codec);
    try {
      await producer.request(0);
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return producer;
  }

  /** Resolves with the worker's answer to request `id` (0: connected), or rejects with its error. */
  private request(id: number, req?: LanesRequest, transfer?: ArrayBuffer[]): Promise<void> {
    if (this.gone) return Promise.reject(this.gone);
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (req) this.worker.postMessage(req, transfer);
    });
  }

  /** Validates, encodes and hands a chunk to the worker; resolves when every message of it is acknowledged. */
  private sendChunk(events: readonly SalesWeek[]): Promise<void> {
    const { bytes, ends } = this.codec.encodePacked('sales', events.map(validateSalesWeek));
    const series = new Uint16Array(2 * events.length);
    for (let i = 0; i < events.length; i++) {
      series[2 * i] = events[i]!.store;
      series[2 * i + 1] = events[i]!.dept;
    }
    const id = this.nextId++;
    // the buffers move to the worker without a copy (bytes has a buffer of its own: encodePacked does not pool)
    return this.request(id, { id, kind: 'chunk', bytes, ends, series }, [bytes.buffer as ArrayBuffer, ends.buffer as ArrayBuffer, series.buffer as ArrayBuffer]);
  }

  /**
   * Sends events in chunks of `chunk` messages (default 20,000), a few
   * chunks in flight, reporting progress after each acknowledged chunk.
   * Every event is validated before anything of its chunk is sent.
   */
  async send(events: Iterable<SalesWeek>, opts: { total?: number; onProgress?: Progress; chunk?: number } = {}): Promise<number> {
    const chunkSize = opts.chunk ?? 20_000;
    let sent = 0;
    let pending: SalesWeek[] = [];
    const inflight = new Set<Promise<void>>();
    const flush = async (events: SalesWeek[]) => {
      const p = this.sendChunk(events).then(() => {
        sent += events.length;
        opts.onProgress?.(sent, opts.total ?? null);
      });
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => undefined);
      if (inflight.size >= 3) await Promise.race(inflight);
    };
    for (const e of events) {
      pending.push(e);
      if (pending.length >= chunkSize) {
        await flush(pending);
        pending = [];
      }
    }
    if (pending.length > 0) await flush(pending);
    await Promise.all(inflight);
    return sent;
  }

  /** Sends already-encoded messages as they are (used to inject raw or broken bytes in tests). */
  async sendRaw(messages: { key: string | null; value: Buffer | null }[]): Promise<void> {
    const id = this.nextId++;
    await this.request(id, { id, kind: 'raw', messages });
  }

  /** Disconnects the producers and ends the worker thread. */
  async disconnect(): Promise<void> {
    if (this.gone) return;
    const id = this.nextId++;
    try {
      await this.request(id, { id, kind: 'close' });
    } finally {
      this.gone = new Error('the sales producer is disconnected');
      await this.worker.terminate();
    }
  }
}
