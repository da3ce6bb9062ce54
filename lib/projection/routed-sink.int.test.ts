/**
 * The routed sink against the real ClickHouse: rows the table refuses are
 * isolated and dead-lettered once with the table's reason, after the insert
 * of the others, which all go in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Producer } from 'kafkajs';
import { AvroCodec, type TypedContract } from '../avro/codec.js';
import { createClickhouse, exec, ident, rows } from '../clickhouse/client.js';
import { FieldReader } from '../avro/fields.js';
import { route, routedSink, type RoutedBatch } from './routed-sink.js';
import type { Delivery } from '../kafka/delivery.js';
import { isolatedConfig } from '../testing.js';

/** A stand-in codec: the "bytes" are JSON, so the test needs no registry; routing and inserting are what is tested. */
const read = <T>(c: TypedContract<T>, b: Buffer | null) => c.validate(JSON.parse(b!.toString()));
const codec = { decode: async <T>(c: TypedContract<T>, b: Buffer | null) => read(c, b), decodeIfKnown: read } as unknown as AvroCodec;
const contract: TypedContract<{ id: number; level: string }> = {
  name: 'sales',
  validate: (v) => {
    const r = new FieldReader('Row', v);
    return { id: r.int('id'), level: r.str('level') };
  },
};

describe('routed sink (ClickHouse)', () => {
  const { cfg, cleanup } = isolatedConfig('sink');
  const ch = createClickhouse(cfg);
  const db = ident(cfg.clickhouse.database);
  const sent: { topic: string; messages: { headers: Record<string, string> }[] }[] = [];
  const producer = { send: async (r: (typeof sent)[number]) => void sent.push(r) } as unknown as Producer;
  before(async () => {
    await exec(ch, `CREATE DATABASE IF NOT EXISTS ${db}`);
    await exec(ch, `CREATE TABLE ${db}.levels (id UInt32, level UInt8) ENGINE = MergeTree ORDER BY id`);
  });
  after(async () => {
    await ch.close();
    await cleanup();
  });

  it('inserts the good rows and dead-letters exactly the refused ones, once, with the reason', async () => {
    const batch: Delivery[] = Array.from({ length: 10 }, (_, i) => ({
      topic: 't', partition: 0, offset: String(i), key: null, timestamp: '0', headers: {},
      // rows 3 and 7 hold a level the UInt8 column cannot parse
      value: Buffer.from(JSON.stringify({ id: i, level: i === 3 || i === 7 ? 'high' : String(i) })),
    }));
    let projected: RoutedBatch | null = null;
    const sink = routedSink({
      codec, ch, database: cfg.clickhouse.database, producer, deadLetterTopic: 'dlq', groupId: 'g',
      routes: [route('t', 'levels', contract, (v) => ({ id: v.id, level: v.level }))],
      onProjected: (b) => (projected = b),
    });
    await sink(batch);
    const got = await rows<{ id: number }>(ch, `SELECT id FROM ${db}.levels ORDER BY id`);
    assert.deepEqual(got.map((r) => Number(r.id)), [0, 1, 2, 4, 5, 6, 8, 9]);
    assert.equal(sent.length, 1, 'one dead-letter send');
    const letters = sent[0]!.messages.map((m) => m.headers);
    assert.deepEqual(letters.map((h) => h['dlq.origin.offset']), ['3', '7']);
    for (const h of letters) assert.match(h['dlq.reason']!, /levels refused the rows: .*Code: (26|27|6|72)\b/s);
    assert.equal(projected!.rows.get('levels')!.length, 8);
    assert.equal(projected!.dead.length, 2);
  });
});
