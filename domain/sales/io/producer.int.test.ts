/**
 * The sales producer against the real Kafka and registry: the packed Avro
 * encoding it hands its worker thread is byte for byte what encode() gives
 * one event at a time, and what the worker sends is in the log exactly once,
 * keyed by series, each series in one partition, decodable to the event sent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SALES_WEEK } from '../../contracts.js';
import type { AvroCodec } from '../../../lib/avro/codec.js';
import { bootstrapContracts } from '../../../lib/kafka/bootstrap.js';
import { createKafka } from '../../../lib/kafka/client.js';
import { isolatedConfig } from '../../../lib/testing.js';
import { seriesKey, type SalesWeek } from '../../../schemas/types.js';
import { generateWeek } from '../../simulation/generator.js';
import { SalesProducer } from './producer.js';

describe('sales producer (Kafka, registry)', { timeout: 120_000 }, () => {
  const { cfg, cleanup } = isolatedConfig('producer');
  let codec: AvroCodec;
  let events: SalesWeek[];
  /** The same events, each longer than the packer's first guess of 128 bytes. */
  let long: SalesWeek[];
  before(async () => {
    codec = await bootstrapContracts(cfg);
    events = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((w) => generateWeek({ seed: 7, stores: 6, depts: 20, startWeek: '2010-02-05', weeks: 10, producedAt: 1_700_000_000_000 }, w));
    long = events.map((e) => ({ ...e, source: `import:${'x'.repeat(150)}` }));
  });
  after(cleanup);

  it('packs the events back to back, byte for byte as encode() one at a time, in a buffer of its own', () => {
    for (const batch of [events, long]) {
      const { bytes, ends } = codec.encodePacked('sales', batch);
      assert.equal(ends.length, batch.length);
      assert.equal(bytes.byteOffset, 0);
      assert.ok(bytes.buffer.byteLength >= bytes.length && bytes.buffer.byteLength !== Buffer.poolSize);
      for (let i = 0, start = 0; i < batch.length; start = ends[i]!, i++) {
        assert.ok(bytes.subarray(start, ends[i]).equals(codec.encode('sales', batch[i])), `event ${i}`);
      }
    }
  });

  it('grows its buffer mid-way when the events are longer than its first guess (128 bytes each)', () => {
    const { bytes, ends } = codec.encodePacked('sales', long);
    assert.ok(bytes.length > 128 * long.length, `${bytes.length} bytes for ${long.length} events`);
    assert.equal(ends[ends.length - 1], bytes.length);
  });

  it('sends every event once, keyed by series, one partition per series, through its worker thread', async () => {
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    let progress = 0;
    try {
      assert.equal(await producer.send(events, { chunk: 40, onProgress: (sent) => (progress = sent) }), events.length);
      await producer.sendRaw([{ key: 'raw', value: Buffer.from('not avro') }]);
    } finally {
      await producer.disconnect();
    }
    assert.equal(progress, events.length);
    await assert.rejects(producer.send(events.slice(0, 1)), /disconnected/);

    const consumer = createKafka(cfg, 'test').consumer({ groupId: `${cfg.materializer.groupId}-read` });
    const seen: { key: string; partition: number; value: Buffer }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: cfg.topics.sales, fromBeginning: true });
    const all = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          seen.push({ key: String(message.key), partition, value: message.value! });
          if (seen.length === events.length + 1) resolve();
        },
      });
    });
    await all;
    await consumer.disconnect();

    assert.deepEqual(seen.filter((m) => m.key === 'raw').map((m) => m.value.toString()), ['not avro']);
    const sales = seen.filter((m) => m.key !== 'raw');
    const partitionOf = new Map<string, number>();
    for (const m of sales) {
      assert.equal(partitionOf.get(m.key) ?? m.partition, m.partition, `series ${m.key} in one partition`);
      partitionOf.set(m.key, m.partition);
    }
    const decoded = await Promise.all(sales.map(async (m) => ({ key: m.key, e: await codec.decode(SALES_WEEK, m.value) })));
    for (const d of decoded) assert.equal(d.key, seriesKey(d.e.store, d.e.dept));
    const ids = (xs: SalesWeek[]) => xs.map((e) => e.eventId).sort();
    assert.deepEqual(ids(decoded.map((d) => d.e)), ids(events));
    // each series' events in the log in the order they were sent (three chunks of 40 are in flight at once)
    const order = (xs: SalesWeek[]) => {
      const by = new Map<string, string[]>();
      for (const e of xs) by.set(seriesKey(e.store, e.dept), [...(by.get(seriesKey(e.store, e.dept)) ?? []), e.eventId]);
      return by;
    };
    const sentOrder = order(events);
    for (const [key, got] of order(decoded.map((d) => d.e))) assert.deepEqual(got, sentOrder.get(key), `series ${key} in send order`);
    assert.ok(new Set(partitionOf.values()).size > 1, 'the series spread over partitions');
  });

  it('fails every send clearly, and says it is not usable, once its worker thread is gone', async () => {
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    assert.equal(producer.usable, true);
    // the worker ends as a crash would: the producer never asked it to
    await (producer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    assert.equal(producer.usable, false);
    await assert.rejects(producer.send(events.slice(0, 10)), (err: Error & { retriable?: boolean }) => /worker thread exited/.test(err.message) && err.retriable === true);
    await producer.disconnect();
  });
});
