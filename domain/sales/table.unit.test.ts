import assert from 'node:assert/strict';
import { test } from 'node:test';
import { salesEventId, type SalesWeek } from '../../schemas/types.js';
import { SALES_COLUMN_NAMES, salesRow, salesTableDdl } from './table.js';

const e: SalesWeek = {
  eventId: salesEventId(1, 2, '2010-02-05'), store: 1, dept: 2, week: '2010-02-05', weeklySales: -12.5, isHoliday: true,
  temperature: 42.3, fuelPrice: null, markdown1: null, markdown2: null, markdown3: null, markdown4: null, markdown5: 7,
  cpi: 211.1, unemployment: 8.1, storeType: null, storeSize: null, source: 'test', producedAt: 1700000000000,
};

test('the row of an event has exactly the DDL columns, in order, with unknowns as the table stores them', () => {
  const row = salesRow(e, 3, 41);
  assert.deepEqual(Object.keys(row), [...SALES_COLUMN_NAMES]);
  assert.equal(row.is_holiday, 1);
  assert.equal(row.weekly_sales, -12.5);
  assert.equal(row.store_type, '');
  assert.equal(row.store_size, 0);
  assert.equal(row.kafka_partition, 3);
  assert.equal(row.kafka_offset, 41);
  assert.equal(row.version, 41);
});

test('the DDL declares every column once, with the ReplacingMergeTree ordered by series and week', () => {
  const ddl = salesTableDdl('db1');
  for (const name of SALES_COLUMN_NAMES) assert.equal(ddl.match(new RegExp(`\\b${name} `, 'g'))?.length, 1, name);
  assert.match(ddl, /CREATE TABLE IF NOT EXISTS db1\.sales_weekly/);
  assert.match(ddl, /ENGINE = ReplacingMergeTree\(version\)/);
  assert.match(ddl, /ORDER BY \(store, dept, week\)/);
});
