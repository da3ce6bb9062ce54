import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClickhouse, exec, rows } from '../../lib/clickhouse/client.js';
import { createKafka } from '../../lib/kafka/client.js';
import { eventually, isolatedConfig } from '../../lib/testing.js';
import { bootstrapContracts } from '../../lib/kafka/bootstrap.js';
import { generateHistory } from '../../domain/simulation/generator.js';
import { SalesProducer } from '../../domain/sales/io/producer.js';
import { startMaterializer } from '../materializer/main.js';
import { tableChecksum } from './checksum.js';
import { selectProjections } from './projections.js';
import { replay } from './replay.js';

describe('replay rebuilds the sales projection from the log', () => {
  const { cfg, cleanup } = isolatedConfig('replay');
  const ch = createClickhouse(cfg);
  const target = `${cfg.clickhouse.database}_r`;
  after(async () => {
    await exec(ch, `DROP DATABASE IF EXISTS ${target}`).catch(() => undefined);
    await cleanup();
    await ch.close();
  });

  it('equals the live projection (checksum) after duplicates and a dead letter, without moving the live group', async () => {
    const codec = await bootstrapContracts(cfg);
    const kafka = createKafka(cfg, 'test');
    const producer = await SalesProducer.connect(kafka, codec, cfg);
    const events = [...generateHistory({ seed: 5, stores: 2, depts: 4, startWeek: '2011-03-04', weeks: 30, producedAt: 1 })];
    await producer.send(events);
    await producer.send(events.slice(0, 40).map((e) => ({ ...e, weeklySales: e.weeklySales * 2 }))); // corrections (upserts)
    await producer.send(events.slice(40, 60)); // plain duplicates
    await producer.sendRaw([{ key: 'x', value: Buffer.from('not avro') }]); // dead letter
    const total = events.length + 60 + 1;
    const m = await startMaterializer(cfg);
    const db = cfg.clickhouse.database;
    try {
      assert.ok(await eventually(() => m.counts().rows + m.counts().dead >= total, 60_000), 'live projection caught up');
    } finally {
      await m.stop();
    }
    const admin = kafka.admin();
    await admin.connect();
    const liveBefore = await admin.fetchOffsets({ groupId: cfg.materializer.groupId, topics: [cfg.topics.sales] });

    let progressCalls = 0;
    const r = await replay(cfg, { target, projections: selectProjections(['sales']), from: { kind: 'beginning' }, onProgress: () => void progressCalls++ });
    assert.equal(r.events, total);
    assert.equal(r.deadLetters, 1);
    assert.ok(progressCalls > 0, 'progress reported');
    assert.ok(r.comparison?.equal, `checksums equal: ${JSON.stringify(r.comparison?.tables)}`);
    const live = await tableChecksum(ch, db, { table: 'sales_weekly', columns: ['store', 'dept', 'week', 'weekly_sales'] });
    assert.equal(live.rows, events.length, 'duplicates collapse to one row per series-week');
    const corrected = events[0]!;
    const v = await rows<{ s: number }>(ch, `SELECT weekly_sales AS s FROM ${target}.sales_weekly FINAL WHERE store = ${corrected.store} AND dept = ${corrected.dept} AND week = toDate('${corrected.week}')`);
    assert.equal(v[0]?.s, corrected.weeklySales * 2, 'the correction wins in the replay too');

    const liveAfter = await admin.fetchOffsets({ groupId: cfg.materializer.groupId, topics: [cfg.topics.sales] });
    assert.deepEqual(liveAfter, liveBefore, 'the live group offsets did not move');
    await admin.disconnect();
    await producer.disconnect();

    // a difference is detected: drop one row from the replica and compare again
    await exec(ch, `ALTER TABLE ${target}.sales_weekly DELETE WHERE store = ${corrected.store} AND dept = ${corrected.dept} AND week = toDate('${corrected.week}')`);
    assert.ok(
      await eventually(async () => (await tableChecksum(ch, target, { table: 'sales_weekly', columns: ['store'] })).rows === events.length - 1, 20_000),
      'mutation applied',
    );
    const again = await (await import('./checksum.js')).compareDatabases(ch, db, target, selectProjections(['sales'])[0]!.spec.checksumTables);
    assert.equal(again.equal, false);
  });
});
