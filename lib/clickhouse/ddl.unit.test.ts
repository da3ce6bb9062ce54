import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { salesTableDdl, salesTableStatements } from '../../domain/sales/table.js';
import { FORECAST_COLUMNS, forecastTable } from '../../domain/forecasts/table.js';
import { activeRowsSql, dropTableDdl, tableDdl } from './ddl.js';
import { loadConfig } from '../config.js';

describe('table DDL: one server or CLICKHOUSE_CLUSTER', () => {
  it('on one server: the database, then the ReplacingMergeTree itself (no ON CLUSTER, no Distributed)', () => {
    const [db, table, ...rest] = salesTableStatements('db1', null);
    assert.equal(db, 'CREATE DATABASE IF NOT EXISTS db1');
    assert.equal(table, salesTableDdl('db1'));
    assert.match(table!, /^CREATE TABLE IF NOT EXISTS db1\.sales_weekly \(/);
    assert.match(table!, /ENGINE = ReplacingMergeTree\(version\)\s+PARTITION BY toYear\(week\)\s+ORDER BY \(store, dept, week\)$/);
    assert.doesNotMatch(table!, /ON CLUSTER|Replicated|Distributed/);
    assert.deepEqual(rest, []);
  });

  it('on a cluster: database and local replicated table ON CLUSTER, then a Distributed table sharded by series under the same name', () => {
    const [db, local, dist, ...rest] = salesTableStatements('db1', 'c1');
    assert.equal(db, 'CREATE DATABASE IF NOT EXISTS db1 ON CLUSTER c1');
    assert.match(local!, /^CREATE TABLE IF NOT EXISTS db1\.sales_weekly_local ON CLUSTER c1 \(/);
    assert.match(local!, /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/db1\/sales_weekly_local', '\{replica\}', version\)/);
    assert.match(local!, /ORDER BY \(store, dept, week\)$/);
    // the local table has the same columns as the single-server one
    const columnsOf = (sql: string) => sql.slice(sql.indexOf('(') + 1, sql.indexOf(') ENGINE')).trim();
    assert.equal(columnsOf(local!), columnsOf(salesTableDdl('db1')));
    assert.equal(dist, 'CREATE TABLE IF NOT EXISTS db1.sales_weekly ON CLUSTER c1 AS db1.sales_weekly_local\n    ENGINE = Distributed(c1, db1, sales_weekly_local, cityHash64(store, dept))');
    assert.deepEqual(rest, []);
  });

  it('the forecasts table: the same statement shapes, its columns in FORECAST_COLUMNS order, sharded by series', () => {
    const t = forecastTable('db1');
    assert.deepEqual(t.columns.map((c) => c.name), [...FORECAST_COLUMNS]);
    const [, single] = tableDdl(t, null);
    assert.match(single!, /^CREATE TABLE IF NOT EXISTS db1\.forecasts \(/);
    assert.match(single!, /ENGINE = ReplacingMergeTree\(kafka_offset\)\s+PARTITION BY toYYYYMM\(origin\)\s+ORDER BY \(store, dept, origin, model_version, horizon\)$/);
    const [, local, dist] = tableDdl(t, 'c1');
    assert.match(local!, /ENGINE = ReplicatedReplacingMergeTree\('\/clickhouse\/tables\/\{shard\}\/db1\/forecasts_local', '\{replica\}', kafka_offset\)/);
    assert.equal(dist, 'CREATE TABLE IF NOT EXISTS db1.forecasts ON CLUSTER c1 AS db1.forecasts_local\n    ENGINE = Distributed(c1, db1, forecasts_local, cityHash64(store, dept))');
  });

  it('refuses a cluster table without a sharding key, and names that are not identifiers', () => {
    const t = { database: 'd', table: 't', columns: [{ name: 'a', type: 'UInt8' }], engine: 'MergeTree', orderBy: 'a' };
    assert.deepEqual(tableDdl(t, null).length, 2);
    assert.throws(() => tableDdl(t, 'c'), /needs a sharding key/);
    assert.throws(() => tableDdl({ ...t, shardBy: 'a' }, 'c-1'), /CLICKHOUSE_CLUSTER/);
    assert.throws(() => tableDdl({ ...t, database: 'd;drop' }, null), /database/);
  });

  it('CLICKHOUSE_CLUSTER is parsed once into the config (null when unset) and a bad name is refused naming the variable', () => {
    assert.equal(loadConfig({}, '/nonexistent').clickhouse.cluster, null);
    assert.equal(loadConfig({ CLICKHOUSE_CLUSTER: 'forecast_cluster' }, '/nonexistent').clickhouse.cluster, 'forecast_cluster');
    assert.throws(() => loadConfig({ CLICKHOUSE_CLUSTER: 'a b' }, '/nonexistent'), /CLICKHOUSE_CLUSTER: a cluster name/);
  });

  it('a drop on a cluster removes the Distributed table and its local tables on every node; on one server the table only', () => {
    assert.deepEqual(dropTableDdl('db1', 'forecasts', null), ['DROP TABLE IF EXISTS db1.forecasts']);
    assert.deepEqual(dropTableDdl('db1', 'forecasts', 'c1'), ['DROP TABLE IF EXISTS db1.forecasts ON CLUSTER c1', 'DROP TABLE IF EXISTS db1.forecasts_local ON CLUSTER c1']);
    assert.throws(() => dropTableDdl('db1', 'x; DROP', 'c1'), /table/);
  });

  it("the rows of a table's active parts: system.parts on one server; every shard's parts of the _local table on a cluster", () => {
    assert.equal(activeRowsSql('db1', 'sales_weekly', null), "SELECT sum(rows) AS n, count() AS parts FROM system.parts WHERE active AND database = 'db1' AND table = 'sales_weekly'");
    assert.equal(
      activeRowsSql('db1', 'sales_weekly', 'c1'),
      "SELECT sum(rows) AS n, count() AS parts FROM cluster('c1', system, parts) WHERE active AND database = 'db1' AND table = 'sales_weekly_local'",
    );
    assert.throws(() => activeRowsSql("db1'", 'sales_weekly', null), /database/);
  });
});
