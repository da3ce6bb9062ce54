/**
 * CREATE statements of a MergeTree-family table, on one server or on a
 * ClickHouse cluster (`CLICKHOUSE_CLUSTER`). On a cluster the data lives in
 * `<table>_local`, a Replicated* engine on every node (ZooKeeper path per
 * shard, `{shard}` and `{replica}` macros from each server's config), and
 * `<table>` is a Distributed table over it, so every reader and writer keeps
 * using the one name. Rows are sharded by `shardBy`: a projection whose
 * engine merges rewrites (ReplacingMergeTree) must send all versions of a key
 * to one shard, so its shard key is (part of) its sorting key.
 * The SQL runs on ClickHouse 18.16 and on current releases.
 */
import { ident } from './sql.js';

export interface TableDdl {
  database: string;
  table: string;
  /** `name Type` pairs, in table order */
  columns: readonly { name: string; type: string }[];
  /** MergeTree family engine name, e.g. ReplacingMergeTree */
  engine: string;
  /** engine arguments after the replication ones, e.g. ['version'] */
  engineArgs?: readonly string[];
  partitionBy?: string;
  orderBy: string;
  /** the Distributed table's sharding expression (required with a cluster) */
  shardBy?: string;
}

/** The statements that create `t`'s database and table, in order; `cluster` null = one server. */
export function tableDdl(t: TableDdl, cluster: string | null): string[] {
  const db = ident(t.database, 'database');
  const table = ident(t.table, 'table');
  const on = cluster ? ` ON CLUSTER ${ident(cluster, 'CLICKHOUSE_CLUSTER')}` : '';
  const columns = t.columns.map((c) => `${ident(c.name, 'column')} ${c.type}`).join(',\n      ');
  const tail = `${t.partitionBy ? `\n    PARTITION BY ${t.partitionBy}` : ''}\n    ORDER BY ${t.orderBy}`;
  const args = t.engineArgs ?? [];
  if (!cluster) {
    return [`CREATE DATABASE IF NOT EXISTS ${db}`, `CREATE TABLE IF NOT EXISTS ${db}.${table} (\n      ${columns}\n    ) ENGINE = ${t.engine}(${args.join(', ')})${tail}`];
  }
  if (!t.shardBy) throw new Error(`table ${table}: a cluster needs a sharding key (shardBy)`);
  const local = `${table}_local`;
  const replication = [`'/clickhouse/tables/{shard}/${db}/${local}'`, `'{replica}'`, ...args];
  return [
    `CREATE DATABASE IF NOT EXISTS ${db}${on}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${local}${on} (\n      ${columns}\n    ) ENGINE = Replicated${t.engine}(${replication.join(', ')})${tail}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${table}${on} AS ${db}.${local}\n    ENGINE = Distributed(${cluster}, ${db}, ${local}, ${t.shardBy})`,
  ];
}

/**
 * The statements that drop `table` of `database` when it exists: on a
 * cluster the Distributed table and its `_local` table on every node (a DROP
 * of the Distributed name alone would leave the data and its ZooKeeper
 * replica entries behind, and the next CREATE ... IF NOT EXISTS would reuse
 * them). A table kept on one node (the small projections) has no `_local`,
 * and IF EXISTS makes the extra statements no-ops.
 */
export function dropTableDdl(database: string, table: string, cluster: string | null): string[] {
  const name = `${ident(database, 'database')}.${ident(table, 'table')}`;
  if (!cluster) return [`DROP TABLE IF EXISTS ${name}`];
  const on = ` ON CLUSTER ${ident(cluster, 'CLICKHOUSE_CLUSTER')}`;
  return [`DROP TABLE IF EXISTS ${name}${on}`, `DROP TABLE IF EXISTS ${name}_local${on}`];
}

/**
 * The SELECT of `n` (rows) and `parts` over the active parts of `table`: no
 * scan, and no error before the table exists. On a cluster the rows are in
 * `<table>_local` on every shard, so each shard's system.parts is asked
 * (the `cluster` table function, in 18.16 and current releases); the
 * Distributed table itself has no parts.
 */
export function activeRowsSql(database: string, table: string, cluster: string | null): string {
  const db = ident(database, 'database');
  const t = ident(table, 'table');
  const from = cluster ? `cluster('${ident(cluster, 'CLICKHOUSE_CLUSTER')}', system, parts)` : 'system.parts';
  return `SELECT sum(rows) AS n, count() AS parts FROM ${from} WHERE active AND database = '${db}' AND table = '${cluster ? `${t}_local` : t}'`;
}
