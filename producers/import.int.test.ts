import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClickhouse, rows } from '../lib/clickhouse/client.js';
import { createKafka } from '../lib/kafka/client.js';
import { createLogger } from '../lib/log.js';
import { eventually, isolatedConfig } from '../lib/testing.js';
import { bootstrapContracts } from '../lib/kafka/bootstrap.js';
import { startMaterializer } from '../consumers/materializer/main.js';
import { importCsv } from './import.js';
import { SalesProducer } from '../domain/sales/io/producer.js';

// data/fixtures/walmart-small: 40 good rows (stores 1-2 x depts 1-2 x 10 weeks from 2010-02-05)
// and 3 broken lines (12: Weekly_Sales "abc", 33: Date 2010-02-30, 44: 4 fields instead of 5).
const DIR = 'data/fixtures/walmart-small';

describe('CSV import into Kafka and ClickHouse', () => {
  const { cfg, cleanup } = isolatedConfig('csv');
  const ch = createClickhouse(cfg);
  after(async () => {
    await cleanup();
    await ch.close();
  });

  it('imports the good rows and reports each broken line', async () => {
    const codec = await bootstrapContracts(cfg);
    const producer = await SalesProducer.connect(createKafka(cfg, 'test'), codec, cfg);
    const m = await startMaterializer(cfg);
    try {
      const r = await importCsv(producer, { train: `${DIR}/train.csv`, features: `${DIR}/features.csv`, stores: `${DIR}/stores.csv` }, createLogger('import'));
      assert.equal(r.sent, 40);
      assert.equal(r.errors, 3);
      assert.match(r.issues.find((i) => i.includes(':12:')) ?? '', /train\.csv:12: Weekly_Sales: expected a finite number/);
      assert.match(r.issues.find((i) => i.includes(':33:')) ?? '', /train\.csv:33: Date/);
      assert.ok(r.issues.some((i) => i.includes('train.csv:44:')), 'the short line is reported');
      const db = cfg.clickhouse.database;
      assert.ok(await eventually(async () => Number((await rows<{ n: string }>(ch, `SELECT count() AS n FROM ${db}.sales_weekly FINAL`))[0]?.n) === 40, 30_000));
      const s = await rows<{ store_type: string; store_size: number; h: number; src: string }>(
        ch,
        `SELECT any(store_type) AS store_type, any(store_size) AS store_size, sum(is_holiday) AS h, any(source) AS src FROM ${db}.sales_weekly FINAL WHERE store = 1`,
      );
      assert.equal(s[0]?.store_type, 'A');
      assert.equal(s[0]?.store_size, 151315);
      assert.equal(s[0]?.src, 'csv:train.csv');
      assert.ok((s[0]?.h ?? 0) >= 1, 'the Super Bowl week is flagged');
    } finally {
      await m.stop();
      await producer.disconnect();
    }
  });
});
