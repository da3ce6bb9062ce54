import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClickhouse, rows } from '../../lib/clickhouse/client.js';
import { createKafka } from '../../lib/kafka/client.js';
import { eventually, isolatedConfig } from '../../lib/testing.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { generateWeek } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { seriesKey } from '../../schemas/types.js';
import { startMaterializer } from './main.js';

interface Letter {
  reason: string;
  offset: string;
  value: Buffer | null;
}

describe('materializer: bad events go to the dead-letter topic', () => {
  const { cfg, cleanup } = isolatedConfig('dlq');
  const ch = createClickhouse(cfg);
  after(async () => {
    await cleanup();
    await ch.close();
  });

  it('dead-letters each bad event with its reason and origin; good ones around them arrive', async () => {
    const codec = await bootstrapContracts(cfg);
    const kafka = createKafka(cfg, 'test');
    const producer = await SalesProducer.connect(kafka, codec, cfg);
    const m = await startMaterializer(cfg);
    try {
    const good = generateWeek({ seed: 3, stores: 2, depts: 3, startWeek: '2012-03-02', producedAt: 1 }, 0);
    const negative = { ...good[0]!, weeklySales: -1234.5 };
    const base = good[1]!;
    const framed = (id: number, body: Buffer) => Buffer.concat([Buffer.from([0]), Buffer.from([0, 0, 0, 0].map((_, i) => (id >>> (24 - 8 * i)) & 255)), body]);
    const validBody = codec.encode('sales', base).subarray(5);
    const bad = [
      { key: 'garbage', value: Buffer.from('definitely not avro \x00\xff', 'binary'), why: /magic byte|too short/ },
      { key: 'wrong-id', value: framed(987_654, validBody), why: /unknown schema id 987654/ },
      { key: seriesKey(base.store, base.dept), value: codec.encode('sales', { ...base, weeklySales: Number.NaN }), why: /weeklySales: expected a finite number/ },
      { key: seriesKey(base.store, base.dept), value: codec.encode('sales', { ...base, weeklySales: Number.POSITIVE_INFINITY }), why: /weeklySales: expected a finite number/ },
      { key: seriesKey(base.store, base.dept), value: codec.encode('sales', { ...base, week: '2012-02-30', eventId: `${base.store}-${base.dept}-2012-02-30` }), why: /week: expected a real calendar date/ },
    ];
    await producer.send(good.slice(0, 3));
    await producer.sendRaw(bad.map(({ key, value }) => ({ key, value })));
    await producer.send([negative, ...good.slice(3)]);

    const db = cfg.clickhouse.database;
    assert.ok(
      await eventually(async () => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${db}.sales_weekly FINAL`))[0]?.n) === good.length, 60_000),
      'every good event arrives',
    );
    const negSql = `SELECT weekly_sales AS s FROM ${db}.sales_weekly FINAL WHERE store = ${negative.store} AND dept = ${negative.dept} AND week = toDate('${negative.week}')`;
    assert.ok(await eventually(async () => (await rows<{ s: number }>(ch, negSql))[0]?.s === -1234.5, 30_000), 'negative sales flow through unchanged');

    const letters: Letter[] = [];
    const reader = kafka.consumer({ groupId: `${cfg.materializer.groupId}-dlq-reader` });
    await reader.connect();
    await reader.subscribe({ topic: cfg.topics.deadLetter, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const h = message.headers ?? {};
        assert.equal(String(h['dlq.origin.topic']), cfg.topics.sales);
        assert.match(String(h['dlq.origin.partition']), /^\d+$/);
        letters.push({ reason: String(h['dlq.reason']), offset: String(h['dlq.origin.offset']), value: message.value });
      },
    });
    assert.ok(await eventually(() => letters.length >= bad.length, 30_000), `all ${bad.length} bad events dead-lettered (got ${letters.length})`);
    await reader.disconnect();
    assert.equal(letters.length, bad.length);
    for (const b of bad) {
      const l = letters.find((x) => x.value?.equals(b.value));
      assert.ok(l, `original bytes kept for ${b.key}`);
      assert.match(l.reason, b.why);
    }
    } finally {
      await m.stop();
      await producer.disconnect();
    }
  });
});
