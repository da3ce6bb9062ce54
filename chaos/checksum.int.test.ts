import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClickhouse, exec, insertRowBinary } from '../lib/clickhouse/client.js';
import { rowBinaryEncoder } from '../lib/clickhouse/row-binary.js';
import { isolatedConfig } from '../lib/testing.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { createKafka } from '../lib/kafka/client.js';
import { startProjector } from '../lib/projection/projector.js';
import { SalesProducer } from '../domain/sales/io/producer.js';
import { SALES_PROJECTION } from '../domain/sales/io/projection.js';
import { generateHistory } from '../domain/simulation/generator.js';
import { SALES_COLUMNS, SALES_TABLE, salesRow } from '../domain/sales/table.js';
import { createSalesTable } from '../domain/sales/io/table.js';
import type { SalesWeek } from '../schemas/types.js';
import { expectedChecksum, tableChecksum } from './checksum.js';

describe("chaos checksum: the log's sales events against the table, every event column", () => {
  const { cfg, cleanup } = isolatedConfig('chaos-checksum');
  const ch = createClickhouse(cfg);
  const db = cfg.clickhouse.database;
  after(async () => {
    await cleanup();
    await ch.close();
  });

  it('agrees with the table, and sees a NULL -> value and a value -> NULL rewrite', async () => {
    await createSalesTable(ch, db);
    const events = [...generateHistory({ seed: 3, stores: 1, depts: 2, startWeek: '2011-03-04', weeks: 10, producedAt: 1 })];
    let offset = 0;
    // the materializer's own encoding (RowBinary from the column descriptor), so float and NULL handling is what production writes
    const encode = rowBinaryEncoder(SALES_COLUMNS);
    const names = SALES_COLUMNS.map((c) => c.name);
    const write = (es: SalesWeek[]) => insertRowBinary(ch, `${db}.${SALES_TABLE}`, names, encode(es.map((e) => salesRow(e, 0, offset++))));
    await write(events);
    assert.deepEqual(await tableChecksum(ch, db), expectedChecksum(events));

    const log = [...events];
    const before = await tableChecksum(ch, db);
    const withTemp = events.find((e) => e.temperature !== null)!;
    const toNull = { ...withTemp, temperature: null };
    await write([toNull]); // a higher version: FINAL shows the NULL
    log.push(toNull);
    const afterNull = await tableChecksum(ch, db);
    assert.notEqual(afterNull.hash, before.hash, 'value -> NULL changes the table hash');
    assert.deepEqual(afterNull, expectedChecksum(log), 'and the log side agrees');
    assert.notDeepEqual(afterNull, expectedChecksum(events), 'the stale log side does not');

    const toValue = { ...toNull, temperature: 12.5, markdown1: 3.25 };
    await write([toValue]);
    log.push(toValue);
    const afterValue = await tableChecksum(ch, db);
    assert.notEqual(afterValue.hash, afterNull.hash, 'NULL -> value changes the table hash');
    assert.deepEqual(afterValue, expectedChecksum(log));

    const relabelled = { ...toValue, source: 'csv-import' };
    await write([relabelled]);
    assert.notEqual((await tableChecksum(ch, db)).hash, afterValue.hash, 'a column beyond store/dept/week/sales counts');
    await exec(ch, `DROP TABLE ${db}.${SALES_TABLE}`);
  });

  it('agrees with the table the sales projector writes from the log (Avro, the producer, RowBinary), NULLs included', { timeout: 120_000 }, async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    const events = [...generateHistory({ seed: 11, stores: 2, depts: 3, startWeek: '2011-03-04', weeks: 12, producedAt: 1_700_000_000_000 })];
    // as a chaos run does: some weeks re-sent, one with its exogenous values gone
    const resent = [...events.slice(0, 5), { ...events[6]!, temperature: null, cpi: null, markdown1: 7.5 }];
    await producer.send(events);
    await producer.send(resent);
    await producer.disconnect();
    assert.ok(events.some((e) => e.markdown2 === null), 'the history has NULL columns to compare');
    const projector = await startProjector(cfg, SALES_PROJECTION, { groupId: `${cfg.materializer.groupId}-chaos-checksum` });
    try {
      assert.ok(await projector.caughtUp(60_000), 'projected');
    } finally {
      await projector.stop();
    }
    assert.deepEqual(await tableChecksum(ch, db), expectedChecksum([...events, ...resent]));
    assert.notDeepEqual(await tableChecksum(ch, db), expectedChecksum(events), 'the NULLed week is seen');
  });
});
